import { describe, expect, it } from "vitest";
import { checkSloAlerts, WORKBOOK_WINDOWS, windowsForPeriod } from "../../src/observability/burn.js";
import { RuleIndex } from "../../src/observability/rule-index.js";
import { ObservabilitySettings } from "../../src/observability/settings.js";
import type { SloSpec } from "../../src/observability/slo.js";
import { corpus, evidenceOf } from "./support.js";

const settings = ObservabilitySettings.parse({});
const DAY = 86_400_000;

/** The check as the gate runs it: specs without a period get the policy's (30d). */
function check(...files: { path: string; text: string }[]) {
  const evidence = evidenceOf(...files);
  const slos: SloSpec[] = evidence.slos.map((slo) => (slo.periodDeclared ? slo : { ...slo, periodMs: 30 * DAY }));
  return checkSloAlerts(slos, evidence.windows, new RuleIndex(evidence.ruleFiles), settings);
}

const spec = corpus("slo/sloth-getting-started.slo.yml");
const generated = corpus("slo/sloth-getting-started.generated-rules.yml");

describe("burn-rate windows", () => {
  it("are the SRE workbook's for 30 days: 14.4, 6, 3 and 1", () => {
    expect(windowsForPeriod(WORKBOOK_WINDOWS, 30 * DAY).map((window) => Number(window.factor.toFixed(6)))).toEqual([14.4, 6, 3, 1]);
  });

  it("scale with the period: a 28-day SLO burns 2 % of its budget in an hour at 13.44", () => {
    expect(windowsForPeriod(WORKBOOK_WINDOWS, 28 * DAY).map((window) => Number(window.factor.toFixed(4)))).toEqual([13.44, 5.6, 2.8, 0.9333]);
  });
});

describe("alerts.slo on Sloth's own example: the spec and the rules Sloth generated from it", () => {
  it("links the alerts by Sloth's labels and finds every window at the objective's thresholds", () => {
    const result = check(spec, generated);
    expect(result.findings).toEqual([]);
    const [slo] = result.slos;
    expect(slo?.alerts).toEqual([{ name: "MyServiceHighErrorRate", link: "labels" }]);
    expect(slo?.windows.map((window) => [window.severity, window.longMs / 60_000, window.shortMs / 60_000, window.status])).toEqual([
      ["page", 60, 5, "ok"],
      ["page", 360, 30, "ok"],
      ["ticket", 1440, 120, "ok"],
      ["ticket", 4320, 360, "ok"],
    ]);
    expect(slo?.windows[0]?.threshold).toBeCloseTo(14.4 * 0.001, 9);
  });

  it("links the OpenSLO version of the same SLO to the same alerts through the series they read", () => {
    const result = check(corpus("slo/openslo-getting-started.slo.yml"), generated);
    expect(result.findings).toEqual([]);
    expect(result.slos[0]?.alerts).toEqual([{ name: "MyServiceHighErrorRate", link: "series" }]);
  });

  it("with Sloth's custom windows for 30-day SLOs, the default rules miss every window", () => {
    const result = check(spec, generated, corpus("slo/sloth-alertwindows-custom-30d.yaml"));
    expect(result.findings.map((finding) => finding.id)).toEqual(["burn-window-missing", "burn-window-missing", "burn-window-missing", "burn-window-missing"]);
    expect(result.findings[0]?.message).toMatch(/has no page alert over 30m\/2m at 14\.4× \(threshold 0\.0144\)/);
  });

  it("objective drift: rules generated for 99 % while the spec says 99.9 %", () => {
    const drifted = { ...generated, text: generated.text.replaceAll("0.0009999999999999432", "0.01") };
    const result = check(spec, drifted);
    expect(new Set(result.findings.map((finding) => finding.id))).toEqual(new Set(["slo-objective-drift"]));
    expect(result.findings).toHaveLength(4);
    expect(result.findings[0]?.message).toMatch(/computes its 1h\/5m threshold from an error budget of 0\.01 \(objective 99 %\); the spec's budget is 0\.001/);
    expect(result.findings[0]?.location).toEqual({ path: "monitoring/slo/sloth-getting-started.generated-rules.yml", startLine: 206 });
  });

  it("a threshold that is no burn rate of the window", () => {
    const result = check(spec, {
      ...generated,
      text: generated.text.replace(
        "(14.4 * 0.0009999999999999432)) without (sloth_window)\n          and",
        "(10 * 0.0009999999999999432)) without (sloth_window)\n          and",
      ),
    });
    expect(result.findings.map((finding) => finding.id)).toEqual(["burn-threshold-mismatch"]);
    expect(result.findings[0]?.message).toMatch(/fires over 1h\/5m above 0\.01; for a 14\.4× burn rate the threshold is 0\.0144 \(14\.4 × 0\.001\)/);
  });

  it("an SLO no alert serves, and burn-rate alerts no SLO declares", () => {
    const result = check(spec, corpus("prometheus-rules/kubernetes-mixin.alerts.yaml"), corpus("prometheus-rules/kubernetes-mixin.rules.yaml"));
    expect(result.findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ["slo-without-alerts", "error"],
      ["burn-alert-without-slo", "warning"],
    ]);
    expect(result.findings[1]?.message).toMatch(/^alert "KubeAPIErrorBudgetBurn" burns an error budget, but no SLO spec read declares it/);
    // All four of the mixin's pairs are burn-rate alerts (exempt from `for:`), found through the recorded burn rates' windows.
    expect([...result.burnAlerts].map((alert) => alert.labels.long)).toEqual(["1h", "6h", "1d", "3d"]);
  });

  it("the windows an OpenSLO v1 spec declares replace the workbook's", () => {
    const slo = `apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: checkout\nspec:\n  service: checkout\n  indicator:\n    spec:\n      ratioMetric:\n        bad: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m]))' } } }\n        total: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(http_requests_total{job="checkout"}[5m]))' } } }\n  timeWindow: [{ duration: 30d, isRolling: true }]\n  objectives: [{ target: 0.99 }]\n  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: page }\n      spec:\n        conditions:\n          - kind: AlertCondition\n            spec: { severity: page, condition: { kind: burnrate, threshold: 14.4, lookbackWindow: 1h, alertAfter: 2m } }\n`;
    const rules = `groups:\n  - name: checkout\n    rules:\n      - alert: CheckoutErrorBudgetBurn\n        expr: |\n          sum(rate(http_requests_total{job="checkout",code=~"5.."}[1h])) / sum(rate(http_requests_total{job="checkout"}[1h])) > 14.4 * 0.01\n          and\n          sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="checkout"}[5m])) > 14.4 * 0.01\n        labels: { severity: critical }\n`;
    const result = check({ path: "slo.yaml", text: slo }, { path: "rules.yaml", text: rules });
    expect(result.findings).toEqual([]);
    expect(result.slos[0]?.windows).toEqual([
      { severity: "page", longMs: 3_600_000, shortMs: 300_000, factor: 14.4, status: "ok", alert: "CheckoutErrorBudgetBurn", threshold: 14.4 * 0.01 },
    ]);
    expect(result.slos[0]?.alerts[0]?.link).toBe("series");
  });
});
