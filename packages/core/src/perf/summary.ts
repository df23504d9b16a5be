import * as z from "zod";
import { ConfigurationError } from "../errors.js";
import { parseJsonText, validateAs } from "../validation.js";
import { K6_METRIC_TYPES, type K6MetricType } from "./expression.js";

export type MetricContains = "time" | "data" | "default";

/** One metric as a k6 summary reported it. */
export interface SummaryMetric {
  type: K6MetricType;
  contains: MetricContains;
  /** Stat name (`avg`, `p(95)`, `rate`, `count`, `passes`…) → value; NaN and null are left out. */
  values: Record<string, number>;
  /** k6's own verdict on the script's thresholds for this metric, where the shape records it. */
  thresholds: { expression: string; ok: boolean }[];
}

export const SUMMARY_SHAPES = ["summary-export", "handle-summary", "machine-readable"] as const;
export type SummaryShape = (typeof SUMMARY_SHAPES)[number];

export interface K6Summary {
  shape: SummaryShape;
  /** Keyed by metric or submetric name (`http_req_duration{expected_response:true}`). */
  metrics: Map<string, SummaryMetric>;
  /** Test run duration, where the shape records it. */
  durationMs: number | undefined;
}

// k6 writes NaN for stats of empty sinks in some versions; JSON has no NaN, so it arrives as null or "NaN".
const statValue = z.union([z.number(), z.null(), z.literal("NaN")]);

const handleSummaryMetric = z.looseObject({
  type: z.enum(K6_METRIC_TYPES),
  contains: z.string().optional(),
  values: z.record(z.string(), statValue),
  thresholds: z.record(z.string(), z.looseObject({ ok: z.boolean() })).optional(),
});

const handleSummary = z.looseObject({
  metrics: z.record(z.string(), handleSummaryMetric),
  state: z.looseObject({ testRunDurationMs: z.number().optional() }).optional(),
});

// Legacy --summary-export: flat stats; `thresholds` maps each expression to true when it FAILED.
const legacyMetric = z.record(z.string(), z.union([statValue, z.record(z.string(), z.boolean())]));
const legacySummary = z.looseObject({ metrics: z.record(z.string(), legacyMetric) });

const machineMetric = handleSummaryMetric.extend({ name: z.string().optional() });
const machineSummary = z.looseObject({
  version: z.string(),
  config: z.looseObject({ duration: z.number().optional() }).optional(),
  results: z.looseObject({
    // The 1.0.0 schema has an array; published examples group metrics by category.
    metrics: z.union([
      z.array(machineMetric.extend({ name: z.string() })),
      z.record(z.string(), z.union([machineMetric, z.record(z.string(), machineMetric)])),
    ]),
  }),
});

const TIME_METRICS =
  /^(http_req_(duration|blocked|connecting|tls_handshaking|sending|waiting|receiving)|iteration_duration|group_duration|grpc_req_duration|ws_(connecting|session_duration|ping))\b/;

function contains(name: string, declared: string | undefined): MetricContains {
  if (declared === "time" || declared === "data" || declared === "default") return declared;
  if (TIME_METRICS.test(name)) return "time";
  return /^data_(sent|received)\b/.test(name) ? "data" : "default";
}

function finiteValues(values: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [stat, value] of Object.entries(values)) if (typeof value === "number" && Number.isFinite(value)) out[stat] = value;
  return out;
}

/** The legacy export has no types: a rate has passes/fails, a trend has avg/med/p(N), a counter count+rate, a gauge value. */
function legacyType(stats: Record<string, unknown>): K6MetricType {
  if ("passes" in stats || "fails" in stats) return "rate";
  if ("avg" in stats || "med" in stats || Object.keys(stats).some((key) => key.startsWith("p("))) return "trend";
  if ("count" in stats) return "counter";
  return "gauge";
}

/**
 * Reads a k6 end-of-test summary in whichever of its three shapes it comes:
 * the legacy `--summary-export`, the object handed to `handleSummary()`, or
 * the machine-readable summary of k6 1.5+. Unknown fields are tolerated; a
 * field of the wrong type is named.
 */
export function parseK6Summary(text: string): K6Summary {
  let data: unknown;
  try {
    data = parseJsonText(text, "a k6 summary in JSON");
  } catch (error) {
    if (error instanceof ConfigurationError && /ordinary keys/.test(error.detail)) throw error;
    throw new ConfigurationError(
      `expected a k6 summary in JSON, found text that is not valid JSON (${(error as Error).message.replace(/^.*invalid JSON \(/, "").replace(/\)$/, "")}); a test aborted while writing leaves a truncated file`,
    );
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new ConfigurationError("expected a k6 summary object, found another JSON value");
  const record = data as Record<string, unknown>;
  const metrics = new Map<string, SummaryMetric>();

  if ("results" in record && "version" in record) {
    const summary = validateAs(machineSummary, data, "k6 machine-readable summary");
    const list = Array.isArray(summary.results.metrics)
      ? summary.results.metrics.map((metric) => [metric.name, metric] as const)
      : Object.entries(summary.results.metrics).flatMap(([key, entry]) =>
          "type" in entry && "values" in entry
            ? [[key, entry as z.infer<typeof machineMetric>] as const]
            : Object.entries(entry as Record<string, z.infer<typeof machineMetric>>),
        );
    for (const [name, metric] of list) {
      metrics.set(metric.name ?? name, { type: metric.type, contains: contains(name, metric.contains), values: finiteValues(metric.values), thresholds: [] });
    }
    return { shape: "machine-readable", metrics, durationMs: summary.config?.duration === undefined ? undefined : summary.config.duration * 1000 };
  }

  const first = Object.values((record.metrics ?? {}) as Record<string, unknown>)[0];
  if (first && typeof first === "object" && "type" in first && "values" in first) {
    const summary = validateAs(handleSummary, data, "k6 handleSummary data");
    for (const [name, metric] of Object.entries(summary.metrics)) {
      metrics.set(name, {
        type: metric.type,
        contains: contains(name, metric.contains),
        values: finiteValues(metric.values),
        thresholds: Object.entries(metric.thresholds ?? {}).map(([expression, verdict]) => ({ expression, ok: verdict.ok })),
      });
    }
    return { shape: "handle-summary", metrics, durationMs: summary.state?.testRunDurationMs };
  }

  const summary = validateAs(legacySummary, data, "k6 --summary-export");
  for (const [name, stats] of Object.entries(summary.metrics)) {
    const { thresholds, ...rest } = stats;
    const type = legacyType(rest);
    const values = finiteValues(rest);
    // In the legacy export a rate's `value` is its rate.
    if (type === "rate" && values.value !== undefined) values.rate = values.value;
    const verdicts =
      thresholds && typeof thresholds === "object"
        ? Object.entries(thresholds as Record<string, boolean>).map(([expression, failed]) => ({ expression, ok: !failed }))
        : [];
    metrics.set(name, { type, contains: contains(name, undefined), values, thresholds: verdicts });
  }
  return { shape: "summary-export", metrics, durationMs: undefined };
}
