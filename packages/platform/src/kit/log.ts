import { randomUUID } from "node:crypto";

/**
 * Where the GitHub runner would read a workflow command in a line: `::name::`
 * at its start (leading blanks allowed) or the legacy `##[name]` anywhere.
 */
const WORKFLOW_COMMAND = /(?:^|\n)[ \t]*::|##\[/;

/**
 * Text that came from inputs (report summaries, file names, messages), made
 * safe for a GitHub runner's log: when a line of it could be read as a
 * workflow command (`::add-mask::`, `::stop-commands::`), the text is
 * framed by `::stop-commands::` and a random resume token, so the runner
 * shows it and obeys none of it. Other text is returned unchanged.
 */
export function shieldWorkflowCommands(text: string, token: string = randomUUID()): string {
  if (!WORKFLOW_COMMAND.test(text)) return text;
  return `::stop-commands::${token}\n${text}${text.endsWith("\n") ? "" : "\n"}::${token}::\n`;
}
