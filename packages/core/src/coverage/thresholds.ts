import picomatch from "picomatch";
import { ConfigurationError, quoted } from "../errors.js";
import { type Counts, METRICS, type Metric, percentage } from "./model.js";
import type { MetricThresholds } from "./settings.js";

export interface ThresholdResult {
  status: "pass" | "fail" | "no-data";
  /** Percentage for a minimum, uncovered count for a negative (jest) threshold. */
  measured: number | null;
  sentence: string;
}

const METRIC_NOUN: Record<Metric, { one: string; many: string }> = {
  lines: { one: "line", many: "lines" },
  branches: { one: "branch", many: "branches" },
  functions: { one: "function", many: "functions" },
  statements: { one: "statement", many: "statements" },
};

export const formatPercent = (value: number | null): string => (value === null ? "n/a" : `${value} %`);
const plural = (metric: Metric, count: number) => (count === 1 ? METRIC_NOUN[metric].one : METRIC_NOUN[metric].many);
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * jest's threshold semantics: `80` is a minimum percentage, `-10` allows at
 * most 10 uncovered items. Nothing to measure is `no-data`, never a pass.
 * The verdict alone: per-file checks judge 50,000 files and describe a few.
 */
export function judgeThreshold(counts: Counts, threshold: number): Omit<ThresholdResult, "sentence"> {
  if (counts.total === 0) return { status: "no-data", measured: null };
  if (threshold < 0) {
    const uncovered = counts.total - counts.covered;
    return { status: uncovered <= -threshold ? "pass" : "fail", measured: uncovered };
  }
  const pct = percentage(counts) as number;
  return { status: pct >= threshold ? "pass" : "fail", measured: pct };
}

/** The verdict and the sentence that explains it for `scope` (a file, a directory, all files). */
export function evaluateThreshold(metric: Metric, counts: Counts, threshold: number, scope: string): ThresholdResult {
  const { status, measured } = judgeThreshold(counts, threshold);
  const label = `${capital(METRIC_NOUN[metric].many)} of ${scope}`;
  const uncovered = counts.total - counts.covered;
  const pct = percentage(counts);
  let sentence: string;
  if (status === "no-data") sentence = `${label}: the report has no ${METRIC_NOUN[metric].many} to measure, so the ${threshold} threshold cannot be checked.`;
  else if (threshold < 0)
    sentence =
      status === "pass"
        ? `${label}: ${uncovered} uncovered, within the ${-threshold} allowed.`
        : `${label}: ${uncovered} uncovered, more than the ${-threshold} allowed: cover ${uncovered + threshold} more.`;
  else if (status === "pass") sentence = `${label}: ${pct} % (${counts.covered}/${counts.total}) meets the minimum of ${threshold} %.`;
  else {
    const needed = Math.max(1, Math.ceil((threshold / 100) * counts.total - counts.covered - 1e-9));
    sentence = `${label}: ${pct} % (${counts.covered}/${counts.total}) is below the minimum of ${threshold} %: cover ${needed} more ${plural(metric, needed)} to pass.`;
  }
  return { status, measured, sentence };
}

/**
 * `lines=80,branches=70` (also space-separated), as action inputs and CLI
 * flags write thresholds. A bare number means lines.
 */
export function parseThresholdList(text: string, source: string): MetricThresholds {
  const out: MetricThresholds = {};
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const [name, raw] = item.includes("=") ? item.split("=", 2) : ["lines", item];
    if (!(METRICS as readonly string[]).includes(name ?? "")) {
      throw new ConfigurationError(`expected thresholds like "lines=80,branches=70" with metrics ${METRICS.join(", ")}, found ${quoted(item)}`, source);
    }
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value) || value > 100) {
      throw new ConfigurationError(`expected ${name} to be a percentage up to 100 (or a negative count of uncovered items), found ${quoted(raw)}`, source);
    }
    out[name as Metric] = value;
  }
  return out;
}

export type PathRule = { key: string; kind: "glob" | "directory" | "file"; matches: (path: string) => boolean };

/** jest's rules for a `coverageThreshold` key: a glob checks each file, a directory its aggregate; `isFile` says whether a path is a covered file. */
export function classifyPathKey(key: string, isFile: (path: string) => boolean): PathRule {
  const normalised = key.replace(/^\.\//, "");
  if (picomatch.scan(normalised).isGlob) {
    const isMatch = picomatch(normalised, { dot: true });
    return { key, kind: "glob", matches: (path) => isMatch(path) };
  }
  const bare = normalised.replace(/\/$/, "");
  if (!normalised.endsWith("/") && isFile(bare)) return { key, kind: "file", matches: (path) => path === bare };
  return { key, kind: "directory", matches: (path) => path.startsWith(`${bare}/`) };
}
