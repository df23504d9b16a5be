import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";
import {
  allowlistMatcher,
  evaluateSecrets,
  parseGitleaksReport,
  parseSecretsBaseline,
  readSecretsAllowlist,
  SECRET_RULES,
  type SecretFinding,
  type SecretsAllowlist,
  type SecretsEvaluation,
  type SecuritySettings,
  scanForSecrets,
  scanPathForSecrets,
} from "@release-gates/core/security";
import { displayPath, projectInput, readOptionalTextFile, readTextFile } from "../local/files.js";
import { changedLinesSince, type GitFacts } from "../local/git.js";

type Input = { path: string; format: string; sha256: string };

/** Bytes looked at to tell a binary file (a NUL byte) from text. */
const BINARY_PROBE = 8000;

async function readAllowlist(cwd: string, path: string, named: boolean): Promise<{ allowlist: SecretsAllowlist; input?: Input }> {
  const file = await readOptionalTextFile(cwd, path, named, "a secrets allowlist (YAML)");
  if (!file) return { allowlist: { paths: [], regexes: [], fingerprints: [] } };
  return { allowlist: await readSecretsAllowlist(file.text, file.shown), input: { path: file.shown, format: "secrets-allowlist", sha256: file.sha256 } };
}

/**
 * The secrets part of the security gate: scans the repository's files (or
 * only the lines changed since `diffBase`), adds a gitleaks report when
 * given, drops what the allowlist allows, and lets core decide against the
 * baseline. Files are read synchronously one at a time: trees have tens of
 * thousands of small files, and only one is held at once.
 */
export async function checkSecrets(
  cwd: string,
  git: GitFacts,
  settings: SecuritySettings["secrets"],
  explicitAllowlist: boolean,
  /** Files this run wrote (a generated SBOM): not the project's. */
  ownOutputs: readonly string[] = [],
): Promise<{ evaluation: SecretsEvaluation; inputs: Input[] }> {
  const inputs: Input[] = [];
  const { allowlist, input: allowlistInput } = await readAllowlist(cwd, settings.allowlist, explicitAllowlist);
  if (allowlistInput) inputs.push(allowlistInput);
  const matcher = allowlistMatcher(allowlist);
  const found: SecretFinding[] = [];
  const skippedFiles: string[] = [];
  let allowed = 0;
  let filesScanned = 0;

  if (settings.scan) {
    const changed = settings.diffBase ? await changedLinesSince(settings.diffBase, cwd, undefined, "secrets.diffBase") : undefined;
    const files = changed ? [...changed.keys()].sort() : await git.files();
    // The gate's own inputs hold the secrets they report (gitleaks writes them in clear).
    const ownInputs = new Set(
      [settings.gitleaksReport, settings.baseline, ...ownOutputs].filter((path) => path !== undefined).map((path) => displayPath(cwd, resolve(cwd, path))),
    );
    const digest = createHash("sha256");
    for (const file of files) {
      if (matcher.skipsPath(file) || ownInputs.has(file)) continue;
      // A key saved as a file name is a finding, and the name is shown redacted everywhere.
      const named = scanPathForSecrets(file);
      for (const hit of named.findings) {
        if (matcher.allows(hit, undefined)) allowed += 1;
        else found.push(hit);
      }
      const path = resolve(cwd, file);
      let bytes: Buffer;
      try {
        const info = lstatSync(path);
        // Git stores a link as the path it points to: that is its content, and a link is never followed out of the tree.
        if (info.isSymbolicLink()) bytes = Buffer.from(readlinkSync(path));
        else if (info.size > settings.maxFileBytes) {
          skippedFiles.push(named.shown);
          continue;
        } else bytes = readFileSync(path);
      } catch {
        continue; // Deleted in the work tree, a dangling link or a directory (submodule): nothing to scan.
      }
      if (bytes.subarray(0, BINARY_PROBE).includes(0)) continue;
      filesScanned += 1;
      digest.update(file).update("\0").update(bytes);
      const text = bytes.toString("utf8");
      const hits = scanForSecrets(named.shown, text, SECRET_RULES, changed?.get(file));
      if (hits.length === 0) continue;
      const lines = text.split("\n");
      for (const hit of hits) {
        if (matcher.allows(hit, lines[hit.line - 1])) allowed += 1;
        else found.push(hit);
      }
    }
    inputs.push({
      path: ".",
      format: `secrets-scan (${filesScanned} files${settings.diffBase ? `, lines changed since ${settings.diffBase}` : ""})`,
      sha256: digest.digest("hex"),
    });
  }

  if (settings.gitleaksReport) {
    const { path, shown } = projectInput(cwd, settings.gitleaksReport);
    const { text, sha256 } = await readTextFile(path, shown, "a gitleaks JSON report");
    // Where this scan already found something on the same line, gitleaks's finding is the same secret.
    const seen = new Set(found.map((finding) => `${finding.path}:${finding.line}`));
    for (const leak of parseGitleaksReport(text, shown)) {
      if (matcher.skipsPath(leak.path) || matcher.allows(leak, undefined)) allowed += 1;
      else if (!seen.has(`${leak.path}:${leak.line}`)) found.push(leak);
    }
    inputs.push({ path: shown, format: "gitleaks-json", sha256 });
  }

  let baseline = new Set<string>();
  if (settings.baseline) {
    const { path, shown } = projectInput(cwd, settings.baseline);
    const { text, sha256 } = await readTextFile(path, shown, "a secrets baseline (JSON)");
    baseline = parseSecretsBaseline(text, shown);
    inputs.push({ path: shown, format: "secrets-baseline", sha256 });
  }
  return { evaluation: evaluateSecrets({ found, allowed, baseline, filesScanned, skippedFiles }), inputs };
}
