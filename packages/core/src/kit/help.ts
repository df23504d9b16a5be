import type * as z from "zod";
import type { GateOption } from "./descriptor.js";
import { optionChoices } from "./options.js";
import type { CommandView } from "./view.js";

/** The exit codes of every gate command. */
/** A service or the machine failing under a command: the same for every command. */
export const UNAVAILABLE_EXIT_CODE = "4 a service or the machine failed (outage, network, full disk: retry later)";
export const GATE_EXIT_CODES = `Exit codes: 0 pass (or warn), 1 gate failed, 2 bad usage or unreadable input, 3 internal error, ${UNAVAILABLE_EXIT_CODE}.`;

const WIDTH = 100;
const FLAG_COLUMN = 30;

/** Options that may be given more than once on the command line. */
export const isRepeatable = (option: GateOption): boolean => option.kind === "list" || option.kind === "thresholds";

function flag(option: GateOption): string {
  const name = `--${option.cliName ?? option.name}`;
  return option.kind === "boolean" ? name : `${name} ${option.placeholder ?? "VALUE"}`;
}

function wrap(text: string, indent: number, first: number): string[] {
  const lines: string[] = [];
  let line = "";
  let room = WIDTH - first;
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** One option in the help: the flag, then the description (its choices, default and repeatability), wrapped under it. */
export function helpLine(option: GateOption, settings?: z.ZodObject): string {
  const choices = optionChoices(option, settings);
  const notes = [
    choices ? `one of ${choices.join(", ")}` : undefined,
    option.shownDefault ? `default: ${option.shownDefault.replace(/`/g, "")}` : undefined,
    isRepeatable(option) ? "repeatable" : undefined,
  ].filter(Boolean);
  const text = `${option.description}${notes.length ? ` (${notes.join("; ")})` : ""}`;
  const head = `  ${flag(option)}`;
  const column = Math.max(FLAG_COLUMN, head.length + 2);
  const [first = "", ...rest] = wrap(text, FLAG_COLUMN, column);
  const lines = head.length + 2 > FLAG_COLUMN ? [head, `${" ".repeat(FLAG_COLUMN)}${first}`] : [`${head.padEnd(FLAG_COLUMN)}${first}`];
  return [...lines, ...rest.map((line) => `${" ".repeat(FLAG_COLUMN)}${line}`)].join("\n");
}

/** `release-gates <command> --help`, written from the command's view: every flag it takes, and nothing it does not. */
export function renderCommandHelp(view: CommandView): string {
  return [
    `Usage: release-gates ${view.command} ${view.usage}`,
    "",
    view.help,
    "",
    "Options:",
    ...view.options("cli").map((option) => helpLine(option, view.settings)),
    `${"  -h, --help".padEnd(FLAG_COLUMN)}this help`,
    "",
    view.exitCodes,
    "",
  ].join("\n");
}
