import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useInProcessRunner } from "@release-gates/test-helpers/action-runner";
import { type RecordedRequest, startFakeApi } from "@release-gates/test-helpers/http-server";
import { beforeEach, describe, expect, it } from "vitest";
import { run } from "../src/main.js";

// run() in process with the real @actions/core, on the sample service's chain, reports and ledger.
const B = "b7e2d94c1a3f5068e2d4c6b8a0f1e3d5c7b9a2e4";
const sample = new URL("../../../examples/sample-service", import.meta.url).pathname;
let workspace: string;
const runner = useInProcessRunner();

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), "rg-promote-action-"));
  cpSync(join(sample, "release-gates.yml"), join(workspace, "release-gates.yml"));
  cpSync(join(sample, "release-gates"), join(workspace, "release-gates"), { recursive: true });
});

/** Commit B to the next environment of the sample's chain, with its ledger as the history. */
const onTheLedger = (record: string) => ({
  "working-directory": workspace,
  history: "ledger",
  commit: B,
  to: "next",
  "reports-from": "directory",
  reports: "release-gates/reports",
  now: "2026-11-26T09:00:00Z",
  record,
});

describe("promote action, in process", () => {
  it("with the ledger as history: a wait decision with its outputs and the chain in the summary", async () => {
    runner.inputs(onTheLedger("true"));
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(runner.outputs()).toMatchObject({ decision: "wait", environment: "canary", "traffic-percent": "5", "rollback-to": "" });
    expect(runner.outputs()["wait-until"]).toBe("2026-12-07T09:00:00Z");
    expect(runner.summary()).toMatch(/^## ⏳ promote b7e2d94c1a3f: wait for canary until 2026-12-07T09:00:00Z/);
    expect(runner.summary()).toContain("```mermaid");
  });

  it("a report's text that reads as a workflow command is shown, never obeyed", async () => {
    const path = join(workspace, "release-gates/reports/coverage-b7e2d94.json");
    const report = JSON.parse(readFileSync(path, "utf8"));
    report.predicate.checks[0].status = "fail";
    report.predicate.status = "fail";
    report.predicate.summary = "failed\n::add-mask::ghp_not_a_real_token\n  ::stop-commands::pwned\n##[set-env name=X]y";
    writeFileSync(path, JSON.stringify(report));
    runner.inputs(onTheLedger("false"));
    await run();
    expect(runner.outputs().decision).toBe("hold");
    const printed = runner.stdout();
    const token = /^::stop-commands::([\w-]+)$/m.exec(printed)?.[1];
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const start = printed.indexOf(`::stop-commands::${token}`);
    const end = printed.indexOf(`::${token}::`);
    // Every line that reads as a command sits between the stop and its resume token.
    for (const line of ["::add-mask::ghp_not_a_real_token", "  ::stop-commands::pwned", "##[set-env name=X]y"]) {
      const at = printed.indexOf(line);
      expect(at).toBeGreaterThan(start);
      expect(at).toBeLessThan(end);
    }
  });

  it("with GitHub deployments as history: a new commit is promoted and recorded as a deployment", async () => {
    const C = "e".repeat(40);
    const api = await startFakeApi(({ method, path }) => {
      if (method === "GET" && path.startsWith("/repos/acme/app/deployments?environment=")) return { status: 200, body: [] };
      // Reports come from the commit's workflow runs: none yet, and development requires none.
      if (method === "GET" && path === `/repos/acme/app/actions/runs?head_sha=${C}&per_page=100`)
        return { status: 200, body: { total_count: 0, workflow_runs: [] } };
      if (method === "POST" && path === "/repos/acme/app/deployments") return { status: 201, body: { id: 5 } };
      if (method === "POST" && path === "/repos/acme/app/deployments/5/statuses") return { status: 201, body: { state: "success" } };
      return undefined;
    });
    try {
      runner.inputs({
        "working-directory": workspace,
        history: "github",
        "github-token": "t",
        commit: C,
        to: "next",
        now: "2026-11-26T09:00:00Z",
        record: "true",
      });
      process.env.GITHUB_API_URL = api.url;
      await run();
    } finally {
      await api.close();
    }
    expect(runner.outputs()).toMatchObject({ decision: "promote", environment: "development", "traffic-percent": "100" });
    expect(api.requests.filter((request: RecordedRequest) => request.method === "POST").map((request) => request.path)).toEqual([
      "/repos/acme/app/deployments",
      "/repos/acme/app/deployments/5/statuses",
    ]);
  });

  it("a token without deployments: write says so instead of reporting a bug", async () => {
    const api = await startFakeApi(({ method }) =>
      method === "GET" ? { status: 200, body: [] } : { status: 403, body: { message: "Resource not accessible by integration" } },
    );
    try {
      runner.inputs({
        "working-directory": workspace,
        history: "github",
        "github-token": "t",
        commit: "e".repeat(40),
        now: "2026-11-26T09:00:00Z",
        record: "true",
      });
      process.env.GITHUB_API_URL = api.url;
      await run();
    } finally {
      await api.close();
    }
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain(
      "::error::GitHub API POST /repos/acme/app/deployments answered 403: Resource not accessible by integration: the token lacks deployments: write, or the repository is not reachable with it.",
    );
  });

  it("half a break-glass request is refused in one sentence", async () => {
    runner.inputs({ "working-directory": workspace, history: "ledger", "reports-from": "directory", commit: B, "override-reason": "hotfix", record: "false" });
    await run();
    expect(process.exitCode).toBe(1);
    expect(runner.stdout()).toContain(
      "::error::inputs: expected all of override-reason, requested-by, approved-by, override-expires for a break-glass override, found only override-reason",
    );
    expect(readFileSync(join(workspace, "release-gates/ledger.ndjson"), "utf8")).not.toContain("hotfix");
  });
});
