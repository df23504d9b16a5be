import { describe, expect, it } from "vitest";
import { lintDashboards } from "../../src/observability/dashboard-lint.js";
import { checkRed, familyKey } from "../../src/observability/red.js";
import { RuleIndex } from "../../src/observability/rule-index.js";
import { corpus, evidenceOf } from "./support.js";

/** Panels and queries counted by walking the JSON directly, independently of the reader. */
function countPanels(text: string): { panels: number; queries: number } {
  const counts = { panels: 0, queries: 0 };
  const walk = (list: { type?: string; panels?: unknown[]; targets?: { expr?: string }[] }[]) => {
    for (const panel of list) {
      if (panel.type !== "row") {
        counts.panels += 1;
        counts.queries += (panel.targets ?? []).filter((target) => target.expr).length;
      }
      walk((panel.panels ?? []) as never);
    }
  };
  walk(JSON.parse(text).panels);
  return counts;
}

const DASHBOARDS = ["alertmanager-mixin.overview.json", "go-runtime-mixin.go-runtime.json", "node-exporter-mixin.nodes.json"];

describe("Grafana dashboards", () => {
  it.each(DASHBOARDS)("%s: every panel (nested rows flattened) and query read, and every query parses", (name) => {
    const file = corpus(`grafana-dashboards/${name}`);
    const [dashboard] = evidenceOf(file).dashboards;
    const counts = countPanels(file.text);
    expect(dashboard?.panels).toHaveLength(counts.panels);
    expect(dashboard?.panels.flatMap((panel) => panel.targets)).toHaveLength(counts.queries);
    for (const target of dashboard?.panels.flatMap((panel) => panel.targets) ?? []) expect(target.query.error, target.expr).toBeUndefined();
    expect(dashboard?.uid).toBe(JSON.parse(file.text).uid);
  });

  it("the mixins' dashboards pass the lint: titles, fitting units, $datasource, $__rate_interval", () => {
    const evidence = evidenceOf(...DASHBOARDS.map((name) => corpus(`grafana-dashboards/${name}`)));
    expect(lintDashboards(evidence.dashboards, "warning")).toEqual([]);
  });

  it("flags a fixed datasource, a hard-coded rate window, a latency without a time unit and a panel without a title", () => {
    const model = {
      title: "API",
      uid: "api",
      panels: [
        {
          type: "row",
          title: "Requests",
          panels: [{ type: "timeseries", title: "", datasource: { uid: "P1809F7CD0C75ACF3" }, targets: [{ expr: "sum(rate(http_requests_total[5m]))" }] }],
        },
        {
          type: "timeseries",
          title: "Latency",
          fieldConfig: { defaults: { unit: "short" } },
          targets: [{ expr: "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[$__interval])))" }],
        },
      ],
    };
    const [dashboard] = evidenceOf({ path: "dashboards/api.json", text: JSON.stringify(model) }).dashboards;
    const findings = lintDashboards(dashboard ? [dashboard] : [], "warning");
    expect(findings.map((finding) => finding.id)).toEqual([
      "panel-no-title",
      "panel-fixed-datasource",
      "panel-rate-interval",
      "panel-unit",
      "panel-rate-interval",
    ]);
    expect(findings[3]?.message).toBe('"API": panel "Latency" shows a latency in seconds with unit "short": set the unit to seconds (s)');
  });

  it("reads a dashboard as Grafana's API and exports wrap it, and old dashboards' rows", () => {
    const wrapped = {
      dashboard: {
        title: "Old",
        rows: [{ panels: [{ type: "graph", title: "Rate", targets: [{ expr: "rate(x_total[1m])" }], yaxes: [{ format: "reqps" }] }] }],
      },
      meta: {},
    };
    const [dashboard] = evidenceOf({ path: "grafana/old.json", text: JSON.stringify(wrapped) }).dashboards;
    expect(dashboard?.panels).toEqual([expect.objectContaining({ title: "Rate", unit: "reqps", pointer: "rows[0].panels[0]" })]);
  });

  it("broken JSON is a finding against dashboards.red; JSON that is no dashboard is listed as ignored", () => {
    const evidence = evidenceOf({ path: "dashboards/a.json", text: '{"title": "x", "panels": [' }, { path: "dashboards/package.json", text: '{"name": "x"}' });
    expect(evidence.findings.map(({ check, finding }) => [check, finding.id])).toEqual([["dashboards.red", "evidence-unreadable"]]);
    expect(evidence.ignored).toEqual(["dashboards/package.json"]);
  });
});

describe("the RED matrix", () => {
  it("families join Prometheus and OpenTelemetry names", () => {
    expect(familyKey("http_server_request_duration_seconds_bucket")).toBe(familyKey("http.server.request.duration"));
    expect(familyKey("http_requests_total")).toBe("http_requests");
  });

  it("on Alertmanager's dashboard: notifications' rate and errors, the latency's duration", () => {
    const evidence = evidenceOf(corpus("grafana-dashboards/alertmanager-mixin.overview.json"));
    const red = checkRed(["alertmanager_notifications_total", "alertmanager_notification_latency_seconds"], [], new RuleIndex([]), evidence.dashboards);
    expect(red.missing).toEqual([]);
    expect(red.rows.map((row) => [row.family, row.rate.length > 0, row.errors.length > 0, row.duration.length > 0])).toEqual([
      ["alertmanager_notifications", true, true, false],
      ["alertmanager_notification_latency", false, false, true],
    ]);
  });

  it("the join across files: recorded, alerted and SLO from the Sloth example, shown by a dashboard through the recorded ratios", () => {
    const dashboard = {
      title: "My service",
      panels: [
        { type: "timeseries", title: "Requests", targets: [{ expr: 'sum(rate(http_request_duration_seconds_count{job="myservice"}[$__rate_interval]))' }] },
        { type: "timeseries", title: "Error ratio", targets: [{ expr: 'slo:sli_error:ratio_rate5m{sloth_service="myservice"}' }] },
        {
          type: "timeseries",
          title: "p99",
          targets: [{ expr: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="myservice"}[$__rate_interval])))' }],
        },
      ],
    };
    const evidence = evidenceOf(corpus("slo/sloth-getting-started.slo.yml"), corpus("slo/sloth-getting-started.generated-rules.yml"), {
      path: "dashboards/myservice.json",
      text: JSON.stringify(dashboard),
    });
    const red = checkRed([], evidence.slos, new RuleIndex(evidence.ruleFiles), evidence.dashboards);
    expect(red.rows).toEqual([
      {
        family: "http_request_duration",
        metric: "http_request_duration_seconds",
        recorded: true,
        alerted: true,
        slo: true,
        rate: ["My service / Requests"],
        errors: ["My service / Error ratio"],
        duration: ["My service / p99"],
      },
    ]);
    expect(red.missing).toEqual([]);
  });

  it("a request metric on no dashboard, named when its signals are missing", () => {
    const evidence = evidenceOf(corpus("prometheus-rules/kubernetes-mixin.rules.yaml"), corpus("grafana-dashboards/go-runtime-mixin.go-runtime.json"));
    const red = checkRed([], [], new RuleIndex(evidence.ruleFiles), evidence.dashboards);
    expect(red.missing).toEqual(["rate", "errors", "duration"]);
    expect(red.rows.map((row) => [row.family, row.recorded])).toEqual([
      ["apiserver_request", true],
      ["apiserver_request_sli_duration", true],
    ]);
    expect(red.findings.map((finding) => finding.message)).toEqual([
      "apiserver_request_total is recorded but shown on no dashboard",
      "apiserver_request_sli_duration_seconds is recorded but shown on no dashboard",
    ]);
  });
});
