import { ConfigurationError, quoted } from "../errors.js";
import type { Check, Finding } from "../report/schema.js";
import {
  AGGREGATIONS_BY_TYPE,
  compare,
  type K6MetricType,
  type MetricSelector,
  parseMetricSelector,
  parseThresholdExpression,
  statKey,
  type ThresholdExpression,
} from "./expression.js";
import type { ResourceSample } from "./resources.js";
import { type K6Results, resultsDurationMs } from "./results.js";
import type { MetricSamples } from "./samples.js";
import type { PerfSettings } from "./settings.js";
import { mannWhitney, median } from "./stats.js";
import type { K6Summary, SummaryMetric } from "./summary.js";

/** One run of k6 as the gate sees it: its summary, its samples, or both. */
export interface PerfRun {
  summary?: K6Summary;
  results?: K6Results;
}

export interface PerfEvaluationInput {
  settings: PerfSettings;
  run: PerfRun;
  baseline?: PerfRun;
  resources?: ResourceSample[];
  /** Where each input came from, for messages. */
  sources: { summary?: string; results?: string; baseline?: string };
}

export type ThresholdSource = "policy" | "script" | "default";

interface Threshold {
  selector: MetricSelector;
  expression: ThresholdExpression;
  source: ThresholdSource;
  /** k6's own verdict, when the summary recorded one. */
  k6Ok?: boolean;
}

export const DEFAULT_PERF_THRESHOLDS: Readonly<Record<string, string>> = { http_req_failed: "rate<0.01", checks: "rate>0.99" };

export interface PerfMetricRow {
  metric: string;
  stat: string;
  value: number;
  unit: string;
  baseline?: number;
}

/** One threshold as the summary table shows it: measured, limit, baseline and change side by side. */
export interface PerfThresholdRow {
  metric: string;
  expression: string;
  status: Check["status"];
  measured: number | null;
  unit: string;
  baseline?: number;
}

export interface PerfDetails {
  rows: PerfMetricRow[];
  thresholds: PerfThresholdRow[];
  /** http_req_duration p(95) by scenario / name / status (from samples). */
  breakdowns: { tag: string; value: string; count: number; p95: number }[];
  p95Ms: number | null;
  errorRate: number | null;
  rps: number | null;
  durationMs: number | null;
}

export interface PerfEvaluation {
  checks: Check[];
  findings: Finding[];
  details: PerfDetails;
}

/** A metric's data in one run, from its samples if there are any, else from its summary. */
interface MetricView {
  type: K6MetricType;
  time: boolean;
  samples?: MetricSamples;
  summary?: SummaryMetric;
}

function view(run: PerfRun, key: string): MetricView | undefined {
  const samples = run.results?.metrics.get(key);
  const summary = run.summary?.metrics.get(key);
  const type = samples?.type ?? summary?.type;
  if (!type) return undefined;
  return { type, time: (samples?.contains ?? summary?.contains) === "time", samples, summary };
}

function durationMs(run: PerfRun): number | undefined {
  return (run.results && resultsDurationMs(run.results)) ?? run.summary?.durationMs;
}

/** True when the run recorded no sample for the metric: k6 would still call a threshold on it ok. */
function isEmpty(metric: MetricView): boolean {
  if (metric.samples) return metric.samples.count === 0;
  const values = metric.summary?.values ?? {};
  if (metric.type === "rate") return values.passes !== undefined && values.fails !== undefined ? values.passes + values.fails === 0 : values.rate === undefined;
  if (values.count !== undefined) return values.count === 0;
  return Object.keys(values).length === 0;
}

function fromSummary(metric: SummaryMetric | undefined, expression: Pick<ThresholdExpression, "aggregation" | "percentile">): number | undefined {
  if (!metric) return undefined;
  if (metric.type === "rate" && expression.aggregation === "rate") {
    const { passes, fails, rate } = metric.values;
    if (passes !== undefined && fails !== undefined && passes + fails === 0) return undefined;
    return rate;
  }
  return metric.values[statKey(expression)];
}

