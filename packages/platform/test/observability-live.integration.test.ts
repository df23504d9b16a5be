import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { startExporter, startPrometheus } from "@release-gates/test-helpers/prometheus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runObservabilityGate } from "../src/gates/observability.js";

// A real Prometheus 2.42 from Debian on loopback, scraping a stand-in of the sample service and
// evaluating the rules deployed to it: the sample service's, the node-exporter mixin's (whose
// series do not exist here), and one rule that fails at every evaluation. The repository has one
// more rule file, committed but never deployed.
const SAMPLE = new URL("../../../examples/sample-service/", import.meta.url).pathname;
const RUNTIME_ERROR = `groups:
  - name: sample-broken
    rules:
      - alert: SampleCodesCollapsed
        # Setting every series' code to the same value leaves series with one label set: Prometheus refuses it at evaluation.
        expr: label_replace(http_requests_total{app="sample"}, "code", "all", "", "") > 0
        for: 5m
        labels: { severity: warning }
        annotations: { summary: s, description: d, runbook_url: https://github.com/acme/sample-service/blob/main/docs/runbook.md#high-latency }
`;
const NOT_DEPLOYED = `groups:
  - name: sample-saturation
    rules:
      - alert: SampleSaturation
        expr: sum(rate(http_requests_total{app="sample"}[5m])) > 1000
        for: 10m
        labels: { severity: warning }
        annotations: { summary: s, description: d, runbook_url: https://github.com/acme/sample-service/blob/main/docs/runbook.md#high-latency }
`;

let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
let exporter: Awaited<ReturnType<typeof startExporter>>;
let repo: TestRepo;
const withoutPrometheus = skipWithout("prometheus");

beforeAll(async () => {
  if (withoutPrometheus) return;
  repo = createTestRepo({}, SAMPLE);
  cpSync(fixturePath("observability/prometheus-rules/node-exporter-mixin.alerts.yaml"), join(repo.dir, "monitoring/rules/node-exporter.alerts.yaml"));
  writeFileSync(join(repo.dir, "monitoring/rules/broken.rules.yml"), RUNTIME_ERROR);
  writeFileSync(join(repo.dir, "monitoring/rules/saturation.rules.yml"), NOT_DEPLOYED);
  repo.commit("the sample service with its monitoring");
  let scrapes = 0;
  exporter = await startExporter(() => {
    scrapes += 1;
    return [
      `http_requests_total{app="sample",code="200"} ${scrapes * 100}`,
      `http_requests_total{app="sample",code="500"} ${scrapes}`,
      `http_request_duration_seconds_bucket{app="sample",le="0.3"} ${scrapes * 99}`,
      `http_request_duration_seconds_bucket{app="sample",le="+Inf"} ${scrapes * 101}`,
      `http_request_duration_seconds_count{app="sample"} ${scrapes * 101}`,
      `http_request_duration_seconds_sum{app="sample"} ${scrapes * 12}`,
      "",
    ].join("\n");
  });
  const rules = [
    "monitoring/rules/sample.rules.yml",
    "monitoring/rules/sample-slo.rules.yml",
    "monitoring/rules/node-exporter.alerts.yaml",
    "monitoring/rules/broken.rules.yml",
  ];
  prometheus = await startPrometheus(
    [`127.0.0.1:${exporter.port}`],
    rules.map((path) => join(repo.dir, path)),
  );
  // Until the rules have been evaluated (health known) and a few scrapes have landed.
  for (let tries = 0; tries < 120; tries += 1) {
    const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { health: string }[] }[] } };
    const healths = body.data.groups.flatMap((group) => group.rules.map((rule) => rule.health));
    if (healths.length > 0 && !healths.includes("unknown") && scrapes >= 3) break;
    await new Promise((done) => setTimeout(done, 250));
  }
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
  repo?.remove();
});

describe.skipIf(withoutPrometheus)("observability-gate live, against a real Prometheus", () => {
  it("finds the rule not deployed, the rule failing at evaluation and the series that do not exist; the rest is loaded and present", async () => {
    const result = await runObservabilityGate({ cwd: repo.dir, overrides: { live: { prometheusUrl: prometheus.url } } }, { PATH: process.env.PATH ?? "" });
    const checks = Object.fromEntries(result.report.predicate.checks.map((check) => [check.id, check]));
    expect(checks["live.rules"]?.status).toBe("fail");
    expect(checks["live.series"]?.status).toBe("fail");
    const findings = result.report.predicate.findings;
    const live = (id: string) => findings.filter((finding) => finding.id === id);
    expect(live("rule-not-loaded").map((finding) => finding.message)).toEqual([
      `alert "SampleSaturation" (group "sample-saturation") is not loaded in the Prometheus at ${prometheus.url}: deploy the rule files`,
    ]);
    expect(live("rule-unhealthy").map((finding) => finding.message)).toEqual([
      expect.stringMatching(/^alert "SampleCodesCollapsed" \(group "sample-broken"\) fails in the Prometheus at .*: ".*same labelset/),
    ]);
    const missing = live("series-missing").map((finding) => finding.message.split('"')[1]?.replace(/\\/g, ""));
    // Every node-exporter series is missing; every series of the sample service is there.
    expect(missing.length).toBeGreaterThan(10);
    expect(missing.every((selector) => selector?.startsWith("node_"))).toBe(true);
    const details = result.report.predicate.details as { verification: Record<string, string> };
    expect(details.verification).toMatchObject({ "live.rules": "live", "live.series": "live", "rules.valid": "static" });
  });

  it("a Prometheus that does not answer is the service being unavailable (exit 4), not a pass", async () => {
    await expect(
      runObservabilityGate({ cwd: repo.dir, overrides: { live: { prometheusUrl: "http://127.0.0.1:9" } } }, { PATH: process.env.PATH ?? "" }),
    ).rejects.toMatchObject({ name: "ServiceUnavailableError" });
  });
});
