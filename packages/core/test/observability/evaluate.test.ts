import { readFileSync } from "node:fs";
import { reportOf } from "@release-gates/test-helpers/reports";
import { describe, expect, it } from "vitest";
import { readDashboard } from "../../src/observability/dashboards.js";
import { evaluateObservability, type ObservabilityInputs } from "../../src/observability/evaluate.js";
import type { Evidence } from "../../src/observability/evidence.js";
import { observabilityGate } from "../../src/observability/gate.js";
import { ObservabilitySettings } from "../../src/observability/settings.js";
import { parseCollectorConfig, parseSdkEnvironment } from "../../src/observability/telemetry.js";
import { resolveGateSettings } from "../../src/policy/load.js";
import { parsePolicy } from "../../src/policy/parse.js";
import { corpus, evidenceOf } from "./support.js";

const NOW = new Date("2026-11-29T12:00:00Z");
const sample = (path: string) => readFileSync(new URL(`../../../../examples/sample-service/${path}`, import.meta.url), "utf8");
const SAMPLE_FILES = [
  "monitoring/slo/sample.slo.yml",
  "monitoring/rules/sample-slo.rules.yml",
  "monitoring/rules/sample.rules.yml",
  "monitoring/dashboards/sample.json",
  "monitoring/provisioning/dashboards.yaml",
];
/** The settings the sample service's release-gates.yml gives, with a run's overrides. */
const sampleSettings = (overrides: object = {}) => resolveGateSettings(parsePolicy(sample("release-gates.yml")), observabilityGate, undefined, overrides);

function sampleInputs(overrides: Partial<ObservabilityInputs> = {}): ObservabilityInputs {
  const documents = Object.fromEntries(
    (
      [
        ["runbook", "docs/runbook.md"],
        ["rollback", "docs/rollback.md"],
        ["incident", "docs/incident-response.md"],
      ] as const
    ).map(([kind, path]) => [kind, { path, text: sample(path), changedMs: NOW.getTime() - 86_400_000 }]),
  );
  return {
    evidence: evidenceOf(...SAMPLE_FILES.map((path) => ({ path, text: sample(path) }))),
    documents,
    covered: { runbook: { changedMs: NOW.getTime() - 2 * 86_400_000, path: "monitoring/rules/sample.rules.yml" } },
    telemetry: {
      collectors: [parseCollectorConfig(sample("otel/collector.yaml"), "otel/collector.yaml")],
      environments: [parseSdkEnvironment(sample("deploy/sample.env"), "deploy/sample.env")],
      logging: [{ path: "deploy/sample.env", text: sample("deploy/sample.env") }],
      findings: [],
    },
    repositoryUrls: ["https://github.com/acme/sample-service"],
    files: { read: (path) => (path.startsWith("docs/") ? sample(path) : undefined) },
    now: NOW,
    ...overrides,
  };
}

const statuses = (evaluation: { checks: { id: string; status: string }[] }) => Object.fromEntries(evaluation.checks.map((check) => [check.id, check.status]));

