import { describe, expect, it } from "vitest";
import { corpus, evidenceOf } from "./support.js";

describe("SLO specs, told apart by content", () => {
  it("Sloth prometheus/v1: the objective as a ratio, the SLI queries, the alerting section", () => {
    const { slos, findings } = evidenceOf(corpus("slo/sloth-getting-started.slo.yml"));
    expect(findings).toEqual([]);
    expect(slos).toHaveLength(1);
    expect(slos[0]).toMatchObject({ name: "requests-availability", service: "myservice", format: "Sloth prometheus/v1", periodDeclared: false, line: 9 });
    expect(slos[0]?.objective).toBeCloseTo(0.999, 12);
    expect(slos[0]?.alerting).toEqual({ name: "MyServiceHighErrorRate", page: true, ticket: true });
    expect(slos[0]?.queries.map((query) => query.metrics())).toEqual([["http_request_duration_seconds_count"], ["http_request_duration_seconds_count"]]);
  });

  it("Sloth's PrometheusServiceLevel CRD, camelCase keys and a disabled ticket alert", () => {
    const text = `apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata: { name: api }\nspec:\n  service: api\n  slos:\n    - name: availability\n      objective: 99.5\n      sli:\n        events:\n          errorQuery: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))\n          totalQuery: sum(rate(http_requests_total[{{.window}}]))\n      alerting:\n        name: ApiAvailability\n        ticketAlert:\n          disable: true\n`;
    const { slos } = evidenceOf({ path: "deploy/slo.yaml", text });
    expect(slos[0]).toMatchObject({
      name: "availability",
      service: "api",
      objective: 0.995,
      format: "Sloth PrometheusServiceLevel",
      alerting: { page: true, ticket: false },
    });
  });

  it("OpenSLO v1alpha: target and the period from timeWindows", () => {
    const { slos } = evidenceOf(corpus("slo/openslo-getting-started.slo.yml"));
    expect(slos[0]).toMatchObject({
      name: "sloth-slo-my-service",
      service: "my-service",
      objective: 0.999,
      periodMs: 30 * 86_400_000,
      periodDeclared: true,
      format: "OpenSLO v1alpha",
    });
    expect(slos[0]?.queries).toHaveLength(2);
  });

  it("OpenSLO v1: the SLI, alert policy and alert condition joined by reference across files", () => {
    const slo = `apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: checkout-availability\nspec:\n  service: checkout\n  indicatorRef: checkout-errors\n  timeWindow:\n    - duration: 28d\n      isRolling: true\n  budgetingMethod: Occurrences\n  objectives:\n    - targetPercent: 99.95\n  alertPolicies:\n    - alertPolicyRef: fast-burn\n`;
    const sli = `apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: checkout-errors\nspec:\n  ratioMetric:\n    counter: true\n    bad:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: sum(rate(http_requests_total{service="checkout",code=~"5.."}[5m]))\n    total:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: sum(rate(http_requests_total{service="checkout"}[5m]))\n`;
    const policy = `apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata:\n  name: fast-burn\nspec:\n  conditions:\n    - conditionRef: burn-1h\n    - kind: AlertCondition\n      metadata: { name: burn-6h }\n      spec:\n        severity: page\n        condition: { kind: burnrate, threshold: 6, lookbackWindow: 6h, alertAfter: 5m }\n---\napiVersion: openslo/v1\nkind: AlertCondition\nmetadata:\n  name: burn-1h\nspec:\n  severity: page\n  condition:\n    kind: burnrate\n    threshold: 14.4\n    lookbackWindow: 1h\n    alertAfter: 2m\n`;
    const { slos, findings } = evidenceOf({ path: "slo/slo.yaml", text: slo }, { path: "slo/sli.yaml", text: sli }, { path: "slo/alerts.yaml", text: policy });
    expect(findings).toEqual([]);
    expect(slos[0]).toMatchObject({ name: "checkout-availability", service: "checkout", objective: 0.9995, periodMs: 28 * 86_400_000, format: "OpenSLO v1" });
    expect(slos[0]?.windows).toEqual([
      { severity: "page", longMs: 3_600_000, shortMs: 300_000, factor: 14.4 },
      { severity: "page", longMs: 21_600_000, shortMs: 1_800_000, factor: 6 },
    ]);
  });

  it("an OpenSLO reference to nothing, and an invalid spec, are findings against alerts.slo", () => {
    const slo = `apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: a\nspec:\n  indicatorRef: missing-sli\n  objectives:\n    - target: 0.99\n`;
    const sloth = `version: prometheus/v1\nservice: api\nslos:\n  - name: availability\n    objective: 100.5\n    sli: {}\n`;
    const { slos, findings } = evidenceOf({ path: "slo/a.yaml", text: slo }, { path: "slo/b.yaml", text: sloth });
    expect(slos).toEqual([]);
    expect(findings.map(({ check, finding }) => [check, finding.id, finding.location?.path, finding.location?.startLine])).toEqual([
      ["alerts.slo", "slo-spec-invalid", "slo/b.yaml", 5],
      ["alerts.slo", "slo-spec-invalid", "slo/a.yaml", 1],
    ]);
    expect(findings[0]?.finding.message).toMatch(/^slos\[0\]\.objective: expected a number less than 100, found number 100\.5$/);
    expect(findings[1]?.finding.message).toBe('SLO "a": indicatorRef "missing-sli" names no SLI in the files read');
  });

  it("Sloth AlertWindows: each window's burn rate from its budget share and the period", () => {
    const { windows } = evidenceOf(corpus("slo/sloth-alertwindows-custom-30d.yaml"));
    expect(windows[0]?.periodMs).toBe(30 * 86_400_000);
    expect(windows[0]?.windows.map((window) => [window.severity, window.longMs / 60_000, window.shortMs / 60_000, Number(window.factor.toFixed(4))])).toEqual([
      ["page", 30, 2, 14.4],
      ["page", 180, 15, 4.8],
      ["ticket", 720, 60, 3],
      ["ticket", 2160, 180, 1],
    ]);
  });
});
