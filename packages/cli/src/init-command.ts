import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigurationError, POLICY_FILE } from "@release-gates/core";
import { RELEASE_PROCESS_TEMPLATE } from "@release-gates/core/promote";
import { writeOutputFile } from "@release-gates/platform";
import { parseCommandLine } from "./args.js";
import type { CommandIo } from "./io.js";

export const INIT_HELP = `Usage: release-gates init [--force] [--cwd DIR]

Writes ${POLICY_FILE} with the release process's chain: development → staging →
testnet (two weeks) → canary (5 %, analysed, rolled back on trouble) → mainnet
(5 → 25 → 100 %, freeze windows). Refuses to overwrite an existing file without --force.
`;

export async function initCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandLine(args, { force: { type: "boolean" }, cwd: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) {
    io.stdout(INIT_HELP);
    return 0;
  }
  const path = resolve(io.cwd, typeof values.cwd === "string" ? values.cwd : ".", POLICY_FILE);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists && values.force !== true) throw new ConfigurationError(`expected no ${POLICY_FILE} yet, found one: pass --force to replace it`, path);
  await writeOutputFile(path, RELEASE_PROCESS_TEMPLATE);
  io.stdout(`Wrote ${path}: edit the gates and environments, then run release-gates plan.\n`);
  return 0;
}
