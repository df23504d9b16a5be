#!/usr/bin/env node
import { shieldWorkflowCommands } from "@release-gates/platform";
import { main } from "./index.js";

// In a GitHub `run:` step the runner reads the CLI's output for workflow commands: text from inputs must not be one.
const shield = process.env.GITHUB_ACTIONS === "true" ? shieldWorkflowCommands : (text: string) => text;
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(shield(text)),
  stderr: (text) => process.stderr.write(shield(text)),
});
process.exitCode = code;
