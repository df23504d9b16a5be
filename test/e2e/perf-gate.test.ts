import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseK6Summary } from "@release-gates/core/perf";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  asGitLabProject,
  COMPONENT_PROJECT,
  COMPONENT_VERSION,
  jobLog,
  node24,
  requireReleaseTree,
  requireTestTools,
  runBundledAction,
  runGitLabPipeline,
  runReleaseCli,
} from "./support.js";

/**
 * The perf gate as users get it: the action bundle, the CLI bundle and the
 * GitLab component from the release tree, on real k6 output from the corpus
 * (there is no k6 binary to be had here).
 */
const corpus = (path: string) => fixturePath(`perf/${path}`);
let repo: TestRepo;

beforeAll(() => {
  requireReleaseTree();
  requireTestTools();
  repo = createTestRepo({});
  mkdirSync(join(repo.dir, "perf"), { recursive: true });
  cpSync(corpus("k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson"), join(repo.dir, "perf/results.ndjson"));
  cpSync(corpus("k6-summary/benc-uk-k6-reporter.tests-test-data.handlesummary-data.json"), join(repo.dir, "perf/summary.json"));
  cpSync(corpus("k6-summary/mn1809-K6PerformanceTesting.k6-summary.handlesummary-data.TRIMMED-REDACTED.json"), join(repo.dir, "perf/vacuous.json"));
  const results = readFileSync(join(repo.dir, "perf/results.ndjson"), "utf8");
  writeFileSync(join(repo.dir, "perf/truncated.ndjson"), results.slice(0, results.length - 30));
  writeFileSync(join(repo.dir, "perf/aborted.json"), readFileSync(join(repo.dir, "perf/summary.json"), "utf8").slice(0, 900));
  writeFileSync(
    join(repo.dir, "release-gates.yml"),
    stringify({
      version: 1,
      gates: { perf: { thresholds: { "http_req_duration{expected_response:true}": ["p(95)<20000"] }, traffic: { minVus: 10 } } },
      environments: [{ name: "mainnet", gates: { perf: { thresholds: { "http_req_duration{expected_response:true}": ["p(95)<500"] } } } }],
    }),
  );
  repo.commit("k6 output");
});
afterAll(() => repo?.remove());

/** The bundled action on a push to the test repository, under the machine's Node. */
const onPush = (inputs: Record<string, string>) =>
  runBundledAction("perf-gate", { node: process.execPath, workspace: repo.dir, eventName: "push", event: {}, inputs });

