import { readFileSync } from "node:fs";
import { join } from "node:path";
import { coverageRunner } from "@release-gates/platform/gates/coverage";
import { runGateAction } from "@release-gates/platform/github";
import { useInProcessRunner } from "@release-gates/test-helpers/action-runner";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { startFakeApi, startFileServer } from "@release-gates/test-helpers/http-server";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { afterEach, describe, expect, it } from "vitest";

const run = () => runGateAction(coverageRunner);

// run() in process with the real @actions/core: inputs from INPUT_* variables,
// outputs and summary in real files. The bundle itself is run in test/e2e.
let repo: TestRepo;
const runner = useInProcessRunner();
afterEach(() => repo?.remove());

const inputs = runner.inputs;

describe("coverage-gate action, in process", () => {
  it("on a fork's pull request the comment is refused: it warns, keeps the summary and does not fail for it", async () => {
    repo = createTestRepo({ "src/a.ts": "1\n2\n", "coverage/lcov.info": "SF:src/a.ts\nDA:1,1\nDA:2,1\nend_of_record\n" });
    const base = repo.commit("base");
    repo.write({ "src/a.ts": "1\n2 changed\n" });
    const head = repo.commit("head");
    const api = await startFakeApi(({ method }) =>
      method === "GET" ? { status: 200, body: [] } : { status: 403, body: { message: "Resource not accessible by integration" } },
    );
    try {
      runner.writeEvent({
        pull_request: { number: 3, base: { sha: base, ref: "main", repo: { full_name: "acme/app" } }, head: { sha: head, repo: { full_name: "fork/app" } } },
      });
      inputs({ "working-directory": repo.dir, "github-token": "t", comment: "true", "report-out": "out/report.json" });
      process.env.GITHUB_API_URL = api.url;
      await run();
    } finally {
      await api.close();
    }
    expect(process.exitCode).toBeUndefined();
    expect(runner.outputs()).toMatchObject({ status: "pass", lines: "100", "patch-coverage": "100", "report-path": join(repo.dir, "out/report.json") });
    expect(expectValidReport(JSON.parse(readFileSync(join(repo.dir, "out/report.json"), "utf8"))).subject[0]?.digest).toEqual({ gitCommit: head });
    expect(runner.stdout()).toMatch(/::warning::Could not comment on pull request #3: pull requests from forks get a read-only token \(403\)/);
    expect(runner.summary()).toMatch(/could not be posted as a pull request comment \(pull requests from forks get a read-only token\)/);
  });

  it("on a push, the drop check reads the default branch's report from its latest artifact", async () => {
    repo = createTestRepo({ "src/a.ts": "1\n2\n", "coverage/lcov.info": "SF:src/a.ts\nDA:1,1\nDA:2,0\nend_of_record\n" });
    repo.commit("x");
    const storage = await startFileServer(pythonZip({ "lcov.info": "SF:src/a.ts\nDA:1,1\nDA:2,1\nend_of_record\n" }));
    const api = await startFakeApi(({ path }) => {
      if (path.startsWith("/repos/acme/app/actions/runs?branch=trunk&")) return { status: 200, body: { workflow_runs: [{ id: 9, head_sha: "9".repeat(40) }] } };
      if (path === "/repos/acme/app/actions/runs/9/artifacts?name=coverage")
        return { status: 200, body: { artifacts: [{ id: 5, name: "coverage", expired: false, archive_download_url: `${api.url}/dl/5` }] } };
      if (path === "/dl/5") return { status: 302, headers: { location: `${storage.url}/blob` } };
      return undefined;
    });
    try {
      runner.writeEvent({ ref: "refs/heads/trunk", repository: { default_branch: "trunk" } });
      inputs({ "working-directory": repo.dir, "github-token": "t", "base-artifact": "coverage", threshold: "lines=50", comment: "false" });
      process.env.GITHUB_API_URL = api.url;
      await run();
    } finally {
      await api.close();
      await storage.close();
    }
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain(`Base coverage report: artifact coverage of run 9/lcov.info (commit 999999999999 on trunk).`);
    expect(runner.summary()).toContain("| lines | 1 / 2 | 50 % | 100 % | -50 |");
  });

  it("a bad input fails the step with one sentence naming the input", async () => {
    repo = createTestRepo({ "a.txt": "x\n" });
    repo.commit("x");
    inputs({ "working-directory": repo.dir, "patch-threshold": "eighty", comment: "false" });
    await run();
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain('::error::input patch-threshold: expected a number, found "eighty"');
  });

  it("a working directory that does not exist is a configuration error", async () => {
    inputs({ "working-directory": "/nonexistent/dir", comment: "false" });
    await run();
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain("::error::input working-directory: expected an existing directory, found nothing at /nonexistent/dir");
  });

  it("inputs the step leaves out are their action.yml defaults, never a crash (no INPUT_COMMENT, no INPUT_REPORT-OUT)", async () => {
    repo = createTestRepo({ "src/a.ts": "1\n", "coverage/lcov.info": "SF:src/a.ts\nDA:1,1\nend_of_record\n" });
    repo.commit("x");
    inputs({ "working-directory": repo.dir });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(runner.outputs()).toMatchObject({ status: "pass", "report-path": join(repo.dir, "release-gates/coverage-report.json") });
  });
});
