import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { startExporter, startPrometheus } from "@release-gates/test-helpers/prometheus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPerfGate } from "../src/gates/perf.js";
import { queryResourceSamples } from "../src/promote/prometheus.js";

// A real Prometheus 2.42 from Debian on loopback, scraping a test exporter once a second.
let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
let exporter: Awaited<ReturnType<typeof startExporter>>;
let scrapes = 0;
let windowStart = 0;

const withoutPrometheus = skipWithout("prometheus");

beforeAll(async () => {
  if (withoutPrometheus) return;
  exporter = await startExporter(() => {
    scrapes += 1;
    return `sample_cpu_percent{service="sample"} ${30 + (scrapes % 3) * 20}\nsample_memory_bytes{service="sample"} ${200_000_000 + scrapes * 1_000_000}\n`;
  });
  windowStart = Date.now();
  prometheus = await startPrometheus([`127.0.0.1:${exporter.port}`]);
  // Wait for a few scrapes to land in the database.
  for (let tries = 0; tries < 100; tries += 1) {
    const samples = await queryResourceSamples({ url: prometheus.url, cpuQuery: "max(sample_cpu_percent)", stepSeconds: 1 }, windowStart, Date.now()).catch(
      () => [],
    );
    if (samples.length >= 4) break;
    await new Promise((done) => setTimeout(done, 250));
  }
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

/** NDJSON results whose points span the window Prometheus has scraped. */
function resultsFile(dir: string): string {
  const start = new Date(windowStart).toISOString();
  const end = new Date(Date.now()).toISOString();
  const lines = [
    '{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}',
    `{"metric":"http_reqs","type":"Point","data":{"time":"${start}","value":1,"tags":{}}}`,
    `{"metric":"http_reqs","type":"Point","data":{"time":"${end}","value":1,"tags":{}}}`,
  ];
  writeFileSync(join(dir, "results.ndjson"), `${lines.join("\n")}\n`);
  return "results.ndjson";
}

describe.skipIf(withoutPrometheus)("resource use from a real Prometheus", () => {
  it("a range query returns the exporter's series over the test's window", async () => {
    const samples = await queryResourceSamples(
      { url: prometheus.url, cpuQuery: "max(sample_cpu_percent)", memoryQuery: "max(sample_memory_bytes)", stepSeconds: 1 },
      windowStart,
      Date.now(),
    );
    expect(samples.length).toBeGreaterThanOrEqual(4);
    expect(samples.every((sample) => [30, 50, 70].includes(sample.cpuPercent as number))).toBe(true);
    expect(samples.every((sample) => (sample.memoryBytes ?? 0) > 200_000_000)).toBe(true);
  });

  it("the perf gate checks peak CPU and memory from Prometheus against the policy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rg-prom-"));
    try {
      const results = resultsFile(dir);
      const prom = { url: prometheus.url, cpuQuery: "max(sample_cpu_percent)", memoryQuery: "max(sample_memory_bytes)", stepSeconds: 1 };
      const strict = await runPerfGate({
        cwd: dir,
        overrides: { results, defaultThresholds: false, resources: { prometheus: prom, maxCpuPercent: 60, maxMemoryBytes: 1e9 } },
      });
      const checks = Object.fromEntries(strict.report.predicate.checks.map((check) => [check.id, check]));
      expect(checks["resources.cpu.max"]).toMatchObject({ status: "fail", measured: 70 });
      expect(checks["resources.memory.max"]).toMatchObject({ status: "pass" });
      expect(strict.report.predicate.inputs.at(-1)?.format).toBe("prometheus query_range");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a query giving several series, or bad PromQL, is a configuration error", async () => {
    await expect(
      queryResourceSamples(
        { url: prometheus.url, cpuQuery: "sample_cpu_percent or label_replace(sample_cpu_percent, 'x', 'y', '', '')", stepSeconds: 1 },
        windowStart,
        Date.now(),
      ),
    ).rejects.toThrow(/expected one series .* found 2: aggregate the query/);
    const bad = await queryResourceSamples({ url: prometheus.url, cpuQuery: "max(", stepSeconds: 1 }, windowStart, Date.now()).catch((error) => error);
    expect(bad).toBeInstanceOf(ConfigurationError);
    expect(bad.message).toMatch(/^resources\.prometheus: expected a valid PromQL query, found "max\("/);
  });
});
