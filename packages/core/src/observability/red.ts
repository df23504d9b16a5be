import type { Finding } from "../report/schema.js";
import type { Dashboard, Panel } from "./dashboards.js";
import type { PromqlQuery, Selector } from "./promql.js";
import type { RuleIndex } from "./rule-index.js";
import type { SloSpec } from "./slo.js";

/**
 * A metric family's key: Prometheus suffixes (`_total`, `_count`, `_sum`,
 * `_bucket`, `_created`) and the unit dropped, OpenTelemetry's dots as
 * underscores — so `http.server.request.duration` and
 * `http_server_request_duration_seconds_bucket` are one family.
 */
export function familyKey(metric: string): string {
  return metric
    .replace(/\./g, "_")
    .replace(/_(total|count|sum|bucket|created)$/, "")
    .replace(/_(seconds|milliseconds|ms)$/, "");
}

/** Names of request metrics by the usual conventions (Prometheus client libraries, OpenTelemetry HTTP and RPC semantic conventions). */
const REQUEST_METRIC = /(^|_)requests?_(total|count|sum|bucket|duration|latency|seconds|sli)|^(http|grpc|rpc)_(server|client)_|_handl(ed|ing)(_|$)/;

/** Labels that carry a request's outcome, and values that mean it failed. */
const OUTCOME_LABELS = new Set([
  "code",
  "status",
  "status_code",
  "http_status",
  "http_status_code",
  "http_response_status_code",
  "response_code",
  "grpc_code",
  "grpc_status",
  "rpc_grpc_status_code",
  "outcome",
  "result",
  "error",
  "error_type",
  "success",
]);
const FAILED_VALUE = /(^|[^0-9])5(\.\.|xx|\d\d)|\b5\.\.|error|fail|exception|internal|unavailable|unknown|deadline|false/i;
const SUCCESS_VALUE = /(^|[^0-9])2(\.\.|xx|\d\d)|^ok$|success|true/i;

function isErrorSelector(selector: Selector): boolean {
  if (/error|fail/i.test(selector.metric ?? "")) return true;
  return selector.matchers.some(
    (matcher) =>
      OUTCOME_LABELS.has(matcher.label) &&
      (((matcher.op === "=" || matcher.op === "=~") && FAILED_VALUE.test(matcher.value)) ||
        ((matcher.op === "!=" || matcher.op === "!~") && SUCCESS_VALUE.test(matcher.value))),
  );
}

const RATE_FUNCTIONS = new Set(["rate", "irate", "increase"]);
const QUANTILE_FUNCTIONS = new Set(["histogram_quantile", "histogram_quantiles", "histogram_avg"]);

export type RedSignal = "rate" | "errors" | "duration";

/** Which RED signals of which families a query shows. */
function signals(query: PromqlQuery, index: RuleIndex, panelType: string): Map<string, Set<RedSignal>> {
  const found = new Map<string, Set<RedSignal>>();
  const add = (metric: string | undefined, signal: RedSignal) => {
    if (!metric) return;
    const key = familyKey(metric);
    // `requests_failed_total` counts the errors of `requests_total`.
    const keys = signal === "errors" ? [key, key.replace(/_(failed|failures?|errors?)(?=_|$)/, "")] : [key];
    for (const each of keys) found.set(each, (found.get(each) ?? new Set()).add(signal));
  };
  const base = index.baseSelectors(query);
  // A recorded series stands for what its rule computes: the functions of the rules count too.
  const functions = new Set([
    ...query.functions(),
    ...query.selectors().flatMap((selector) => index.resolve(selector).flatMap((rule) => rule.query.functions())),
  ]);
  const quantile = [...functions].some((name) => QUANTILE_FUNCTIONS.has(name)) || panelType === "heatmap";
  const metrics = new Set(base.map((selector) => selector.metric));
  for (const selector of base) {
    const metric = selector.metric;
    if (!metric) continue;
    if (isErrorSelector(selector)) add(metric, "errors");
    const sumAndCount = metric.endsWith("_sum") && metrics.has(`${metric.slice(0, -4)}_count`);
    if ((quantile && metric.endsWith("_bucket")) || sumAndCount || selector.matchers.some((matcher) => matcher.label === "quantile")) add(metric, "duration");
  }
  // A count in a query that shows the family's errors or duration is their denominator, not its rate.
  for (const selector of base) {
    const metric = selector.metric;
    if (!metric || isErrorSelector(selector) || metric.endsWith("_bucket") || metric.endsWith("_sum")) continue;
    const shown = found.get(familyKey(metric));
    if (shown?.has("errors") || shown?.has("duration")) continue;
    if ((selector.call && RATE_FUNCTIONS.has(selector.call)) || /_total$|_count$/.test(metric)) add(metric, "rate");
  }
  return found;
}

