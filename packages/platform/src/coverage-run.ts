import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import {
  type ChangedLines,
  ConfigurationError,
  type CoverageEvaluation,
  type CoverageMap,
  type CoverageSettings,
  defaultPolicy,
  evaluateCoverage,
  type GateReport,
  type LoadedPolicy,
  POLICY_FILE,
  parsePolicy,
  resolveCoveragePaths,
  resolveCoverageSettings,
} from "@release-gates/core";
import { gateReport } from "./gate-report.js";
import { displayPath, expandGlobs, projectDirectory, type ReadCoverageReport, readCoverageReport } from "./local/files.js";
import { changedLinesSince, isGitWorkTree, projectFiles } from "./local/git.js";

export interface CoverageRunRequest {
  /** The project directory: report globs and report paths are relative to it. */
  cwd: string;
  /** An explicit policy file; without one, `release-gates.yml` in `cwd` if present, else the defaults. */
  policyPath?: string;
  environment?: string;
  /** Action inputs / CLI flags: they win over the policy file. */
  overrides?: Partial<CoverageSettings>;
  /** Measure patch coverage against this ref with git. */
  baseRef?: string;
  /** Or: changed lines already known (from the GitHub API). */
  changes?: ChangedLines;
  /** The base branch's report fetched by the front end (a CI artifact); wins over `baseReport`. */
  baseReportFile?: { path: string; display: string };
  /** Name of what the changes were compared against, for messages. */
  changesBase?: string;
  /** Repository name and commit for the report subject; git's HEAD when absent. */
  subject?: { name?: string; commit?: string };
  clock?: () => Date;
}

export interface CoverageRunResult {
  report: GateReport;
  evaluation: CoverageEvaluation;
  coverage: CoverageMap;
  settings: CoverageSettings;
}

export async function loadPolicy(cwd: string, policyPath?: string): Promise<LoadedPolicy> {
  const path = policyPath ? resolve(cwd, policyPath) : resolve(cwd, POLICY_FILE);
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
  return parsePolicy(text, display);
}

async function readReports(globs: readonly string[], cwd: string, settings: CoverageSettings): Promise<ReadCoverageReport[]> {
  const paths = await expandGlobs(globs, cwd);
  const format = settings.format === "auto" ? undefined : settings.format;
  const reports: ReadCoverageReport[] = [];
  for (const path of paths) reports.push(await readCoverageReport(path, displayPath(cwd, path), format));
  return reports;
}

/**
 * The coverage gate from files to report: gathers the inputs (policy,
 * reports, repository files, changed lines), lets core decide, and returns
 * the report for a front end to publish.
 */
export async function runCoverageGate(request: CoverageRunRequest): Promise<CoverageRunResult> {
  const clock = request.clock ?? (() => new Date());
  const startedAt = clock();
  const cwd = await projectDirectory(request.cwd);
  const settings = resolveCoverageSettings(await loadPolicy(cwd, request.policyPath), request.environment, request.overrides);
  const inGit = await isGitWorkTree(cwd);
  const repoFiles = await projectFiles(cwd);
  const pathContext = { repoRoot: cwd.split(sep).join("/"), repoFiles, stripPrefixes: settings.stripPrefixes, exclude: settings.exclude };

  const reports = await readReports(settings.reports, cwd, settings);
  const resolved = resolveCoveragePaths(reports, pathContext);

  let base: CoverageMap | undefined;
  const baseInputs: ReadCoverageReport[] = [];
  if (request.baseReportFile) {
    const format = settings.format === "auto" ? undefined : settings.format;
    baseInputs.push(await readCoverageReport(request.baseReportFile.path, request.baseReportFile.display, format));
    base = resolveCoveragePaths(baseInputs, pathContext).coverage;
  } else if (settings.baseReport) {
    const baseReports = await readReports([settings.baseReport], cwd, settings);
    if (baseReports.length === 0) throw new ConfigurationError("expected a base coverage report, found no such file", settings.baseReport);
    baseInputs.push(...baseReports);
    base = resolveCoveragePaths(baseReports, pathContext).coverage;
  }

  let changes = request.changes;
  let changesBase = request.changesBase;
  if (!changes && request.baseRef) {
    if (!inGit)
      throw new ConfigurationError(`expected a git repository to compare against ${JSON.stringify(request.baseRef)}, found ${cwd} is not one`, "base-ref");
    changes = await changedLinesSince(request.baseRef, cwd);
    changesBase ??= request.baseRef;
  }

  const evaluation = evaluateCoverage({
    settings,
    reports: reports.map((report) => ({ path: report.path, format: report.format, files: report.files.length })),
    coverage: resolved.coverage,
    unmatched: resolved.unmatched,
    changes,
    changesBase,
    base,
  });

  const report = await gateReport({
    gate: "coverage-gate",
    cwd,
    subject: request.subject,
    environment: request.environment,
    evaluation,
    inputs: [...reports, ...baseInputs].map((report) => ({ path: report.path, format: report.format, sha256: report.sha256 })),
    policy: settings,
    startedAt,
    finishedAt: clock(),
  });
  return { report, evaluation, coverage: resolved.coverage, settings };
}
