import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import {
  type CheckFinding,
  type CollectorConfig,
  type DocumentFacts,
  type DocumentKind,
  type Evidence,
  EvidenceReader,
  type ObservabilitySettings,
  parseCollectorConfig,
  parseSdkEnvironment,
  type RepositoryFiles,
  type SdkEnvironment,
} from "@release-gates/core/observability";
import type { ReportInput } from "../kit/run-gate.js";
import { displayPath, expandGlobs, listFiles, projectInput, readSmallTextFile } from "../local/files.js";
import { isShallowClone, lastChange } from "../local/git.js";

/** A monitoring file larger than this is refused: a dashboard is kilobytes, a rule file rarely a megabyte. */
const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;
/** Runbook targets are read to check their anchors; a larger "runbook" is not one. */
const MAX_LINKED_BYTES = 4 * 1024 * 1024;

function readEvidenceFile(cwd: string, path: string, expected: string): { shown: string; text: string; sha256: string } {
  const { path: absolute, shown } = projectInput(cwd, path);
  const info = statSync(absolute, { throwIfNoEntry: false });
  if (info && info.size > MAX_EVIDENCE_BYTES)
    throw new ConfigurationError(
      `expected ${expected} under ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB, found ${Math.round(info.size / 1024 / 1024)} MB: narrow the globs`,
      shown,
    );
  return { shown, ...readSmallTextFile(absolute, shown, expected) };
}

/**
 * The repository's monitoring files, read by content: the globs of
 * `files`, then the dashboard folders that Grafana provisioning files in
 * them point at (when those folders are in the repository).
 */
export async function readEvidence(
  cwd: string,
  settings: ObservabilitySettings,
  inputs: ReportInput[],
): Promise<{ evidence: Evidence; notes: CheckFinding[] }> {
  const reader = new EvidenceReader();
  const read = new Set<string>();
  const add = async (path: string) => {
    const shown = displayPath(cwd, path);
    if (read.has(shown)) return;
    read.add(shown);
    const file = readEvidenceFile(cwd, path, "a monitoring file (rules, SLOs, dashboards)");
    reader.add(file.shown, file.text);
    inputs.push({ path: file.shown, format: "observability", sha256: file.sha256 });
  };
  for (const path of await expandGlobs(settings.files, cwd)) await add(path);
  const notes: CheckFinding[] = [];
  // Provisioning points at folders; those in the repository are read too.
  const evidence = reader.finish();
  const providers = evidence.providers;
  if (providers.length === 0) return { evidence, notes };
  const extra = new EvidenceReader();
  for (const provider of providers) {
    const candidates = [join(cwd, dirname(provider.source), provider.path), join(cwd, provider.path.replace(/^\/+/, ""))];
    const folder = candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isDirectory());
    if (!folder) {
      notes.push({
        check: "dashboards.red",
        finding: {
          id: "provisioned-folder-outside",
          severity: "notice",
          message: `provider ${JSON.stringify(provider.name)} loads ${provider.path}, which is not a folder of the repository: its dashboards count only if gates.observability.files includes them`,
          location: { path: provider.source },
        },
      });
      continue;
    }
    for (const name of await listFiles(folder)) {
      if (!name.endsWith(".json")) continue;
      const shown = displayPath(cwd, join(folder, name));
      if (read.has(shown)) continue;
      read.add(shown);
      const file = readEvidenceFile(cwd, shown, "a Grafana dashboard (JSON)");
      extra.add(file.shown, file.text);
      inputs.push({ path: file.shown, format: "observability", sha256: file.sha256 });
    }
  }
  const provisioned = extra.finish();
  return {
    evidence: { ...evidence, dashboards: [...evidence.dashboards, ...provisioned.dashboards], findings: [...evidence.findings, ...provisioned.findings] },
    notes,
  };
}

/**
 * The runbook, rollback procedure and incident plan: the first file each
 * kind's paths match, when git last changed it, and when the files it
 * covers (the runbook: the rule files, unless `covers` says) last changed.
 */