/** One row of the RED matrix: where a request metric family is used. */
export interface RedRow {
  family: string;
  /** A metric of the family as written, to show. */
  metric: string;
  recorded: boolean;
  alerted: boolean;
  slo: boolean;
  /** Panel titles (dashboard / panel) showing each signal. */
  rate: string[];
  errors: string[];
  duration: string[];
}

export interface RedResult {
  rows: RedRow[];
  /** Signals no request metric family has a panel for. */
  missing: RedSignal[];
  findings: Finding[];
}

const panelName = (dashboard: Dashboard, panel: Panel) => `${dashboard.title} / ${panel.title || panel.pointer}`;

/**
 * dashboards.red, and the RED matrix: for each request metric family (the
 * policy's; else those the SLOs read and those the rules and dashboards
 * read that are named like request metrics), whether a recording rule computes it, an alert or an SLO
 * watches it, and which panels show its rate, its errors and its duration.
 */
export function checkRed(requestMetrics: readonly string[], slos: readonly SloSpec[], index: RuleIndex, dashboards: readonly Dashboard[]): RedResult {
  const families = new Map<string, string>();
  const consider = (metric: string | undefined, explicit = false) => {
    if (!metric || metric.includes(":")) return;
    const key = familyKey(metric);
    if ((explicit || REQUEST_METRIC.test(metric.replace(/\./g, "_"))) && !families.has(key))
      families.set(key, metric.replace(/_(bucket|count|sum|created)$/, ""));
  };
  for (const metric of requestMetrics) consider(metric, true);
  // Without a list in the policy: what the SLOs read, and whatever the rules and dashboards read that is named like a request metric.
  if (requestMetrics.length === 0) {
    for (const slo of slos) for (const query of slo.queries) for (const metric of index.baseMetrics(query)) consider(metric, true);
    for (const rule of [...index.records, ...index.alerts]) for (const metric of index.baseMetrics(rule.query)) consider(metric);
    for (const dashboard of dashboards)
      for (const panel of dashboard.panels) for (const target of panel.targets) for (const selector of target.query.selectors()) consider(selector.metric);
  }
  const keysOf = (queries: readonly PromqlQuery[]) => {
    const keys = new Set<string>();
    for (const query of queries) for (const metric of index.baseMetrics(query)) keys.add(familyKey(metric));
    return keys;
  };
  const recorded = keysOf(index.records.map((rule) => rule.query));
  const alerted = keysOf(index.alerts.map((rule) => rule.query));
  const measured = keysOf(slos.flatMap((slo) => slo.queries));
  const rows = new Map<string, RedRow>(
    [...families].map(([key, metric]) => [
      key,
      { family: key, metric, recorded: recorded.has(key), alerted: alerted.has(key), slo: measured.has(key), rate: [], errors: [], duration: [] },
    ]),
  );
  for (const dashboard of dashboards)
    for (const panel of dashboard.panels)
      for (const target of panel.targets) {
        if (target.query.error) continue;
        for (const [key, shown] of signals(target.query, index, panel.type)) {
          const row = rows.get(key);
          if (!row) continue;
          for (const signal of shown) if (!row[signal].includes(panelName(dashboard, panel))) row[signal].push(panelName(dashboard, panel));
        }
      }
  const list = [...rows.values()];
  const missing = (["rate", "errors", "duration"] as const).filter((signal) => list.length > 0 && list.every((row) => row[signal].length === 0));
  const findings: Finding[] = list
    .filter((row) => row.rate.length + row.errors.length + row.duration.length === 0)
    .map((row) => ({
      id: "request-metric-not-dashboarded",
      severity: "warning",
      message: `${row.metric} is ${[row.recorded && "recorded", row.alerted && "alerted on", row.slo && "measured by an SLO"].filter(Boolean).join(", ") || "read"} but shown on no dashboard`,
    }));
  return { rows: list, missing, findings };
}
