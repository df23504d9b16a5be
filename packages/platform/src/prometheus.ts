import { ConfigurationError, joinResourceSeries, type ResourceSample, seriesFromPrometheus } from "@release-gates/core";
import { ApiError, RestClient } from "./http/rest.js";

export interface PrometheusResourceQuery {
  url: string;
  cpuQuery?: string;
  memoryQuery?: string;
  stepSeconds: number;
}

/**
 * CPU and memory over the test's window from a Prometheus server
 * (`/api/v1/query_range`), as the resource checks read them.
 */
export async function queryResourceSamples(settings: PrometheusResourceQuery, startMs: number, endMs: number): Promise<ResourceSample[]> {
  if (!settings.cpuQuery && !settings.memoryQuery) throw new ConfigurationError("expected cpuQuery and/or memoryQuery, found neither", "resources.prometheus");
  const client = new RestClient("Prometheus", settings.url.replace(/\/$/, ""), { accept: "application/json" });
  const range = async (query: string | undefined) => {
    if (!query) return [];
    const params = new URLSearchParams({ query, start: String(startMs / 1000), end: String(endMs / 1000), step: String(settings.stepSeconds) });
    try {
      const { data } = await client.request<unknown>("GET", `/api/v1/query_range?${params}`);
      return seriesFromPrometheus(data, query);
    } catch (error) {
      // A bad query is the user's: Prometheus answers 400 with the reason.
      if (error instanceof ApiError && error.status === 400)
        throw new ConfigurationError(`expected a valid PromQL query, found ${JSON.stringify(query)}: ${error.message}`, "resources.prometheus");
      throw error;
    }
  };
  return joinResourceSeries(await range(settings.cpuQuery), await range(settings.memoryQuery));
}
