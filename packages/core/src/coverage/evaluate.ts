import type { ChangedLines } from "../diff.js";
import { ConfigurationError, quoted } from "../errors.js";
import type { Check, Finding } from "../report/schema.js";
import { type Counts, type CoverageMap, type FileCounter, type FileCoverage, fileCounts, METRICS, type Metric, percentage, sumCounts } from "./model.js";
import type { CoverageSettings, MetricThresholds } from "./settings.js";
import { classifyPathKey, evaluateThreshold, formatPercent, judgeThreshold } from "./thresholds.js";

export interface ReadReport {
  path: string;
  format: string;
  files: number;
}

export interface CoverageEvaluationInput {
  settings: CoverageSettings;
  /** The reports read (after glob expansion), in order. */
  reports: readonly ReadReport[];
  /** Repo-relative coverage, all reports merged. */
  coverage: CoverageMap;
  /** Report paths matching no repository file. */
  unmatched: readonly string[];
  /** Lines the change adds or modifies; undefined when no base was given. */
  changes?: ChangedLines;
  /** Where the changes were measured against, for messages (`origin/main`). */
  changesBase?: string;
  /** The base branch's merged coverage, for the drop check. */
  base?: CoverageMap;
}

export interface MetricTotal extends Counts {
  pct: number | null;
}

export type CoverageDetails = {
  totals: Record<Metric, MetricTotal>;
  fileCount: number;
  worstFiles: { path: string; lines: MetricTotal; branches: MetricTotal }[];
  unmatched: string[];
  patch?: { base: string | undefined; covered: number; total: number; pct: number | null; changedFiles: number };
  base?: Record<Metric, MetricTotal>;
};

