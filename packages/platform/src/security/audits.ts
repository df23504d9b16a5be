import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { sha256 } from "@release-gates/core";
import {
  type AuditEvaluation,
  type ChangesSinceCommit,
  type ChecklistFile,
  type ContractFile,
  DEFAULT_AUDIT_MANIFEST,
  declaredContracts,
  evaluateAudits,
  evaluateChecklists,
  evaluateStaticAnalysis,
  parseSarifResults,
  readAuditManifest,
  type SecuritySettings,
  type StaticAnalysisAcknowledgement,
} from "@release-gates/core/security";
import picomatch from "picomatch";
import { displayPath, projectInput, readOptionalTextFile, readTextFile } from "../local/files.js";
import { changedFilesSince, type GitFacts, hasCommit } from "../local/git.js";

type Input = { path: string; format: string; sha256: string };

export interface ReviewEvidence {
  audits?: AuditEvaluation;
  staticAnalysis?: ReturnType<typeof evaluateStaticAnalysis>;
  checklists?: ReturnType<typeof evaluateChecklists>;
  inputs: Input[];
}

/** The contract files the policy names, with the contracts each declares (scopes may name either). */
async function readContracts(cwd: string, git: GitFacts, globs: readonly string[]): Promise<ContractFile[]> {
  const files = await git.files();
  const isContract = picomatch(
    globs.map((glob) => glob.replace(/^\.\//, "")),
    { dot: true },
  );
  const contracts: ContractFile[] = [];
  for (const path of files.filter((file) => isContract(file)).sort()) {
    const text = await readFile(resolve(cwd, path), "utf8").catch(() => undefined);
    if (text !== undefined) contracts.push({ path, names: declaredContracts(text) });
  }
  return contracts;
}

/** For each audited commit, the files changed since; `missing` when a shallow clone lacks it. */
async function changesSince(cwd: string, git: GitFacts, commits: readonly string[]): Promise<ChangesSinceCommit> {
  const changes = new Map<string, { changed: ReadonlySet<string> } | "missing">();
  const inGit = await git.inWorkTree();
  for (const commit of new Set(commits)) {
    changes.set(commit, inGit && (await hasCommit(commit, cwd)) ? { changed: await changedFilesSince(commit, cwd) } : "missing");
  }
  return changes;
}

/** The digest of each published report, undefined for one that is not in the repository. */
async function reportDigests(cwd: string, reports: readonly string[]): Promise<Map<string, string | undefined>> {
  const digests = new Map<string, string | undefined>();
  for (const report of new Set(reports)) {
    const path = resolve(cwd, report);
    // A report outside the project is not published with it.
    const inside = !displayPath(cwd, path).startsWith("/");
    digests.set(report, inside ? await readFile(path).then(sha256, () => undefined) : undefined);
  }
  return digests;
}

/**
 * The audits-and-reviews part of the security gate: the audit manifest
 * (coverage of each contract by independent firms since the audited
 * commits, published reports, findings, penetration tests), static-analysis
 * SARIF, and the required checklists. Core decides; this reads the files and git.
 */
export async function checkReviewEvidence(
  cwd: string,
  git: GitFacts,
  settings: SecuritySettings,
  environment: string | undefined,
  now: Date,
): Promise<ReviewEvidence> {
  const inputs: Input[] = [];
  let acknowledged: readonly StaticAnalysisAcknowledgement[] = [];
  let audits: AuditEvaluation | undefined;
  const manifestFile = settings.audits
    ? await readOptionalTextFile(cwd, settings.audits.manifest, true, "an audit manifest (YAML)")
    : // Static analysis alone still honours the manifest's acknowledgements when the default one exists.
      settings.staticAnalysis.length > 0
      ? await readOptionalTextFile(cwd, DEFAULT_AUDIT_MANIFEST, false, "an audit manifest (YAML)")
      : undefined;
  if (manifestFile) {
    const manifest = await readAuditManifest(manifestFile.text, manifestFile.shown);
    acknowledged = manifest.acknowledged;
    inputs.push({ path: manifestFile.shown, format: "audit-manifest", sha256: manifestFile.sha256 });
    if (settings.audits) {
      const published = [...manifest.audits, ...manifest.penTests];
      audits = evaluateAudits({
        manifest,
        source: manifestFile.shown,
        settings: settings.audits,
        contracts: settings.audits.minFirms > 0 ? await readContracts(cwd, git, settings.audits.contracts) : [],
        changes:
          settings.audits.minFirms > 0
            ? await changesSince(
                cwd,
                git,
                manifest.audits.map((audit) => audit.commit),
              )
            : new Map(),
        digests: await reportDigests(
          cwd,
          published.map((entry) => entry.report),
        ),
        environment,
        now,
      });
    }
  }

  let staticAnalysis: ReviewEvidence["staticAnalysis"];
  if (settings.staticAnalysis.length > 0) {
    const results = [];
    const sources: string[] = [];
    for (const file of settings.staticAnalysis) {
      const { path, shown } = projectInput(cwd, file);
      const { text, sha256: digest } = await readTextFile(path, shown, "a SARIF 2.1.0 log");
      const parsed = parseSarifResults(text, shown);
      // Absolute artifact paths (some tools write them) become repository paths.
      results.push(...parsed.map((result) => (result.path?.startsWith("/") ? { ...result, path: displayPath(cwd, result.path) } : result)));
      sources.push(shown);
      inputs.push({ path: shown, format: `sarif (${parsed.length} results)`, sha256: digest });
    }
    staticAnalysis = evaluateStaticAnalysis(results, acknowledged, sources);
  }

  let checklists: ReviewEvidence["checklists"];
  if (settings.checklists.length > 0) {
    const files: ChecklistFile[] = [];
    for (const file of settings.checklists) {
      const { path, shown } = projectInput(cwd, file);
      const read = await readFile(path).catch(() => undefined);
      files.push({ path: shown, text: read?.toString("utf8") });
      if (read) inputs.push({ path: shown, format: "checklist", sha256: sha256(read) });
    }
    checklists = evaluateChecklists(files);
  }
  return { audits, staticAnalysis, checklists, inputs };
}