function measure(
  run: PerfRun,
  metric: MetricView,
  expression: Pick<ThresholdExpression, "aggregation" | "percentile">,
): { value: number | undefined; fromSamples: boolean } {
  if (metric.samples && metric.samples.count > 0)
    return { value: metric.samples.aggregate(expression.aggregation, expression.percentile, durationMs(run)), fromSamples: true };
  return { value: fromSummary(metric.summary, expression), fromSamples: false };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const unitOf = (metric: MetricView, expression: Pick<ThresholdExpression, "aggregation">) =>
  metric.time && !["count", "rate"].includes(expression.aggregation) ? "ms" : metric.type === "rate" ? "fraction" : "";
const show = (value: number, unit: string) => (unit === "ms" ? `${round(value)} ms` : unit === "fraction" ? `${round(value * 100)} %` : String(round(value)));

function collectThresholds(input: PerfEvaluationInput): Threshold[] {
  const thresholds: Threshold[] = [];
  const seen = new Set<string>();
  const add = (selectorSource: string, expressionSource: string, source: ThresholdSource, where: string, k6Ok?: boolean) => {
    const selector = parseMetricSelector(selectorSource, where);
    const expression = parseThresholdExpression(expressionSource, where);
    const id = `${selector.key}:${expression.source.replace(/\s+/g, "")}`;
    const existing = thresholds.find((threshold) => `${threshold.selector.key}:${threshold.expression.source.replace(/\s+/g, "")}` === id);
    if (existing) {
      // The same threshold in the policy and the script: keep one check, with k6's verdict.
      if (k6Ok !== undefined) existing.k6Ok = k6Ok;
      return;
    }
    seen.add(selector.key);
    thresholds.push({ selector, expression, source, ...(k6Ok === undefined ? {} : { k6Ok }) });
  };
  for (const [selector, expressions] of Object.entries(input.settings.thresholds ?? {})) {
    for (const expression of Array.isArray(expressions) ? expressions : [expressions]) add(selector, expression, "policy", `thresholds[${quoted(selector)}]`);
  }
  for (const [name, metric] of input.run.summary?.metrics ?? [])
    for (const verdict of metric.thresholds) add(name, verdict.expression, "script", `${input.sources.summary ?? "summary"} (${name})`, verdict.ok);
  for (const [name, expressions] of input.run.results?.declaredThresholds ?? [])
    for (const expression of expressions) add(name, expression, "script", `${input.sources.results ?? "results"} (${name})`);
  if (input.settings.defaultThresholds) {
    for (const [metric, expression] of Object.entries(DEFAULT_PERF_THRESHOLDS))
      if (!seen.has(metric) && view(input.run, metric)) add(metric, expression, "default", "default thresholds");
  }
  return thresholds;
}

function thresholdCheck(input: PerfEvaluationInput, threshold: Threshold, findings: Finding[]): Check {
  const { selector, expression, source } = threshold;
  const id = `threshold:${selector.key}:${expression.source.replace(/\s+/g, "")}`;
  const label = `${selector.key} ${statKey(expression)}`;
  const origin = source === "script" ? "the k6 script's threshold" : source === "default" ? "the default threshold" : "the policy's threshold";
  const metric = view(input.run, selector.key);
  const base = { id, threshold: `${statKey(expression)} ${expression.operator} ${expression.value}` };
  if (!metric || isEmpty(metric)) {
    const k6Said = threshold.k6Ok === true ? " k6 reported it as passed, but a threshold on a metric without samples proves nothing." : "";
    return {
      ...base,
      status: "no-data",
      measured: null,
      onNoData: input.settings.onNoData,
      message: `${label}: the run recorded no ${metric ? "samples" : "such metric"} for ${origin} ${expression.source}.${k6Said}`,
    };
  }
  if (!AGGREGATIONS_BY_TYPE[metric.type].includes(expression.aggregation)) {
    throw new ConfigurationError(
      `expected an aggregation k6 defines for the ${metric.type} metric ${selector.metric} (${AGGREGATIONS_BY_TYPE[metric.type].map((aggregation) => (aggregation === "p" ? "p(N)" : aggregation)).join(", ")}), found ${expression.source}`,
      "thresholds",
    );
  }
  const { value, fromSamples } = measure(input.run, metric, expression);
  if (value === undefined) {
    const stats = Object.keys(metric.summary?.values ?? {}).join(", ");
    return {
      ...base,
      status: "no-data",
      measured: null,
      onNoData: input.settings.onNoData,
      message: `${label}: the summary has no ${statKey(expression)} for this metric (it has ${stats || "no stats"}): add it to summaryTrendStats or give the NDJSON results.`,
    };
  }
  const unit = unitOf(metric, expression);
  const reported = fromSummary(metric.summary, expression);
  if (fromSamples && reported !== undefined && Math.abs(reported - value) > Math.max(1e-9, Math.abs(value) * 0.01)) {
    findings.push({
      id: "summary.disagrees",
      severity: "warning",
      message: `${label}: the samples give ${show(value, unit)}, the summary says ${show(reported, unit)}; the decision uses the samples (k6 2.x summarises trends with an approximate histogram).`,
    });
  }
  let passed = compare(value, expression.operator, expression.value);
  let note = "";
  if (threshold.k6Ok === false) {
    note = passed ? " k6 itself reported this threshold as failed: the gate keeps k6's verdict." : " k6 reported it failed too.";
    passed = false;
  }
  const where = fromSamples ? "from the samples" : "as the summary reported it";
  return {
    ...base,
    status: passed ? "pass" : "fail",
    measured: round(value),
    unit: unit === "fraction" ? undefined : unit || undefined,
    message: `${label} = ${show(value, unit)} (${where}) ${passed ? "meets" : "breaks"} ${origin} ${expression.source}.${note}`,
  };
}

/** The threshold's row for the summary, with the same statistic measured on the baseline run. */
function thresholdRow(input: PerfEvaluationInput, threshold: Threshold, check: Check): PerfThresholdRow {
  const now = view(input.run, threshold.selector.key);
  const before = input.baseline && view(input.baseline, threshold.selector.key);
  const baseline = before && !isEmpty(before) ? measure(input.baseline as PerfRun, before, threshold.expression).value : undefined;
  return {
    metric: threshold.selector.key,
    expression: threshold.expression.source,
    status: check.status,
    measured: typeof check.measured === "number" ? check.measured : null,
    unit: now ? unitOf(now, threshold.expression) : "",
    ...(baseline === undefined ? {} : { baseline: round(baseline) }),
  };
}

function trafficChecks(input: PerfEvaluationInput): Check[] {
  const checks: Check[] = [];
  const { traffic } = input.settings;
  if (traffic?.minRps !== undefined) {
    const requests = view(input.run, "http_reqs") ?? view(input.run, "iterations");
    const rps = requests ? measure(input.run, requests, { aggregation: "rate" }).value : undefined;
    const what = view(input.run, "http_reqs") ? "requests" : "iterations";
    checks.push(
      rps === undefined
        ? {
            id: "traffic.rps",
            status: "no-data",
            measured: null,
            threshold: `≥ ${traffic.minRps}/s`,
            onNoData: input.settings.onNoData,
            message: "The run recorded no http_reqs or iterations, so the load it reached is unknown.",
          }
        : {
            id: "traffic.rps",
            status: rps >= traffic.minRps ? "pass" : "fail",
            measured: round(rps),
            threshold: `≥ ${traffic.minRps}/s`,
            unit: "/s",
            message:
              rps >= traffic.minRps
                ? `The test reached ${round(rps)} ${what}/s, at least the ${traffic.minRps}/s expected.`
                : `The test reached only ${round(rps)} ${what}/s, below the ${traffic.minRps}/s the service must handle: the load test did not test the expected load.`,
          },
    );
  }
  if (traffic?.minVus !== undefined) {
    const vus = view(input.run, "vus") ?? view(input.run, "vus_max");
    const reached = vus ? (vus.samples && vus.samples.count > 0 ? vus.samples.max : vus.summary?.values.max) : undefined;
    checks.push(
      reached === undefined
        ? {
            id: "traffic.vus",
            status: "no-data",
            measured: null,
            threshold: `≥ ${traffic.minVus} VUs`,
            onNoData: input.settings.onNoData,
            message: "The run recorded no vus metric, so the virtual users it reached are unknown.",
          }
        : {
            id: "traffic.vus",
            status: reached >= traffic.minVus ? "pass" : "fail",
            measured: reached,
            threshold: `≥ ${traffic.minVus} VUs`,
            unit: "VUs",
            message:
              reached >= traffic.minVus
                ? `The test ran up to ${reached} virtual users (≥ ${traffic.minVus}).`
                : `The test reached only ${reached} virtual users, fewer than the ${traffic.minVus} expected.`,
          },
    );
  }
  return checks;
}

function regressionChecks(input: PerfEvaluationInput, baseline: PerfRun): Check[] {
  const { regression } = input.settings;
  const stat = parseThresholdExpression(`${regression.stat}<0`, "regression.stat");
  return regression.metrics.map((name): Check => {
    const id = `regression:${name}`;
    const noData = (message: string): Check => ({ id, status: "no-data", measured: null, threshold: null, onNoData: input.settings.onNoData, message });
    const now = view(input.run, name);
    const before = view(baseline, name);
    if (!now || !before || isEmpty(now) || isEmpty(before))
      return noData(`${name} cannot be compared with the baseline: ${!now || isEmpty(now) ? "this run" : "the baseline"} has no samples of it.`);
    if (now.samples && before.samples && now.samples.count >= 8 && before.samples.count >= 8) {
      const current = now.samples.sortedValues();
      const previous = before.samples.sortedValues();
      const test = mannWhitney(current, previous);
      const medianNow = median(current);
      const medianBefore = median(previous);
      const shift = medianBefore === 0 ? 0 : ((medianNow - medianBefore) / medianBefore) * 100;
      const confidence = round((1 - test.pGreater) * 100);
      const significant = test.pGreater < regression.alpha;
      const large = shift >= regression.minShiftPercent;
      return {
        id,
        status: significant && large ? "fail" : "pass",
        measured: round(shift),
        threshold: `shift < ${regression.minShiftPercent} % or p ≥ ${regression.alpha}`,
        unit: "%",
        message:
          significant && large
            ? `${name} regressed: the median moved from ${round(medianBefore)} to ${round(medianNow)} (${round(shift)} %), significant at ${confidence} % confidence (Mann-Whitney U, p = ${test.pGreater.toExponential(2)}, ${current.length} vs ${previous.length} samples).`
            : `${name} did not regress: median ${round(medianBefore)} → ${round(medianNow)} (${round(shift)} %), ${significant ? `significant (p = ${test.pGreater.toExponential(2)}) but below the ${regression.minShiftPercent} % floor` : `not significant (p = ${test.pGreater.toFixed(3)})`}.`,
      };
    }
    const valueNow = measure(input.run, now, stat).value;
    const valueBefore = measure(baseline, before, stat).value;
    if (valueNow === undefined || valueBefore === undefined)
      return noData(`${name} ${regression.stat} is missing from ${valueNow === undefined ? "this run" : "the baseline"}'s summary.`);
    const increase = valueBefore === 0 ? 0 : ((valueNow - valueBefore) / valueBefore) * 100;
    const passed = increase <= regression.maxIncreasePercent;
    return {
      id,
      status: passed ? "pass" : "fail",
      measured: round(increase),
      threshold: `≤ ${regression.maxIncreasePercent} %`,
      unit: "%",
      message: `${name} ${regression.stat} went from ${round(valueBefore)} to ${round(valueNow)} (${round(increase)} %) against the baseline summary, ${passed ? "within" : "more than"} the ${regression.maxIncreasePercent} % allowed (summaries only: no statistical test possible).`,
    };
  });
}

function resourceChecks(input: PerfEvaluationInput): Check[] {
  const limits = input.settings.resources;
  if (!limits || !input.resources) return [];
  const cpu = input.resources.flatMap((sample) => (sample.cpuPercent === undefined ? [] : [sample.cpuPercent]));
  const memory = input.resources.flatMap((sample) => (sample.memoryBytes === undefined ? [] : [sample.memoryBytes]));
  const checks: Check[] = [];
  const limit = (id: string, values: number[], measured: number | undefined, max: number, unit: string, what: string) => {
    checks.push(
      measured === undefined || values.length === 0
        ? {
            id,
            status: "no-data",
            measured: null,
            threshold: `≤ ${max} ${unit}`,
            onNoData: input.settings.onNoData,
            message: `No ${what} samples were recorded.`,
          }
        : {
            id,
            status: measured <= max ? "pass" : "fail",
            measured: round(measured),
            threshold: `≤ ${max} ${unit}`,
            unit,
            message: `${what}: ${round(measured)} ${unit} over ${values.length} samples, ${measured <= max ? "within" : "above"} the ${max} ${unit} allowed.`,
          },
    );
  };
  if (limits.maxCpuPercent !== undefined) limit("resources.cpu.max", cpu, cpu.length ? Math.max(...cpu) : undefined, limits.maxCpuPercent, "%", "Peak CPU");
  if (limits.avgCpuPercent !== undefined)
    limit("resources.cpu.avg", cpu, cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : undefined, limits.avgCpuPercent, "%", "Average CPU");
  if (limits.maxMemoryBytes !== undefined)
    limit("resources.memory.max", memory, memory.length ? Math.max(...memory) : undefined, limits.maxMemoryBytes, "bytes", "Peak memory");
  return checks;
}

const ROW_STATS: [string, string[]][] = [
  ["http_req_duration", ["avg", "med", "p(95)", "max"]],
  ["http_req_failed", ["rate"]],
  ["http_reqs", ["count", "rate"]],
  ["checks", ["rate"]],
  ["iterations", ["count"]],
  ["vus", ["max"]],
];

function rows(input: PerfEvaluationInput): PerfMetricRow[] {
  const out: PerfMetricRow[] = [];
  for (const [name, stats] of ROW_STATS) {
    const metric = view(input.run, name);
    if (!metric || isEmpty(metric)) continue;
    const before = input.baseline && view(input.baseline, name);
    for (const stat of stats) {
      const expression = stat.startsWith("p(")
        ? parseThresholdExpression(`${stat}<0`)
        : { aggregation: stat as ThresholdExpression["aggregation"], percentile: undefined };
      const value = measure(input.run, metric, expression).value;
      if (value === undefined) continue;
      const baseline = before && !isEmpty(before) ? measure(input.baseline as PerfRun, before, expression).value : undefined;
      out.push({ metric: name, stat, value: round(value), unit: unitOf(metric, expression), ...(baseline === undefined ? {} : { baseline: round(baseline) }) });
    }
  }
  return out;
}

/**
 * Decides a k6 run: its thresholds (policy, script, defaults), the load it
 * reached, regressions against a baseline, resource use. No data is never
 * a pass: an empty metric is `no-data`, failing by default.
 */
export function evaluatePerf(input: PerfEvaluationInput): PerfEvaluation {
  const findings: Finding[] = [];
  const checks: Check[] = [];
  const { run } = input;
  if (!run.summary && !run.results) {
    checks.push({
      id: "inputs",
      status: "fail",
      measured: 0,
      threshold: "a k6 summary or NDJSON results",
      message: "No k6 output was given: pass the end-of-test summary (--summary-export or handleSummary) or the --out json results.",
    });
  }
  if (run.results?.truncated) {
    checks.push({
      id: "results.complete",
      status: "fail",
      measured: run.results.lines,
      threshold: "a complete file",
      message: `${input.sources.results ?? "The NDJSON results"} end in the middle of a line after ${run.results.lines} lines: the test was cut short while writing, so its samples are incomplete.`,
    });
  }
  const thresholdRows: PerfThresholdRow[] = [];
  for (const threshold of collectThresholds(input)) {
    const check = thresholdCheck(input, threshold, findings);
    checks.push(check);
    thresholdRows.push(thresholdRow(input, threshold, check));
  }
  checks.push(...trafficChecks(input));
  if (input.baseline) checks.push(...regressionChecks(input, input.baseline));
  checks.push(...resourceChecks(input));

  const duration = view(run, "http_req_duration");
  const failed = view(run, "http_req_failed");
  const requests = view(run, "http_reqs");
  const breakdowns = [...(run.results?.breakdowns ?? [])].flatMap(([tag, byValue]) =>
    [...byValue].map(([value, samples]) => ({ tag, value, count: samples.count, p95: round(samples.aggregate("p", 95, undefined) ?? 0) })),
  );
  const details: PerfDetails = {
    rows: rows(input),
    thresholds: thresholdRows,
    breakdowns: breakdowns.sort((a, b) => b.p95 - a.p95).slice(0, 20),
    p95Ms: duration && !isEmpty(duration) ? (measure(run, duration, { aggregation: "p", percentile: 95 }).value ?? null) : null,
    errorRate: failed && !isEmpty(failed) ? (measure(run, failed, { aggregation: "rate" }).value ?? null) : null,
    rps: requests && !isEmpty(requests) ? (measure(run, requests, { aggregation: "rate" }).value ?? null) : null,
    durationMs: durationMs(run) ?? null,
  };
  return { checks, findings, details };
}