export async function readDocuments(
  cwd: string,
  settings: ObservabilitySettings,
  ruleFiles: readonly string[],
  inGit: boolean,
  inputs: ReportInput[],
): Promise<{ documents: Partial<Record<DocumentKind, DocumentFacts>>; covered: Partial<Record<DocumentKind, { changedMs: number; path: string }>> }> {
  const documents: Partial<Record<DocumentKind, DocumentFacts>> = {};
  const covered: Partial<Record<DocumentKind, { changedMs: number; path: string }>> = {};
  const shallow = inGit && (await isShallowClone(cwd));
  for (const kind of ["runbook", "rollback", "incident"] as const) {
    const documentSettings = settings.docs[kind];
    if (documentSettings.severity === "off") continue;
    const [path] = await expandGlobs(documentSettings.paths, cwd);
    if (!path) continue;
    const file = readEvidenceFile(cwd, path, "a Markdown document");
    inputs.push({ path: file.shown, format: `${kind}-document`, sha256: file.sha256 });
    const history = inGit && !shallow ? await lastChange([file.shown], cwd) : undefined;
    documents[kind] = {
      path: file.shown,
      text: file.text,
      ...(history ? { changedMs: history.changedMs } : {}),
      ...(shallow ? { historyNote: "the clone is shallow, so git cannot date it (fetch-depth: 0, GIT_DEPTH: 0)" } : {}),
    };
    const coveredPaths = documentSettings.covers.length
      ? (await expandGlobs(documentSettings.covers, cwd)).map((absolute) => displayPath(cwd, absolute))
      : kind === "runbook"
        ? [...ruleFiles]
        : [];
    const coveredChange = inGit && !shallow && coveredPaths.length ? await lastChange(coveredPaths, cwd) : undefined;
    if (coveredChange) covered[kind] = coveredChange;
  }
  return { documents, covered };
}

/** The telemetry configuration the policy names: Collector configs, SDK environments, logging configs. */
export async function readTelemetry(
  cwd: string,
  settings: ObservabilitySettings,
  inputs: ReportInput[],
): Promise<{ collectors: CollectorConfig[]; environments: SdkEnvironment[]; logging: { path: string; text: string }[]; findings: CheckFinding[] }> {
  const result = {
    collectors: [] as CollectorConfig[],
    environments: [] as SdkEnvironment[],
    logging: [] as { path: string; text: string }[],
    findings: [] as CheckFinding[],
  };
  // A file the policy names must exist; a glob may match nothing.
  const named = async (globs: readonly string[], setting: string) => {
    for (const glob of globs)
      if (!/[*?[\]{}!]/.test(glob) && !statSync(projectInput(cwd, glob).path, { throwIfNoEntry: false }))
        throw new ConfigurationError("expected the file the policy names, found no such file", `${setting}: ${glob}`);
    return expandGlobs(globs, cwd);
  };
  const attempt = async (check: "telemetry.traces" | "telemetry.logs", path: string, expected: string, use: (shown: string, text: string) => void) => {
    const file = readEvidenceFile(cwd, path, expected);
    inputs.push({ path: file.shown, format: check, sha256: file.sha256 });
    try {
      use(file.shown, file.text);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      result.findings.push({
        check,
        finding: {
          id: "telemetry-config-invalid",
          severity: "error",
          message: error.detail,
          location: { path: file.shown, ...(error.line ? { startLine: error.line } : {}) },
        },
      });
    }
  };
  for (const path of await named(settings.telemetry.collector, "telemetry.collector"))
    await attempt("telemetry.traces", path, "an OpenTelemetry Collector configuration (YAML)", (shown, text) =>
      result.collectors.push(parseCollectorConfig(text, shown)),
    );
  for (const path of await named(settings.telemetry.sdkEnv, "telemetry.sdkEnv"))
    await attempt("telemetry.traces", path, "an OpenTelemetry SDK environment (dotenv or YAML)", (shown, text) =>
      result.environments.push(parseSdkEnvironment(text, shown)),
    );
  for (const path of await named(settings.telemetry.logging, "telemetry.logging"))
    await attempt("telemetry.logs", path, "a logging configuration", (shown, text) => result.logging.push({ path: shown, text }));
  return result;
}

/** The repository's files as the runbook-link check reads them: inside the project only, bounded, each read once. */
export function repositoryFiles(cwd: string): RepositoryFiles {
  const cache = new Map<string, string | undefined>();
  return {
    read(path) {
      if (!cache.has(path)) {
        let text: string | undefined;
        try {
          const { path: absolute } = projectInput(cwd, path);
          const info = statSync(absolute, { throwIfNoEntry: false });
          if (info?.isFile()) text = info.size > MAX_LINKED_BYTES ? "" : readFileSync(absolute, "utf8");
          else if (info?.isDirectory()) text = "";
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw error;
        }
        cache.set(path, text);
      }
      return cache.get(path);
    },
  };
}
