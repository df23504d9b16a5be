import {
  type Dashboard,
  type DeployedDashboard,
  type LiveObservations,
  liveSeriesSelectors,
  type ObservabilitySettings,
  parseGrafanaSearch,
  parseLoadedRules,
  type RuleIndex,
  seriesExist,
  servedDashboard,
} from "@release-gates/core/observability";
import { ApiError, RestClient } from "../http/rest.js";

/** Series lookups in flight at once: enough to be quick, few enough not to load the server. */
const CONCURRENCY = 8;

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function client(service: string, url: string, tokenEnv: string, addressSource: string, env: NodeJS.ProcessEnv): RestClient {
  const token = env[tokenEnv];
  return new RestClient(service, url, { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, { addressSource });
}

/** What the environment's Prometheus loaded, and whether each series the alerts and panels read exists there. */
async function observePrometheus(settings: ObservabilitySettings["live"], index: RuleIndex, dashboards: readonly Dashboard[], env: NodeJS.ProcessEnv) {
  const url = settings.prometheusUrl as string;
  const prometheus = client("Prometheus", url, settings.prometheusTokenEnv, "prometheus-url, or live.prometheusUrl in the policy", env);
  const rules = parseLoadedRules((await prometheus.request<unknown>("GET", "/api/v1/rules")).data, `${url}/api/v1/rules`);
  const series = new Map<string, boolean>();
  if (settings.series !== "off")
    await eachLimited(liveSeriesSelectors(index, dashboards), async (selector) => {
      const path = `/api/v1/series?${new URLSearchParams({ "match[]": selector })}`;
      try {
        series.set(selector, seriesExist((await prometheus.request<unknown>("GET", path)).data, `${url}/api/v1/series`));
      } catch (error) {
        // A selector Prometheus cannot take (a template the gate could not resolve) says nothing about the series.
        if (!(error instanceof ApiError && error.status === 400)) throw error;
      }
    });
  return { url, rules, series };
}

/** Each committed dashboard as the environment's Grafana serves it: by uid, else by title (among the tagged, when a tag is set). */
async function observeGrafana(settings: ObservabilitySettings["live"], dashboards: readonly Dashboard[], env: NodeJS.ProcessEnv) {
  const url = settings.grafanaUrl as string;
  const grafana = client("Grafana", url, settings.grafanaTokenEnv, "grafana-url, or live.grafanaUrl in the policy", env);
  const fetchByUid = async (uid: string) => {
    try {
      return servedDashboard(
        (await grafana.request<unknown>("GET", `/api/dashboards/uid/${encodeURIComponent(uid)}`)).data,
        `${url}/api/dashboards/uid/${uid}`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  };
  const deployed: DeployedDashboard[] = [];
  for (const committed of dashboards) {
    if (committed.uid) {
      deployed.push({ committed, served: await fetchByUid(committed.uid), lookedUpBy: `uid ${committed.uid}` });
      continue;
    }
    const query = new URLSearchParams({ type: "dash-db", query: committed.title, ...(settings.grafanaTag ? { tag: settings.grafanaTag } : {}) });
    const hits = parseGrafanaSearch((await grafana.request<unknown>("GET", `/api/search?${query}`)).data, `${url}/api/search`);
    const hit = hits.find((candidate) => candidate.title === committed.title);
    deployed.push({
      committed,
      served: hit ? await fetchByUid(hit.uid) : undefined,
      lookedUpBy: `title${settings.grafanaTag ? ` and tag ${settings.grafanaTag}` : ""}`,
    });
  }
  return { url, dashboards: deployed };
}

/** The live half of the gate: what the environment's Prometheus and Grafana show, for the addresses given. */
export async function observeLive(
  settings: ObservabilitySettings["live"],
  index: RuleIndex,
  dashboards: readonly Dashboard[],
  env: NodeJS.ProcessEnv,
): Promise<LiveObservations | undefined> {
  if (!settings.prometheusUrl && !settings.grafanaUrl) return undefined;
  return {
    ...(settings.prometheusUrl ? { prometheus: await observePrometheus(settings, index, dashboards, env) } : {}),
    ...(settings.grafanaUrl ? { grafana: await observeGrafana(settings, dashboards, env) } : {}),
  };
}