describe("the observability gate", () => {
  it("no evidence at all: nothing passes", () => {
    const empty: Evidence = evidenceOf();
    const evaluation = evaluateObservability(ObservabilitySettings.parse({}), {
      evidence: empty,
      documents: {},
      covered: {},
      telemetry: { collectors: [], environments: [], logging: [], findings: [] },
      repositoryUrls: [],
      files: { read: () => undefined },
      now: NOW,
    });
    expect(statuses(evaluation)).toEqual({
      "rules.valid": "no-data",
      "alerts.slo": "no-data",
      "alerts.hygiene": "no-data",
      "dashboards.red": "no-data",
      "docs.runbook": "fail",
      "docs.rollback": "fail",
      "docs.incident": "fail",
      "telemetry.traces": "no-data",
      "telemetry.logs": "no-data",
    });
    expect(evaluation.checks.every((check) => check.status === "fail" || check.onNoData === "fail")).toBe(true);
    expect(evaluation.details.missing).toHaveLength(9);
  });

  it("the sample service: every check passes, proven statically", () => {
    const evaluation = evaluateObservability(sampleSettings(), sampleInputs());
    expect(evaluation.findings).toEqual([]);
    expect(new Set(Object.values(statuses(evaluation)))).toEqual(new Set(["pass"]));
    expect(evaluation.details.counts).toEqual({ ruleFiles: 2, alerts: 4, recordingRules: 7, slos: 1, dashboards: 1, panels: 4 });
    expect(evaluation.details.missing).toEqual([]);
    expect(new Set(Object.values(evaluation.details.verification))).toEqual(new Set(["static"]));
    expect(evaluation.details.red.map((row) => [row.metric, row.rate.length, row.errors.length, row.duration.length])).toEqual([
      ["http_requests_total", 1, 2, 0],
      ["http_request_duration_seconds", 0, 0, 1],
    ]);
  });

  it("required live checks without addresses fail, never pass statically", () => {
    const evaluation = evaluateObservability(sampleSettings({ live: { required: true } }), sampleInputs());
    expect(evaluation.checks.filter((check) => check.id.startsWith("live.")).map((check) => [check.id, check.status])).toEqual([
      ["live.rules", "fail"],
      ["live.dashboards", "fail"],
    ]);
    expect(evaluation.details.missing).toEqual(["live.rules", "live.dashboards"]);
  });

  it("live: a rule not loaded, a failing rule, a missing series and a dashboard edited in Grafana", () => {
    const inputs = sampleInputs();
    const [committed] = inputs.evidence.dashboards;
    if (!committed) throw new Error("no dashboard");
    const edited = structuredClone(committed.model) as { panels: { title?: string; targets?: { expr: string }[] }[] };
    (edited.panels[1]?.targets?.[0] as { expr: string }).expr = "sum(rate(http_requests_total[5m]))";
    const live = {
      prometheus: {
        url: "http://127.0.0.1:9090",
        rules: [
          ...inputs.evidence.ruleFiles
            .flatMap((file) => file.rules)
            .filter((rule) => rule.name !== "SampleDown")
            .map((rule) => ({
              group: rule.group,
              name: rule.name,
              type: rule.kind === "alert" ? ("alerting" as const) : ("recording" as const),
              health: "ok",
            })),
        ].map((rule) =>
          rule.name === "SampleHighLatency" ? { ...rule, health: "err", lastError: "vector cannot contain metrics with the same labelset" } : rule,
        ),
        series: new Map([
          ['up{job="sample"}', false],
          ['http_requests_total{app="sample"}', true],
        ]),
      },
      grafana: { url: "http://127.0.0.1:3000", dashboards: [{ committed, served: edited, lookedUpBy: "uid sample-red" }] },
    };
    const evaluation = evaluateObservability(sampleSettings(), sampleInputs({ live }));
    expect(statuses(evaluation)).toMatchObject({ "live.rules": "fail", "live.series": "fail", "live.dashboards": "fail" });
    expect(evaluation.details.verification).toMatchObject({ "live.rules": "live", "live.series": "live", "live.dashboards": "live", "rules.valid": "static" });
    const messages = evaluation.findings.map((finding) => `${finding.id}: ${finding.message}`);
    expect(messages).toEqual([
      'rule-not-loaded: alert "SampleDown" (group "sample") is not loaded in the Prometheus at http://127.0.0.1:9090: deploy the rule files',
      'rule-unhealthy: alert "SampleHighLatency" (group "sample") fails in the Prometheus at http://127.0.0.1:9090: "vector cannot contain metrics with the same labelset"',
      'series-missing: "up{job=\\"sample\\"}" matches no series in the Prometheus at http://127.0.0.1:9090: the alert or panel reading it sees nothing (a renamed metric, a missing scrape, a wrong label)',
      expect.stringMatching(
        /^dashboard-changed: dashboard "Sample service \/ RED" in the Grafana at http:\/\/127\.0\.0\.1:3000 differs from the committed one: panel "Request rate" \(timeseries\): sum by \(code\)/,
      ),
    ]);
    // The served copy must itself read as a dashboard: the comparison is between two models, not texts.
    expect(readDashboard(edited, "served").panels).toHaveLength(committed.panels.length);
  });

  it("promtool's verdict is compared: a file it rejects that the grammar accepts is a finding, its lint a notice", () => {
    const evidence = evidenceOf(corpus("prometheus-rules/kubernetes-mixin.rules.yaml"), corpus("prometheus-rules/node-exporter-mixin.alerts.yaml"));
    const evaluation = evaluateObservability(ObservabilitySettings.parse({}), {
      ...sampleInputs({ evidence }),
      promtool: {
        version: "2.42.0",
        verdicts: [
          { path: "monitoring/prometheus-rules/kubernetes-mixin.rules.yaml", ok: true, output: "  FAILED:\nlint error 1 duplicate rule(s) found." },
          {
            path: "monitoring/prometheus-rules/node-exporter-mixin.alerts.yaml",
            ok: false,
            output: '  FAILED:\nx.yaml: 5:11: group "a", rule 1: could not parse expression',
          },
        ],
      },
    });
    const rules = evaluation.findings.filter((finding) => finding.id.startsWith("promtool"));
    expect(rules.map((finding) => [finding.id, finding.severity])).toEqual([
      ["promtool-lint", "notice"],
      ["promtool-rejects", "error"],
    ]);
    expect(statuses(evaluation)["rules.valid"]).toBe("fail");
  });

  it("checks set to warn warn, checks set to off are left out", () => {
    const inputs = sampleInputs({ telemetry: { collectors: [], environments: [], logging: [{ path: "log4j2.xml", text: "<PatternLayout/>" }], findings: [] } });
    const evaluation = evaluateObservability(sampleSettings({ telemetry: { logs: "warn", traces: "off" } }), inputs);
    expect(statuses(evaluation)["telemetry.logs"]).toBe("warn");
    expect(statuses(evaluation)["telemetry.traces"]).toBeUndefined();
  });
});

describe("the observability gate's report, as the front ends render it", () => {
  it("the summary shows the SLOs with their windows, the RED matrix, the documents and how each check was verified; outputs and terminal lines read the same", async () => {
    const evaluation = evaluateObservability(sampleSettings(), sampleInputs());
    const report = reportOf(observabilityGate.name, evaluation);
    const renderers = await observabilityGate.renderers();
    const summary = renderers
      .markdownSections(report, { blobUrl: (path, line) => `https://github.com/acme/sample-service/blob/b7e2d94c/${path}${line ? `#L${line}` : ""}` })
      .join("\n\n");
    expect(summary).toContain("### SLOs and their burn-rate alerts (1)");
    expect(summary).toMatch(/✅ page 1h\/5m ×14\.4/);
    expect(summary).toContain("### RED matrix");
    expect(summary).toContain("`http_requests_total`");
    expect(summary).toContain("docs/runbook.md");
    expect(renderers.terminal?.(report)).toBe("2 rule files, 4 alerts, 1 SLO, 1 dashboard\n");
    const outputs = Object.fromEntries(observabilityGate.outputs.map((output) => [output.name, output.value(report, {})]));
    expect(outputs).toEqual({ slos: 1, alerts: 4, missing: "" });
  });
});
