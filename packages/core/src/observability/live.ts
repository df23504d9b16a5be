import * as z from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import { validateAs } from "../validation.js";
import { type Dashboard, dashboardModel, readDashboard } from "./dashboards.js";
import type { RuleIndex } from "./rule-index.js";
import type { Rule } from "./rules.js";

/** A rule as a Prometheus server reports it loaded (`/api/v1/rules`). */
export interface LoadedRule {
  group: string;
  name: string;
  type: "alerting" | "recording";
  health: string;
  lastError?: string;
}

const RulesResponse = z.object({
  status: z.literal("success"),
  data: z.object({
    groups: z.array(
      z
        .object({
          name: z.string(),
          rules: z.array(
            z
              .object({ name: z.string(), type: z.enum(["alerting", "recording"]), health: z.string().default("unknown"), lastError: z.string().optional() })
              .loose(),
          ),
        })
        .loose(),
    ),
  }),
});

/** Prometheus's `/api/v1/rules` answer as loaded rules. */
export function parseLoadedRules(body: unknown, source: string): LoadedRule[] {
  const response = validateAs(RulesResponse, body, "the rules API's answer", source);
  return response.data.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      group: group.name,
      name: rule.name,
      type: rule.type,
      health: rule.health,
      ...(rule.lastError ? { lastError: rule.lastError } : {}),
    })),
  );
}

const SeriesResponse = z.object({ status: z.literal("success"), data: z.array(z.record(z.string(), z.string())) });

/** Whether `/api/v1/series` found any series. */
export function seriesExist(body: unknown, source: string): boolean {
  return validateAs(SeriesResponse, body, "the series API's answer", source).data.length > 0;
}

const SearchResponse = z.array(z.object({ uid: z.string(), title: z.string(), type: z.string().optional(), tags: z.array(z.string()).default([]) }).loose());

/** Grafana's `/api/search` answer: the dashboards' uids, titles and tags. */
export function parseGrafanaSearch(body: unknown, source: string): { uid: string; title: string; tags: string[] }[] {
  return validateAs(SearchResponse, body, "Grafana's search answer", source)
    .filter((hit) => hit.type === undefined || hit.type === "dash-db")
    .map((hit) => ({ uid: hit.uid, title: hit.title, tags: hit.tags }));
}

/** Grafana's `/api/dashboards/uid/:uid` answer as the dashboard model. */
export function servedDashboard(body: unknown, source: string): Record<string, unknown> {
  const model = dashboardModel(body);
  if (!model) throw new ConfigurationError("expected Grafana's { dashboard, meta } answer with the dashboard's panels, found another shape", source);
  return model;
}

/** The series a query selects, as `/api/v1/series` takes it; matchers on dashboard variables are left out (they have no value here). */
function selectorText(metric: string | undefined, matchers: readonly { label: string; op: string; value: string }[]): string | undefined {
  const fixed = matchers.filter((matcher) => !/\$|\{\{/.test(matcher.value));
  if (!metric && fixed.length === 0) return undefined;
  const body = fixed.map((matcher) => `${matcher.label}${matcher.op}${JSON.stringify(matcher.value)}`).join(",");
  return metric ? `${metric}${body ? `{${body}}` : ""}` : `{${body}}`;
}

/** Every distinct series selector the committed alerts and panels read. */
export function liveSeriesSelectors(index: RuleIndex, dashboards: readonly Dashboard[]): string[] {
  const selectors = new Set<string>();
  const queries = [
    ...index.alerts.map((rule) => rule.query),
    ...dashboards.flatMap((dashboard) => dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.query))),
  ];
  for (const query of queries) {
    if (query.error) continue;
    for (const selector of query.selectors()) {
      if (selector.metric?.startsWith("grafana_variable_")) continue;
      const text = selectorText(selector.metric, selector.matchers);
      if (text) selectors.add(text);
    }
  }
  return [...selectors].sort();
}

