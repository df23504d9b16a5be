import { ConfigurationError, describeInternalError, TOOL_VERSION } from "@release-gates/core";
import { coverageCommand } from "./coverage-command.js";
import { initCommand } from "./init-command.js";
import type { CommandIo } from "./io.js";
import { perfCommand } from "./perf-command.js";
import { planCommand, promoteCommand } from "./promote-command.js";
import { securityCommand } from "./security-command.js";

export type { CommandIo } from "./io.js";

const HELP = `Usage: release-gates <command> [options]

Commands:
  coverage    coverage gate: thresholds, patch coverage, drop against the base branch
  perf        perf gate: k6 thresholds, expected traffic, regressions against a baseline, resources
  security    security gate: vulnerable dependencies against an OSV snapshot or npm audit, accepted risks
  promote     decide whether a commit may move to the next environment (soak, gates, freeze, rollout)
  plan        where a commit could go now, environment by environment, and when
  init        write release-gates.yml with the release process's chain

Run \`release-gates <command> --help\` for a command's options.
Exit codes: 0 pass, 1 gate failed, 2 bad usage or unreadable input, 3 internal error.
`;

const COMMANDS: Record<string, { run: (args: readonly string[], io: CommandIo) => Promise<number>; gate: string }> = {
  coverage: { run: coverageCommand, gate: "coverage-gate" },
  perf: { run: perfCommand, gate: "perf-gate" },
  security: { run: securityCommand, gate: "security-gate" },
  promote: { run: promoteCommand, gate: "promote" },
  plan: { run: planCommand, gate: "promote" },
  init: { run: initCommand, gate: "init" },
};

/** The whole CLI as a function: argv in, exit code out. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`release-gates: expected a command (${Object.keys(COMMANDS).join(", ")}), found ${JSON.stringify(name)}; run release-gates --help\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      io.stderr(`release-gates ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`${describeInternalError(command.gate, error)}\n`);
    return 3;
  }
}
