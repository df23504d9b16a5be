import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseK6Summary } from "@release-gates/core/perf";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const corpus = (path: string) => fixturePath(`perf/${path}`);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rg-perf-"));
  copyFileSync(corpus("k6-summary/benc-uk-k6-reporter.tests-test-data.handlesummary-data.json"), join(dir, "summary.json"));
  copyFileSync(corpus("k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson"), join(dir, "results.ndjson"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { cwd: dir, env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("release-gates perf, in process", () => {
  it("a Prometheus that refuses connections is exit 4, one sentence naming the policy's setting; a report is not written", async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const result = await cli(["perf", "--results", "results.ndjson", "--prometheus-url", `http://127.0.0.1:${port}`, "--cpu-query", "up"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      "release-gates perf: Prometheus API GET /api/v1/query_range could not be used: the connection was refused (check prometheus-url, or resources.prometheus.url in the policy, or try again later).\n",
    );
    expect(existsSync(join(dir, "release-gates/perf-report.json"))).toBe(false);
  });

  it("a handleSummary with 40 % failed requests fails on the default threshold, and says so", async () => {
    const result = await cli(["perf", "--summary", "summary.json", "--threshold", "http_req_duration=p(95)<500"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL +threshold:http_req_failed:rate<0\.01 +0\.397/);
    expect(result.stdout).toMatch(/PASS +threshold:http_req_duration:p\(95\)<500 +30\.026 ms/);
    expect(result.stdout).toContain("p(95) 30.03 ms, errors 39.75 %, 35.95 req/s");
    expectValidReport(JSON.parse(readFileSync(join(dir, "release-gates/perf-report.json"), "utf8")));
  });

  it("NDJSON samples decide, thresholds may hold spaces and tag filters, and the GitLab report is the legacy shape", async () => {
    const result = await cli([
      "perf",
      "--results",
      "results.ndjson",
      "--threshold",
      "http_req_duration{expected_response:true}=p(95) < 20000",
      "--threshold",
      "iteration_duration=med<10000; http_reqs=count>=2",
      "--min-vus",
      "10",
      "--format",
      "json",
      "--load-performance-out",
      "out/load-performance.json",
      "--summary-out",
      "out/summary.md",
    ]);
    const report = expectValidReport(JSON.parse(result.stdout));
    expect(result.code).toBe(0);
    expect(report.predicate.checks.map((check) => [check.id, check.status])).toEqual([
      ["threshold:http_req_duration{expected_response:true}:p(95)<20000", "pass"],
      ["threshold:iteration_duration:med<10000", "pass"],
      ["threshold:http_reqs:count>=2", "pass"],
      ["threshold:http_req_failed:rate<0.01", "pass"],
      ["threshold:checks:rate>0.99", "pass"],
      ["traffic.vus", "pass"],
    ]);
    const legacy = parseK6Summary(readFileSync(join(dir, "out/load-performance.json"), "utf8"));
    expect(legacy.shape).toBe("summary-export");
    expect(legacy.metrics.get("http_reqs")?.values.count).toBe(2);
    expect(readFileSync(join(dir, "out/summary.md"), "utf8")).toContain("### Key metrics");
  });

  it("a baseline is read as NDJSON or summary by its content", async () => {
    writeFileSync(join(dir, "baseline.txt"), readFileSync(join(dir, "results.ndjson")));
    const result = await cli(["perf", "--results", "results.ndjson", "--baseline", "baseline.txt", "--format", "json"]);
    const report = expectValidReport(JSON.parse(result.stdout));
    expect(report.predicate.inputs.map((input) => input.format)).toEqual(["k6-ndjson", "baseline k6-ndjson"]);
    // Two samples on each side: too few for a test, so the summary bound decides: unchanged.
    expect(report.predicate.checks.find((check) => check.id === "regression:http_req_duration")).toMatchObject({ status: "pass", measured: 0 });
  });

  it.each([
    [["perf", "--summary", "summary.json", "--threshold", "http_req_duration:p(95)<500"], /^release-gates perf: --threshold: expected METRIC=EXPRESSION/],
    [["perf", "--summary", "summary.json", "--threshold", "http_req_duration=p95<500"], /percentiles are written p\(95\)/],
    [["perf", "--summary", "missing.json"], /^release-gates perf: missing\.json: expected a k6 end-of-test summary \(JSON\), found no such file\n$/],
    [
      ["perf", "--results", "summary.json"],
      /^release-gates perf: summary\.json, line 1: expected one JSON object per line \(k6 --out json\), found "\{" \(a pretty-printed JSON document: is this the end-of-test summary\?\)/,
    ],
    [["perf", "--min-rps", "fast"], /--min-rps: expected a number/],
  ])("%j is a usage error", async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("no k6 output at all fails closed", async () => {
    const result = await cli(["perf"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("No k6 output was given");
  });
});
