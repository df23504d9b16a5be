import { readFile } from "node:fs/promises";
import { ConfigurationError, defaultPolicy, type LoadedPolicy, POLICY_FILE, readPolicy } from "@release-gates/core";
import { projectInput } from "./files.js";

/**
 * The policy of a project: the named file, else `release-gates.yml` in the
 * project when it exists, else the documented defaults. A named file that
 * cannot be read is the user's mistake.
 */
export async function loadPolicy(cwd: string, policyPath?: string): Promise<LoadedPolicy> {
  const { path } = projectInput(cwd, policyPath ?? POLICY_FILE);
  const display = policyPath ?? POLICY_FILE;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !policyPath) return defaultPolicy();
    throw new ConfigurationError(
      `expected a readable policy file, found ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "a file that cannot be read"}`,
      display,
    );
  }
  return readPolicy(text, display);
}
