import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ledgerLine } from "@release-gates/core/promote";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { startExporter, startPrometheus } from "@release-gates/test-helpers/prometheus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan, runPromote } from "../src/promote/run.js";

// A real Prometheus on loopback scraping a test exporter that serves a canary and a stable
// version of two services (one healthy, one failing), an alert, and a request rate.
const C = "c".repeat(40);
const D = "d".repeat(40);
let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
let exporter: Awaited<ReturnType<typeof startExporter>>;
let started = 0;

const withoutPrometheus = skipWithout("prometheus");

beforeAll(async () => {
  if (withoutPrometheus) return;
  exporter = await startExporter(
    () => `# TYPE demo_error_ratio gauge
demo_error_ratio{service="healthy",variant="canary"} 0.010
demo_error_ratio{service="healthy",variant="stable"} 0.010
demo_error_ratio{service="broken",variant="canary"} 0.250
demo_error_ratio{service="broken",variant="stable"} 0.010
# TYPE demo_alert gauge
demo_alert{alertname="HighLatency",env="testnet-broken"} 1
# TYPE demo_requests_per_second gauge
demo_requests_per_second{env="testnet"} 12
`,
  );
  started = Date.now();
  prometheus = await startPrometheus([`127.0.0.1:${exporter.port}`]);
  // Prometheus scrapes for the first time a few seconds after it starts: wait for samples.
  const query = encodeURIComponent('max(demo_error_ratio{service="broken",variant="canary"})');
  for (let tries = 0; tries < 120; tries += 1) {
    const answer = await fetch(`${prometheus.url}/api/v1/query_range?query=${query}&start=${started / 1000}&end=${Date.now() / 1000}&step=1`).then((response) =>
      response.json(),
    );
    if (((answer as { data?: { result?: { values?: unknown[] }[] } }).data?.result?.[0]?.values?.length ?? 0) >= 4) break;
    await new Promise((done) => setTimeout(done, 250));
  }
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

function project(service: string, testnet = "testnet", inCanary = true): string {
  const dir = mkdtempSync(join(tmpdir(), "rg-promote-prom-"));
  writeFileSync(
    join(dir, "release-gates.yml"),
    `prometheus: { url: ${prometheus.url} }
environments:
  - name: ${testnet}
    health: { alerts: 'demo_alert{env="{{environment}}"}', traffic: 'sum(demo_requests_per_second{env="{{environment}}"})', minTraffic: 1 }
  - name: canary
    after: { ${testnet}: 1s }
    canary:
      traffic: 5
      watch: 1h
      analysis:
        interval: 1s
        count: 3
        failureLimit: 0
        metrics:
          - { name: error-rate, query: 'max(demo_error_ratio{service="${service}",variant="{{variant}}"})', max: 0.05, maxIncreasePercent: 50 }
    rollbackTo: mainnet
  - name: mainnet
    after: { canary: 1s }
`,
  );
  mkdirSync(join(dir, "release-gates"));
  const at = new Date(started).toISOString();
  writeFileSync(
    join(dir, "release-gates/ledger.ndjson"),
    ledgerLine({ time: "2026-01-01T00:00:00Z", commit: D, environment: "mainnet", event: "deployed" }) +
      ledgerLine({ time: at, commit: C, environment: testnet, event: "deployed" }) +
      (inCanary ? ledgerLine({ time: at, commit: C, environment: "canary", event: "deployed", traffic: 5 }) : ""),
  );
  return dir;
}

describe.skipIf(withoutPrometheus)("promote with a real Prometheus", () => {
  it("a healthy canary and a healthy soak let the commit move on to mainnet", async () => {
    const dir = project("healthy");
    try {
      const { promotion } = await runPromote({ cwd: dir, commit: C, now: new Date(), target: "next", record: false });
      expect(promotion).toMatchObject({ decision: "promote", environment: "mainnet", trafficPercent: 100 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a failing canary is rolled back to what mainnet runs, with the metric that failed", async () => {
    const dir = project("broken");
    try {
      const { promotion } = await runPromote({ cwd: dir, commit: C, now: new Date(), target: "next", record: true });
      expect(promotion).toMatchObject({ decision: "rollback", environment: "canary", rollbackTo: D });
      expect(promotion.reasons[1]).toMatch(/^error-rate: the canary measured 0\.25 against the stable version's 0\.01, breaking ≤ 0\.05, ≤ stable \+ 50 %/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("alerts that fired during the soak hold, and so does a soak with no traffic", async () => {
    const dir = project("healthy", "testnet-broken", false);
    try {
      const { plan } = await runPlan({ cwd: dir, commit: C, now: new Date() });
      const canary = plan.find((step) => step.environment === "canary");
      expect(canary?.decision).toBe("hold");
      expect(canary?.reasons).toEqual(
        expect.arrayContaining([
          "Alerts fired in testnet-broken while cccccccccccc soaked there: HighLatency.",
          "testnet-broken recorded no traffic while cccccccccccc soaked there: a soak without traffic is no-data, not a pass.",
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
