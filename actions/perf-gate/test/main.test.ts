import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { perfRunner } from "@release-gates/platform/gates/perf";
import { runGateAction } from "@release-gates/platform/github";
import { useInProcessRunner } from "@release-gates/test-helpers/action-runner";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { startFakeApi, startFileServer } from "@release-gates/test-helpers/http-server";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { beforeEach, describe, expect, it } from "vitest";

const run = () => runGateAction(perfRunner);

// run() in process with the real @actions/core; the bundle itself is run in test/e2e/perf.test.ts.
const corpus = (path: string) => fixturePath(`perf/${path}`);
let workspace: string;
const runner = useInProcessRunner();

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "rg-perf-action-"));
  copyFileSync(corpus("k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson"), join(workspace, "results.ndjson"));
  runner.writeEvent({ repository: { default_branch: "main" } });
});

const inputs = (values: Record<string, string>) => runner.inputs({ "working-directory": workspace, comment: "false", ...values });

describe("perf-gate action, in process", () => {
  it("compares against the baseline artifact of the default branch and publishes the outputs", async () => {
    const storage = await startFileServer(pythonZip({ "results.ndjson": readFileSync(join(workspace, "results.ndjson"), "utf8") }));
    const api = await startFakeApi(({ path }) => {
      if (path.startsWith("/repos/acme/app/actions/runs?branch=main&")) return { status: 200, body: { workflow_runs: [{ id: 3, head_sha: "3".repeat(40) }] } };
      if (path === "/repos/acme/app/actions/runs/3/artifacts?name=k6") {
        return { status: 200, body: { artifacts: [{ id: 8, name: "k6", expired: false, archive_download_url: `${api.url}/dl/8` }] } };
      }
      if (path === "/dl/8") return { status: 302, headers: { location: `${storage.url}/blob` } };
      return undefined;
    });
    try {
      inputs({
        results: "results.ndjson",
        "baseline-artifact": "k6",
        "github-token": "t",
        threshold: "http_req_duration=p(95)<20000\nchecks=rate>0.5",
        "min-vus": "5",
      });
      process.env.GITHUB_API_URL = api.url;
      await run();
    } finally {
      await api.close();
      await storage.close();
    }
    expect(process.exitCode).toBeUndefined();
    expect(runner.outputs()).toMatchObject({ status: "pass", "error-rate": "0", rps: expect.stringMatching(/^0\.12/) });
    expect(runner.stdout()).toContain("Baseline: artifact k6 of run 3/results.ndjson (commit 333333333333 on main).");
    const report = expectValidReport(JSON.parse(readFileSync(join(workspace, "release-gates/perf-report.json"), "utf8")));
    expect(report.predicate.checks.map((check) => check.id)).toContain("regression:http_req_duration");
  });

  it.each([
    [{ "min-rps": "lots" }, '::error::input min-rps: expected a number, found "lots"'],
    [{ threshold: "p(95)<500" }, '::error::input threshold: expected METRIC=EXPRESSION such as "http_req_duration=p(95)<500", found "p(95)<500"'],
    [{ "baseline-artifact": "k6", "github-token": "" }, "::error::input baseline-artifact: expected a token, the repository and a base branch"],
  ])("bad input %j fails the step with one sentence", async (values, message) => {
    inputs({ results: "results.ndjson", ...values });
    await run();
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain(message);
  });
});