/** live.rules: every committed rule is loaded, and healthy. */
export function checkLoadedRules(index: RuleIndex, loaded: readonly LoadedRule[], url: string): Finding[] {
  const findings: Finding[] = [];
  const byName = new Map<string, LoadedRule[]>();
  for (const rule of loaded) byName.set(`${rule.type}\u0000${rule.name}`, [...(byName.get(`${rule.type}\u0000${rule.name}`) ?? []), rule]);
  const at = (rule: Rule) => ({ path: rule.path, ...(rule.line ? { startLine: rule.line } : {}) });
  for (const rule of [...index.alerts, ...index.records]) {
    const type = rule.kind === "alert" ? "alerting" : "recording";
    const candidates = byName.get(`${type}\u0000${rule.name}`) ?? [];
    const match = candidates.find((candidate) => candidate.group === rule.group) ?? candidates[0];
    const label = `${rule.kind === "alert" ? "alert" : "recording rule"} ${quoted(rule.name)} (group ${quoted(rule.group)})`;
    if (!match)
      findings.push({
        id: "rule-not-loaded",
        severity: "error",
        message: `${label} is not loaded in the Prometheus at ${url}: deploy the rule files`,
        location: at(rule),
      });
    else if (match.health === "err")
      findings.push({
        id: "rule-unhealthy",
        severity: "error",
        message: `${label} fails in the Prometheus at ${url}: ${quoted(match.lastError ?? "no error given", 300)}`,
        location: at(rule),
      });
    else if (match.health !== "ok")
      findings.push({
        id: "rule-not-evaluated",
        severity: "warning",
        message: `${label} is loaded in the Prometheus at ${url} but not evaluated yet (health ${match.health})`,
        location: at(rule),
      });
  }
  return findings;
}

/** live.series: the series each alert and panel reads exist. */
export function checkSeries(present: ReadonlyMap<string, boolean>, url: string, severity: Finding["severity"]): Finding[] {
  return [...present]
    .filter(([, exists]) => !exists)
    .map(([selector]) => ({
      id: "series-missing",
      severity,
      message: `${quoted(selector, 200)} matches no series in the Prometheus at ${url}: the alert or panel reading it sees nothing (a renamed metric, a missing scrape, a wrong label)`,
    }));
}

/** What a dashboard's reader sees: titles, panel types and queries, variables — not ids, versions or layout. */
function fingerprint(dashboard: Dashboard): string[] {
  return [
    `title ${dashboard.title}`,
    ...dashboard.panels.map(
      (panel) =>
        `panel ${quoted(panel.title || panel.pointer)} (${panel.type}): ${panel.targets.map((target) => target.expr.replace(/\s+/g, " ").trim()).join(" | ")}`,
    ),
  ];
}

/** A committed dashboard and what the Grafana serves for it (undefined: not deployed). */
export interface DeployedDashboard {
  committed: Dashboard;
  served?: Record<string, unknown>;
  /** How it was looked up: by uid, or by title among the tagged. */
  lookedUpBy: string;
}

/** live.dashboards: every committed dashboard is deployed, and what it shows is what is committed. */
export function checkDeployedDashboards(deployed: readonly DeployedDashboard[], url: string): Finding[] {
  const findings: Finding[] = [];
  for (const { committed, served, lookedUpBy } of deployed) {
    const label = `dashboard ${quoted(committed.title)}`;
    if (!served) {
      findings.push({
        id: "dashboard-not-deployed",
        severity: "error",
        message: `${label} is not in the Grafana at ${url} (looked up by ${lookedUpBy})`,
        location: { path: committed.path },
      });
      continue;
    }
    const servedLines = new Set(fingerprint(readDashboard(served, `${url} ${lookedUpBy}`)));
    const committedLines = fingerprint(committed);
    const changed = committedLines.filter((line) => !servedLines.has(line));
    const extra = servedLines.size - (committedLines.length - changed.length);
    if (changed.length || extra > 0)
      findings.push({
        id: "dashboard-changed",
        severity: "error",
        message: `${label} in the Grafana at ${url} differs from the committed one: ${changed.length ? `${changed.slice(0, 3).join("; ")}${changed.length > 3 ? ` and ${changed.length - 3} more` : ""} not as committed` : `${extra} panel(s) added there`} (edited in the UI? export it, or redeploy)`,
        location: { path: committed.path },
      });
  }
  return findings;
}
