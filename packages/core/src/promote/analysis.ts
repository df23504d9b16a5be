import * as z from "zod";
import type { Analysis } from "../policy/schema.js";
import { parseJsonText, validateAs } from "../validation.js";

/** One interval of one comparison: the canary's and the stable version's value, either may be missing. */
export interface AnalysisInterval {
  timeMs: number;
  canary: number | undefined;
  stable: number | undefined;
}

export interface MetricVerdict {
  name: string;
  status: "pass" | "fail" | "inconclusive" | "running";
  successes: number;
  failures: number;
  inconclusive: number;
  /** A sentence: what was measured against what. */
  summary: string;
}

export interface AnalysisVerdict {
  status: "pass" | "fail" | "inconclusive" | "running";
  metrics: MetricVerdict[];
}

const round = (value: number) => Math.round(value * 10000) / 10000;

function judgeInterval(metric: Analysis["metrics"][number], interval: AnalysisInterval): "pass" | "fail" | "inconclusive" {
  const { canary, stable } = interval;
  if (canary === undefined || !Number.isFinite(canary)) return "inconclusive";
  if (metric.max !== undefined && canary > metric.max) return "fail";
  if (metric.min !== undefined && canary < metric.min) return "fail";
  if (metric.maxIncreasePercent !== undefined) {
    if (stable === undefined || !Number.isFinite(stable)) return "inconclusive";
    // Against a stable value of 0, any canary value above it is an increase.
    if (canary > stable * (1 + metric.maxIncreasePercent / 100) && canary > stable) return "fail";
  }
  return "pass";
}

/**
 * Judges a canary interval by interval, the way Argo Rollouts and Flagger
 * do: more failures than `failureLimit` fail it (roll back), more intervals
 * without data than `inconclusiveLimit` make it inconclusive (a person
 * decides), `count` good intervals pass it; fewer mean it is still running.
 */
export function judgeAnalysis(analysis: Analysis, measurements: ReadonlyMap<string, readonly AnalysisInterval[]>): AnalysisVerdict {
  const metrics = analysis.metrics.map((metric): MetricVerdict => {
    const intervals = measurements.get(metric.name) ?? [];
    let successes = 0;
    let failures = 0;
    let inconclusive = 0;
    let worst: AnalysisInterval | undefined;
    for (const interval of intervals) {
      const verdict = judgeInterval(metric, interval);
      if (verdict === "pass") successes += 1;
      else if (verdict === "fail") {
        failures += 1;
        if (!worst || (interval.canary ?? 0) > (worst.canary ?? 0)) worst = interval;
      } else inconclusive += 1;
    }
    const bound = [
      metric.max !== undefined ? `≤ ${metric.max}` : "",
      metric.min !== undefined ? `≥ ${metric.min}` : "",
      metric.maxIncreasePercent !== undefined ? `≤ stable + ${metric.maxIncreasePercent} %` : "",
    ]
      .filter(Boolean)
      .join(", ");
    const status =
      failures > analysis.failureLimit ? "fail" : inconclusive > analysis.inconclusiveLimit ? "inconclusive" : successes >= analysis.count ? "pass" : "running";
    const tally = `${successes} good, ${failures} failed, ${inconclusive} without data of ${intervals.length} intervals`;
    const summary =
      status === "fail" && worst
        ? `${metric.name}: the canary measured ${round(worst.canary as number)}${worst.stable === undefined ? "" : ` against the stable version's ${round(worst.stable)}`}, breaking ${bound} (${tally}; ${analysis.failureLimit} failures allowed).`
        : status === "inconclusive"
          ? `${metric.name}: ${inconclusive} intervals had no data (more than the ${analysis.inconclusiveLimit} allowed; ${tally}).`
          : `${metric.name}: ${status === "pass" ? "healthy" : "still measuring"}, ${bound} (${tally}; ${analysis.count} needed).`;
    return { name: metric.name, status, successes, failures, inconclusive, summary };
  });
  const status = metrics.some((metric) => metric.status === "fail")
    ? "fail"
    : metrics.some((metric) => metric.status === "inconclusive")
      ? "inconclusive"
      : metrics.some((metric) => metric.status === "running")
        ? "running"
        : "pass";
  return { status, metrics };
}

/**
 * Canary measurements recorded earlier (an audit, a replay, the demo):
 * `{ "environment": "canary", "metrics": { "error-rate": [{ "time": "…", "canary": 0.2, "stable": 0.01 }] } }`.
 */
export const RecordedAnalysis = z.strictObject({
  environment: z.string().min(1),
  metrics: z.record(
    z.string(),
    z.array(z.strictObject({ time: z.iso.datetime({ offset: true }), canary: z.number().nullable(), stable: z.number().nullable() })),
  ),
});

export function parseRecordedAnalysis(text: string, source: string): { environment: string; measurements: Map<string, AnalysisInterval[]> } {
  const recorded = validateAs(RecordedAnalysis, parseJsonText(text, "recorded canary measurements in JSON", source), undefined, source);
  return {
    environment: recorded.environment,
    measurements: new Map(
      Object.entries(recorded.metrics).map(([name, intervals]) => [
        name,
        intervals.map((interval) => ({ timeMs: Date.parse(interval.time), canary: interval.canary ?? undefined, stable: interval.stable ?? undefined })),
      ]),
    ),
  };
}