describe("perf-gate action bundle", () => {
  for (const [label, node] of [
    ["Node 20", process.execPath],
    ["Node 24", node24],
  ] as const) {
    it(`NDJSON samples meet the policy: outputs, summary and report (${label})`, async () => {
      const result = await runBundledAction("perf-gate", {
        node,
        workspace: repo.dir,
        eventName: "push",
        event: { ref: "refs/heads/main" },
        inputs: { results: "perf/results.ndjson", comment: "false" },
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.outputs).toMatchObject({ status: "pass", "error-rate": "0", "report-path": join(repo.dir, "release-gates/perf-report.json") });
      expect(Number(result.outputs["p95-ms"])).toBeCloseTo(13525.499, 2);
      expect(result.summary).toMatch(/^## ✅ perf-gate: pass/);
      expect(result.summary).toContain("### Key metrics");
      expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/perf-report.json"), "utf8")));
    });
  }

  it("the mainnet environment is stricter and fails the same run", async () => {
    const result = await onPush({ results: "perf/results.ndjson", environment: "mainnet", comment: "false" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /::error::perf-gate failed 1 of \d+ checks: [^%]+\.%0A- http_req_duration\{expected_response:true\} p\(95\) = 13525\.499 ms \(from the samples\) breaks the policy's threshold p\(95\)<500\./,
    );
  });

  it("a bad threshold input is one sentence naming the input", async () => {
    const result = await onPush({ summary: "perf/summary.json", threshold: "http_req_duration=p95<1", comment: "false" });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::input threshold: expected a k6 threshold such as "p\(95\)<500"/m);
  });
});

describe("release-gates perf CLI bundle", () => {
  const cli = (args: string[]) => runReleaseCli(["perf", ...args], { cwd: repo.dir });

  it("a truncated NDJSON file (a run cut short) fails the gate: exit 1", async () => {
    const result = await cli(["--results", "perf/truncated.ndjson"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL +results\.complete/);
  });

  it("a summary from an aborted test (cut mid-write) is unreadable input: exit 2, one sentence", async () => {
    const result = await cli(["--summary", "perf/aborted.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^release-gates perf: perf\/aborted\.json: expected a k6 summary in JSON, found text that is not valid JSON .*truncated file\n$/,
    );
  });

  it("a results file large enough to be hashed on a second thread names the digest of its bytes, and the same samples", async () => {
    // The corpus's Point lines repeated past the 8 MiB from which the CLI hashes on a worker thread.
    const lines = readFileSync(join(repo.dir, "perf/results.ndjson"), "utf8").trimEnd().split("\n");
    const declarations = lines.filter((line) => line.includes('"type":"Metric"'));
    const points = lines.filter((line) => !line.includes('"type":"Metric"'));
    const copies = Math.ceil((9 * 1024 * 1024) / points.join("\n").length);
    const large = `${[...declarations, ...Array.from({ length: copies }, () => points).flat()].join("\n")}\n`;
    writeFileSync(join(repo.dir, "perf/large.ndjson"), large);
    const small = await cli(["--results", "perf/results.ndjson", "--report-out", join(repo.dir, "small-report.json")]);
    const result = await cli(["--results", "perf/large.ndjson", "--report-out", join(repo.dir, "large-report.json")]);
    expect(result.code, result.stderr).toBe(small.code);
    const report = JSON.parse(readFileSync(join(repo.dir, "large-report.json"), "utf8"));
    expect(report.predicate.inputs.find((input: { path: string }) => input.path === "perf/large.ndjson")?.sha256).toBe(
      createHash("sha256").update(large).digest("hex"),
    );
    const requests = (path: string) =>
      JSON.parse(readFileSync(join(repo.dir, path), "utf8")).predicate.details.rows.find(
        (row: { metric: string; stat: string }) => row.metric === "http_reqs" && row.stat === "count",
      )?.value;
    expect(requests("large-report.json")).toBe(requests("small-report.json") * copies);
  });

  it("submetrics k6 passed on zero samples fail here as no-data", async () => {
    const result = await cli(["--summary", "perf/vacuous.json"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/NO DATA \(fail\) +threshold:checks\{step:Course Library Podcast2 API\}:rate>0\.95/);
  });
});

describe.skipIf(skipWithout("rsync"))("perf-gate GitLab component", () => {
  it("runs through gitlab-ci-local and leaves GitLab's load_performance report in the legacy shape", async () => {
    const { cliPackage } = await asGitLabProject(repo);
    repo.write({
      ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/\n",
      ".gitlab-ci.yml": stringify({
        stages: ["test"],
        include: [
          {
            component: `${COMPONENT_PROJECT}/perf-gate@${COMPONENT_VERSION}`,
            inputs: {
              "cli-package": cliPackage,
              summary: "perf/summary.json",
              threshold: "http_req_duration=p(95)<500; http_req_failed=rate<0.5",
              "min-rps": "10",
            },
          },
        ],
      }),
    });
    repo.commit("pipeline");
    const result = await runGitLabPipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const log = jobLog(repo, "perf-gate");
    expect(log).toMatch(/^FAIL +threshold:checks:rate>0\.99/m);
    expect(log).toMatch(/^PASS +threshold:http_req_failed:rate<0\.5/m);
    const artifacts = join(repo.dir, ".gitlab-ci-local/artifacts/perf-gate/release-gates");
    const legacy = parseK6Summary(readFileSync(join(artifacts, "load-performance.json"), "utf8"));
    expect(legacy.shape).toBe("summary-export");
    expect(legacy.metrics.get("http_reqs")?.values).toMatchObject({ count: 878 });
    expectValidReport(JSON.parse(readFileSync(join(artifacts, "perf-report.json"), "utf8")));
  });
});