export interface CoverageEvaluation {
  checks: Check[];
  findings: Finding[];
  details: CoverageDetails;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const withPct = (counts: Counts): MetricTotal => ({ ...counts, pct: percentage(counts) });

function thresholdCheck(id: string, metric: Metric, counts: Counts, threshold: number, scope: string, onNoData: Check["onNoData"]): Check {
  const result = evaluateThreshold(metric, counts, threshold, scope);
  return {
    id,
    status: result.status,
    measured: result.measured,
    threshold,
    unit: threshold < 0 ? "uncovered" : "%",
    ...(result.status === "no-data" ? { onNoData } : {}),
    message: result.sentence,
  };
}

function configuredMetrics(thresholds: MetricThresholds | undefined): [Metric, number][] {
  return METRICS.flatMap((metric) => (thresholds?.[metric] === undefined ? [] : [[metric, thresholds[metric] as number] as [Metric, number]]));
}

/** Checks each file against `thresholds` on its own: one check per metric, naming the worst file. */
function perFileChecks(
  idPrefix: string,
  scope: string,
  files: readonly FileCoverage[],
  thresholds: MetricThresholds,
  settings: CoverageSettings,
  findings: Finding[],
  count: FileCounter,
): Check[] {
  return configuredMetrics(thresholds).map(([metric, threshold]) => {
    const id = `${idPrefix}.${metric}`;
    const worse = (a: number, b: number) => (threshold < 0 ? a > b : a < b);
    let measuredFiles = 0;
    let failingFiles = 0;
    // The first of the worst, in one pass (sorting 50,000 files to take one was a sixth of the evaluation).
    let worst: { file: FileCoverage; measured: number } | undefined;
    for (const file of files) {
      const counts = count(file, metric);
      const { status, measured } = judgeThreshold(counts, threshold);
      if (measured === null) continue;
      measuredFiles += 1;
      if (status === "fail") {
        failingFiles += 1;
        findings.push({ id, severity: "error", message: evaluateThreshold(metric, counts, threshold, file.path).sentence, location: { path: file.path } });
      }
      if (!worst || worse(measured, worst.measured)) worst = { file, measured };
    }
    if (!worst) {
      return {
        id,
        status: "no-data",
        measured: null,
        threshold,
        onNoData: settings.onNoData,
        message: `None of the ${scope} has ${metric} to measure against the ${threshold} threshold.`,
      };
    }
    return {
      id,
      status: failingFiles > 0 ? "fail" : "pass",
      measured: worst.measured,
      threshold,
      unit: threshold < 0 ? "uncovered" : "%",
      message:
        failingFiles > 0
          ? `${failingFiles} of ${measuredFiles} ${scope} miss the ${metric} threshold of ${threshold}; the worst: ${evaluateThreshold(metric, count(worst.file, metric), threshold, worst.file.path).sentence}`
          : `All ${measuredFiles} ${scope} meet the ${metric} threshold of ${threshold}.`,
    };
  });
}

function thresholdChecks(input: CoverageEvaluationInput, findings: Finding[], count: FileCounter): Check[] {
  const { settings, coverage } = input;
  const { thresholds } = settings;
  const files = [...coverage.values()];
  const checks: Check[] = [];
  const claimed = new Set<string>();
  for (const [key, keyThresholds] of Object.entries(thresholds.paths ?? {})) {
    const rule = classifyPathKey(key, (path) => coverage.get(path) !== undefined);
    const matching = files.filter((file) => rule.matches(file.path));
    for (const file of matching) claimed.add(file.path);
    if (rule.kind === "glob") {
      checks.push(...perFileChecks(`path:${key}`, `files matching ${key}`, matching, keyThresholds, settings, findings, count));
      continue;
    }
    for (const [metric, threshold] of configuredMetrics(keyThresholds)) {
      checks.push(thresholdCheck(`path:${key}.${metric}`, metric, sumCounts(matching, metric, count), threshold, key, settings.onNoData));
    }
  }
  // As in jest, files claimed by a path entry are taken out of the global figures.
  const unclaimed = files.filter((file) => !claimed.has(file.path));
  for (const [metric, threshold] of configuredMetrics(thresholds.global)) {
    const scope = claimed.size > 0 ? "the files no path threshold covers" : "all files";
    checks.push(thresholdCheck(`global.${metric}`, metric, sumCounts(unclaimed, metric, count), threshold, scope, settings.onNoData));
  }
  if (thresholds.perFile) checks.push(...perFileChecks("per-file", "files", files, thresholds.perFile, settings, findings, count));
  return checks;
}

/** Uncovered changed lines as ranges; a covered line in between starts a new range. */
function uncoveredRanges(file: FileCoverage, changed: ReadonlySet<number>): [number, number][] {
  const ranges: [number, number][] = [];
  let open: [number, number] | undefined;
  for (const [line, hits] of file.lines) {
    if (changed.has(line) && hits === 0) {
      if (open) open[1] = line;
      else {
        open = [line, line];
        ranges.push(open);
      }
    } else if (hits > 0) open = undefined;
  }
  return ranges;
}

function patchCheck(
  input: CoverageEvaluationInput,
  changes: ChangedLines,
  findings: Finding[],
): { check: Check; details: NonNullable<CoverageDetails["patch"]> } {
  const { settings, coverage } = input;
  let covered = 0;
  let total = 0;
  let changedFiles = 0;
  for (const [path, lines] of changes) {
    const file = coverage.get(path);
    if (!file) continue;
    changedFiles += 1;
    for (const line of lines) {
      const hits = file.lines.get(line);
      if (hits === undefined) continue;
      total += 1;
      if (hits > 0) covered += 1;
    }
    for (const [start, end] of uncoveredRanges(file, lines)) {
      findings.push({
        id: "patch.uncovered",
        severity: "warning",
        message: start === end ? `Line ${start} was changed but no test runs it.` : `Lines ${start}–${end} were changed but no test runs them.`,
        location: { path, startLine: start, endLine: end },
      });
    }
  }
  const pct = percentage({ covered, total });
  const threshold = settings.patch.threshold;
  // A merge base is a bare SHA: show it the way git log --oneline would.
  const against = input.changesBase ? ` against ${/^[0-9a-f]{40}$/.test(input.changesBase) ? input.changesBase.slice(0, 12) : input.changesBase}` : "";
  const details = { base: input.changesBase, covered, total, pct, changedFiles };
  if (total === 0) {
    return {
      check: {
        id: "patch",
        status: "no-data",
        measured: null,
        threshold,
        unit: "%",
        onNoData: settings.patch.onNoData,
        message: `The change${against} touches no line the coverage report can measure (documentation, configuration or untested files only), so patch coverage is not applicable.`,
      },
      details,
    };
  }
  const passed = (pct as number) >= threshold;
  const uncovered = total - covered;
  return {
    check: {
      id: "patch",
      status: passed ? "pass" : "fail",
      measured: pct,
      threshold,
      unit: "%",
      message: passed
        ? `Patch coverage${against}: ${pct} % of the ${total} changed coverable lines are tested, meeting the minimum of ${threshold} %.`
        : `Patch coverage${against}: ${pct} % (${covered}/${total}) of the changed lines are tested, below the minimum of ${threshold} %: ${uncovered} changed line${uncovered > 1 ? "s have" : " has"} no test (see the annotations).`,
    },
    details,
  };
}

function dropChecks(input: CoverageEvaluationInput, base: CoverageMap): { checks: Check[]; totals: Record<Metric, MetricTotal> } {
  const current = input.coverage.totals();
  const before = base.totals();
  const checks: Check[] = [];
  for (const metric of METRICS) {
    const allowed = input.settings.maxDrop[metric];
    if (allowed === undefined) continue;
    const now = percentage(current[metric]);
    const then = percentage(before[metric]);
    const id = `drop.${metric}`;
    if (now === null || then === null) {
      checks.push({
        id,
        status: "no-data",
        measured: null,
        threshold: allowed,
        unit: "points",
        onNoData: input.settings.onNoData,
        message: `${capital(metric)} cannot be compared with the base report: ${then === null ? "the base" : "this run"} has no ${metric}.`,
      });
      continue;
    }
    const drop = Math.round((then - now) * 100) / 100;
    checks.push({
      id,
      status: drop > allowed ? "fail" : "pass",
      measured: drop,
      threshold: allowed,
      unit: "points",
      message:
        drop > allowed
          ? `${capital(metric)} fell from ${then} % to ${now} % against the base report, ${drop} points, more than the ${allowed} allowed: add tests for the new code.`
          : drop > 0
            ? `${capital(metric)} fell by ${drop} points (${then} % → ${now} %), within the ${allowed} allowed.`
            : `${capital(metric)} did not fall against the base report (${then} % → ${now} %).`,
    });
  }
  return { checks, totals: Object.fromEntries(METRICS.map((metric) => [metric, withPct(before[metric])])) as Record<Metric, MetricTotal> };
}

/**
 * The `limit` files with the lowest line coverage (most uncovered lines first
 * among equals), fully covered files left out: one pass, no sort of every file.
 */
function worstFiles(files: readonly FileCoverage[], count: FileCounter, limit: number): CoverageDetails["worstFiles"] {
  const worse = (a: Counts, b: Counts) => {
    const difference = a.covered * b.total - b.covered * a.total;
    return difference < 0 || (difference === 0 && a.total - a.covered > b.total - b.covered);
  };
  const kept: { file: FileCoverage; lines: Counts }[] = [];
  for (const file of files) {
    const lines = count(file, "lines");
    if (lines.total === 0 || lines.covered === lines.total) continue;
    if (kept.length === limit && !worse(lines, (kept[limit - 1] as { lines: Counts }).lines)) continue;
    let position = kept.length;
    while (position > 0 && worse(lines, (kept[position - 1] as { lines: Counts }).lines)) position -= 1;
    kept.splice(position, 0, { file, lines });
    if (kept.length > limit) kept.pop();
  }
  return kept.map(({ file, lines }) => ({ path: file.path, lines: withPct(lines), branches: withPct(count(file, "branches")) }));
}

/** Data checks: a gate with no data fails, saying where it looked. */
function dataCheck(input: CoverageEvaluationInput): Check {
  const { reports, coverage, unmatched, settings } = input;
  const nothing = (threshold: string, message: string): Check => ({ id: "reports", status: "fail", measured: 0, threshold, message });
  if (reports.length === 0) {
    return nothing(
      "≥ 1 report",
      `No coverage report matched ${settings.reports.join(", ")}: run the tests with coverage before the gate, or set the report paths.`,
    );
  }
  const plural = reports.length > 1 ? "s" : "";
  if (reports.every((report) => report.files === 0)) {
    return nothing(
      "≥ 1 file",
      `The coverage report${plural} ${reports.map((report) => report.path).join(", ")} list no source files: the tests ran without instrumenting any code.`,
    );
  }
  if (coverage.size === 0) {
    return nothing(
      "≥ 1 file in the repository",
      `None of the ${unmatched.length} files in the coverage report${plural} is in this repository (for example ${quoted(unmatched[0])}): set stripPrefixes to the path the report was written under.`,
    );
  }
  // Measured: the reported files found in this repository, against all the reports list.
  const reported = coverage.size + unmatched.length;
  const read = `Read ${reports.length} report${reports.length > 1 ? "s" : ""} (${[...new Set(reports.map((report) => report.format))].join(", ")})`;
  return {
    id: "reports",
    status: unmatched.length > 0 && settings.onUnmatchedFiles === "fail" ? "fail" : unmatched.length > 0 ? "warn" : "pass",
    measured: coverage.size,
    unit: "files",
    threshold: `all ${reported} reported`,
    message:
      unmatched.length > 0
        ? `${read}: ${coverage.size} of the ${reported} files they cover are in this repository; ${unmatched.length} are not and were left out (for example ${quoted(unmatched[0])}).`
        : `${read} covering ${coverage.size} files, all in this repository.`,
  };
}

/**
 * Decides coverage: data present, thresholds (global, per path, per file),
 * patch coverage of the change, and the drop against the base branch.
 */
export function evaluateCoverage(input: CoverageEvaluationInput): CoverageEvaluation {
  const findings: Finding[] = [];
  const data = dataCheck(input);
  const checks: Check[] = [data];
  const files = [...input.coverage.values()];
  // Counting a file is a few field reads (lines and arms keep their covered counts as they are read): no cache needed.
  const count = fileCounts;
  const totals = Object.fromEntries(METRICS.map((metric) => [metric, sumCounts(files, metric, count)])) as Record<Metric, Counts>;
  const details: CoverageDetails = {
    totals: Object.fromEntries(METRICS.map((metric) => [metric, withPct(totals[metric])])) as Record<Metric, MetricTotal>,
    fileCount: input.coverage.size,
    worstFiles: worstFiles(files, count, 10),
    unmatched: input.unmatched.slice(0, 20),
  };
  for (const path of input.unmatched.slice(0, 20)) {
    findings.push({ id: "reports.unmatched", severity: "notice", message: `${path} is in the coverage report but not in this repository; it was left out.` });
  }
  if (data.status === "fail") return { checks, findings, details };

  checks.push(...thresholdChecks(input, findings, count));
  if (input.changes) {
    const patch = patchCheck(input, input.changes, findings);
    checks.push(patch.check);
    details.patch = patch.details;
  }
  if (input.base) {
    if (input.base.size === 0) throw new ConfigurationError("expected the base coverage report to list files, found none");
    const drop = dropChecks(input, input.base);
    checks.push(...drop.checks);
    details.base = drop.totals;
  }
  return { checks, findings, details };
}

export { formatPercent };
