import { type Analysis, ConfigurationError, quoted } from "@release-gates/core";
import { allSeriesFromPrometheus, joinResourceSeries, type ResourceSample, seriesFromPrometheus } from "@release-gates/core/perf";
import type { AnalysisInterval } from "@release-gates/core/promote";
import { ApiError, RestClient } from "../http/rest.js";

export interface PrometheusResourceQuery {
  url: string;
  cpuQuery?: string;
  memoryQuery?: string;
  stepSeconds: number;
}

/** Where the policy sets each Prometheus address, named when the server does not answer. */
const RESOURCES_URL = "prometheus-url, or resources.prometheus.url in the policy";
const PROMOTE_URL = "the policy's prometheus.url";

/** A `/api/v1/query_range` call; a query Prometheus refuses (400) is the user's mistake, said in one sentence. */
async function queryRange(
  url: string,
  query: string,
  window: { startMs: number; endMs: number; stepSeconds: number },
  where: string,
  addressSource = PROMOTE_URL,
): Promise<unknown> {
  const { startMs, endMs, stepSeconds } = window;
  const client = new RestClient("Prometheus", url, { accept: "application/json" }, { addressSource });
  const params = new URLSearchParams({ query, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepSeconds) });
  try {
    return (await client.request<unknown>("GET", `/api/v1/query_range?${params}`)).data;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 400 || error.status === 422))
      throw new ConfigurationError(`expected a valid PromQL query, found ${quoted(query)}: ${error.message}`, where);
    throw error;
  }
}

/** CPU and memory over the test's window, as the perf gate's resource checks read them. */
export async function queryResourceSamples(settings: PrometheusResourceQuery, startMs: number, endMs: number): Promise<ResourceSample[]> {
  if (!settings.cpuQuery && !settings.memoryQuery) throw new ConfigurationError("expected cpuQuery and/or memoryQuery, found neither", "resources.prometheus");
  const range = async (query: string | undefined) =>
    query
      ? seriesFromPrometheus(
          await queryRange(settings.url, query, { startMs, endMs, stepSeconds: settings.stepSeconds }, "resources.prometheus", RESOURCES_URL),
          query,
        )
      : [];
  return joinResourceSeries(await range(settings.cpuQuery), await range(settings.memoryQuery));
}

/** Fills `{{name}}` placeholders of a PromQL template. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? (values[name] as string) : whole));
}

/**
 * The canary's and the stable version's value of each analysis metric, one
 * interval at a time, from the canary's start to `endMs`.
 */
export async function measureCanary(
  url: string,
  analysis: Analysis,
  stepSeconds: number,
  startMs: number,
  endMs: number,
  values: Record<string, string>,
): Promise<Map<string, AnalysisInterval[]>> {
  const measurements = new Map<string, AnalysisInterval[]>();
  for (const metric of analysis.metrics) {
    const series = async (variant: string) => {
      const query = fillTemplate(metric.query, { ...values, variant });
      return seriesFromPrometheus(await queryRange(url, query, { startMs, endMs, stepSeconds }, `analysis ${metric.name}`), query);
    };
    const canary = await series(analysis.variants.canary);
    const stable = new Map((await series(analysis.variants.stable)).map((point) => [point.timeMs, point.value]));
    measurements.set(
      metric.name,
      canary.map((point) => ({ timeMs: point.timeMs, canary: point.value, stable: stable.get(point.timeMs) })),
    );
  }
  return measurements;
}

export interface SoakHealth {
  /** Alert names that fired during the window. */
  alerts: string[];
  /** Average request rate over the window; undefined when there were no samples. */
  traffic: number | undefined;
}

/** Whether an environment stayed healthy while a commit soaked there: no firing alerts, real traffic. */
export async function measureSoakHealth(
  url: string,
  health: { alerts?: string; traffic?: string },
  startMs: number,
  endMs: number,
  values: Record<string, string>,
): Promise<SoakHealth> {
  // About 250 points per series, however long the soak.
  const step = Math.max(1, Math.ceil((endMs - startMs) / 1000 / 250));
  let alerts: string[] = [];
  if (health.alerts) {
    const query = fillTemplate(health.alerts, values);
    // Each point covers its whole step (a subquery), so an alert that fired between two points is not missed.
    const covering = `max_over_time((${query})[${step}s:])`;
    const series = allSeriesFromPrometheus(await queryRange(url, covering, { startMs, endMs, stepSeconds: step }, "health.alerts"), query);
    alerts = [
      ...new Set(
        series.filter((entry) => entry.values.some((point) => point.value > 0)).map((entry) => entry.labels.alertname ?? JSON.stringify(entry.labels)),
      ),
    ];
  }
  let traffic: number | undefined;
  if (health.traffic) {
    const query = fillTemplate(health.traffic, values);
    const points = seriesFromPrometheus(await queryRange(url, query, { startMs, endMs, stepSeconds: step }, "health.traffic"), query);
    traffic = points.length === 0 ? undefined : points.reduce((sum, point) => sum + point.value, 0) / points.length;
  }
  return { alerts, traffic };
}
