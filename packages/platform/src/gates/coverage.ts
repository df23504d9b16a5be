import { sep } from "node:path";
import { type ChangedLines, ConfigurationError, quoted } from "@release-gates/core";
import {
  type CoverageEvaluation,
  type CoverageExtra,
  type CoverageFormat,
  type CoverageMap,
  type CoverageSettings,
  coverageGate,
  createCoverageParser,
  DETECTION_WINDOW,
  detectCoverageFormat,
  evaluateCoverage,
  type ParsedReport,
  resolveCoveragePaths,
} from "@release-gates/core/coverage";
import { pullRequestChanges } from "../github/pull-request.js";
import { fetchBaseReportFromArtifacts } from "../kit/base-artifact.js";
import { type FrontEndRequest, type GateRequest, type GateRunner, type RunPlatform, runGate } from "../kit/run-gate.js";
import { expandGlobs, projectInput, streamTextFile } from "../local/files.js";
import { changedLinesSince } from "../local/git.js";

export interface CoverageRunRequest extends GateRequest<CoverageSettings> {
  /** Measure patch coverage against this ref with git. */
  baseRef?: string;
  /** Or: changed lines already known (from the GitHub API). */
  changes?: ChangedLines;
  /** Name of what the changes were compared against, for messages. */
  changesBase?: string;
  /** The base branch's report fetched by the front end (a CI artifact); wins over `baseReport`. */
  baseReportFile?: { path: string; display: string };
}

export type CoverageRunResult = Awaited<ReturnType<typeof runCoverageGate>>;

export interface ReadCoverageReport extends ParsedReport {
  path: string;
  sha256: string;
}

/**
 * Streams a coverage report through its parser: the format is detected from
 * the first bytes and no format except istanbul JSON holds the whole file.
 */
export async function readCoverageReport(path: string, displayPath: string, format?: CoverageFormat): Promise<ReadCoverageReport> {
  let parser: ReturnType<typeof createCoverageParser> | undefined;
  let head = "";
  const sha256 = await streamTextFile(path, displayPath, "a readable text coverage report", (text, final) => {
    if (parser) {
      parser.write(text);
      return;
    }
    head += text;
    if (head.length < DETECTION_WINDOW && !final) return;
    head = head.replace(/^\uFEFF/, "");
    parser = createCoverageParser(format ?? detectCoverageFormat(head.slice(0, DETECTION_WINDOW)));
    parser.write(head);
    head = "";
  });
  try {
    return { ...(parser as NonNullable<typeof parser>).end(), path: displayPath, sha256 };
  } catch (error) {
    throw error instanceof ConfigurationError ? error.withSource(displayPath) : error;
  }
}

/** Reads the reports matching `globs`, in `format` or, when undefined, in the format each one's content shows. */
async function readReports(globs: readonly string[], cwd: string, format: CoverageFormat | undefined): Promise<ReadCoverageReport[]> {
  const paths = await expandGlobs(globs, cwd);
  const reports: ReadCoverageReport[] = [];
  for (const found of paths) {
    const { path, shown } = projectInput(cwd, found);
    reports.push(await readCoverageReport(path, shown, format));
  }
  return reports;
}

/**
 * The coverage gate from files to report: the reports (globs, merged), the
 * repository's files, the changed lines and the base report, decided by core.
 */
export async function runCoverageGate(request: CoverageRunRequest) {
  return runGate(coverageGate, request, async ({ cwd, settings, git }) => {
    const pathContext = { repoRoot: cwd.split(sep).join("/"), repoFiles: await git.files(), stripPrefixes: settings.stripPrefixes, exclude: settings.exclude };
    const reports = await readReports(settings.reports, cwd, settings.format === "auto" ? undefined : settings.format);
    const resolved = resolveCoveragePaths(reports, pathContext);

    let base: CoverageMap | undefined;
    const baseInputs: ReadCoverageReport[] = [];
    // A forced format is for the reports given (--report): the base branch's report may be another format, and is detected.
    if (request.baseReportFile) {
      baseInputs.push(await readCoverageReport(request.baseReportFile.path, request.baseReportFile.display));
    } else if (settings.baseReport) {
      baseInputs.push(...(await readReports([settings.baseReport], cwd, undefined)));
      if (baseInputs.length === 0) throw new ConfigurationError("expected a base coverage report, found no such file", settings.baseReport);
    }
    if (baseInputs.length > 0) base = resolveCoveragePaths(baseInputs, pathContext).coverage;

    let changes = request.changes;
    let changesBase = request.changesBase;
    if (!changes && request.baseRef) {
      if (!(await git.inWorkTree()))
        throw new ConfigurationError(`expected a git repository to compare against ${quoted(request.baseRef)}, found ${cwd} is not one`, "base-ref");
      changes = await changedLinesSince(request.baseRef, cwd);
      changesBase ??= request.baseRef;
    }

    const evaluation: CoverageEvaluation = evaluateCoverage({
      settings,
      reports: reports.map((report) => ({ path: report.path, format: report.format, files: report.files.length })),
      coverage: resolved.coverage,
      unmatched: resolved.unmatched,
      changes,
      changesBase,
      base,
    });
    return {
      ...evaluation,
      inputs: [...reports, ...baseInputs].map((report) => ({ path: report.path, format: report.format, sha256: report.sha256 })),
      extra: { coverage: resolved.coverage, evaluation } satisfies CoverageExtra & { evaluation: CoverageEvaluation },
    };
  });
}

/** What each platform adds: a pull request's changed lines and a base-branch artifact (GitHub), the MR's diff base and a job's artifacts (GitLab). */
async function platformEvidence(request: FrontEndRequest<CoverageSettings>, platform: RunPlatform): Promise<Partial<CoverageRunRequest>> {
  const baseRef = request.values["base-ref"] as string | undefined;
  const evidence: Partial<CoverageRunRequest> = { baseRef: baseRef ?? (platform.kind === "gitlab" ? platform.context.mergeRequestDiffBaseSha : undefined) };
  if (platform.kind === "github" && !baseRef && platform.context.pullRequest) {
    const { context, client } = platform;
    const found = await pullRequestChanges(context.pullRequest as NonNullable<typeof context.pullRequest>, request.cwd, client, context.repository);
    evidence.changes = found.changes;
    evidence.changesBase = context.pullRequest?.baseRef;
    platform.log(`Changed lines of pull request #${context.pullRequest?.number} read from ${found.via === "git" ? "the local clone" : "the GitHub API"}.`);
  }
  const base = await fetchBaseReportFromArtifacts(request, platform, "Base coverage report");
  if (base) evidence.baseReportFile = base;
  return evidence;
}

export const coverageRunner: GateRunner<typeof coverageGate.settings, CoverageExtra> = {
  descriptor: coverageGate,
  run: async (request, platform) => runCoverageGate({ ...request, ...(await platformEvidence(request, platform)) }),
};
