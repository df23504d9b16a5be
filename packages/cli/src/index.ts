import { type AnyGateDescriptor, GATE_EXIT_CODES, GATES, quoted, TOOL_VERSION } from "@release-gates/core";
import { classifyError, debugRequested } from "@release-gates/platform";
import { type Command, gateCommand } from "./gate-command.js";
import { initCommand } from "./init-command.js";
import type { CommandIo } from "./io.js";
import { planCommand, promoteCommand } from "./promote-command.js";

export type { CommandIo } from "./io.js";

/** Every gate in the registry, then the commands that are not gates. */
const COMMANDS: Command[] = [
  ...(GATES as readonly AnyGateDescriptor[]).map(gateCommand),
  {
    name: "promote",
    summary: "decide whether a commit may move to the next environment (soak, gates, freeze, rollout)",
    gate: "promote",
    run: promoteCommand,
  },
  { name: "plan", summary: "where a commit could go now, environment by environment, and when", gate: "promote", run: planCommand },
  { name: "init", summary: "write release-gates.yml with the release process's chain", gate: "init", run: initCommand },
];

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 4;
  return `Usage: release-gates <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`).join("\n")}

Run \`release-gates <command> --help\` for a command's options.
--debug (anywhere, or RELEASE_GATES_DEBUG=1) shows the stack trace of an internal error.
${GATE_EXIT_CODES}
`;
}

/** The whole CLI as a function: argv in, exit code out. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const debug = argv.includes("--debug") || debugRequested(io.env);
  const [name, ...args] = argv.filter((arg) => arg !== "--debug");
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(
      `release-gates: expected a command (${COMMANDS.map((candidate) => candidate.name).join(", ")}), found ${quoted(name)}; run release-gates --help\n`,
    );
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const classified = classifyError(error, command.gate, debug);
    io.stderr(classified.kind === "internal" ? `${classified.sentence}\n` : `release-gates ${name}: ${classified.sentence}\n`);
    return classified.exitCode;
  }
}
