import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLedger } from "@release-gates/core/promote";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { type RecordedRequest, startFakeApi, startFileServer } from "@release-gates/test-helpers/http-server";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  asGitLabProject,
  COMPONENT_PROJECT,
  COMPONENT_VERSION,
  jobLog,
  node24,
  repoRoot,
  requireReleaseTree,
  requireTestTools,
  runBundledAction,
  runGitLabPipeline,
  runReleaseCli,
} from "./support.js";

/**
 * promote as users get it, on the sample service's chain: its real gate
 * reports, its ledger, and recorded measurements of a bad canary.
 */
const B = "b7e2d94c1a3f5068e2d4c6b8a0f1e3d5c7b9a2e4";
const C = "c3d9a1e7b5f2048c6e8a0d2f4b6c8e0a1c3e5f79";
const NOW = "2026-11-26T09:00:00Z";
let repo: TestRepo;

beforeAll(() => {
  requireReleaseTree();
  requireTestTools();
  repo = createTestRepo({});
  const sample = join(repoRoot, "examples/sample-service");
  cpSync(join(sample, "release-gates.yml"), join(repo.dir, "release-gates.yml"));
  cpSync(join(sample, "release-gates"), join(repo.dir, "release-gates"), { recursive: true });
  repo.commit("chain, reports and ledger");
});
afterAll(() => repo?.remove());

describe("release-gates promote and plan, CLI bundle", () => {
  const cli = (args: string[]) => runReleaseCli(args, { cwd: repo.dir });
  const chain = ["--reports", "release-gates/reports", "--now", NOW];

  it("exit 1 and the reason when the commit must wait for its soak; exit 0 for plan", async () => {
    const wait = await cli(["promote", "--to", "next", "--commit", B, ...chain]);
    expect(wait).toMatchObject({ code: 1, stdout: expect.stringMatching(/^WAIT: wait for canary until 2026-12-07T09:00:00Z\n/) });
    const plan = await cli(["plan", "--commit", B, ...chain, "--format", "markdown"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("| canary | ⏳ wait | 5 | 2026-12-07T09:00:00Z |");
  });

  it("a bad canary is rolled back to what mainnet runs, and the rollback is recorded", async () => {
    const result = await cli([
      "promote",
      "--to",
      "next",
      "--commit",
      C,
      "--analysis",
      "release-gates/canary-analysis.json",
      "--record",
      "--dotenv-out",
      "out/promote.env",
      ...chain,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ROLLBACK: roll back canary to a1f0c3e58d2b\n/);
    expect(readFileSync(join(repo.dir, "out/promote.env"), "utf8")).toBe(
      "DECISION=rollback\nENVIRONMENT=canary\nTRAFFIC_PERCENT=0\nWAIT_UNTIL=\nROLLBACK_TO=a1f0c3e58d2b47a69e0c1d7b3f5a8e2c4b6d9f10\nREQUIRES=coverage\n",
    );
    const ledger = parseLedger(readFileSync(join(repo.dir, "release-gates/ledger.ndjson"), "utf8"));
    expect(ledger.at(-1)).toMatchObject({ commit: C, environment: "canary", event: "rolled-back" });
  });
});

describe("promote action bundle", () => {
  it("reads the gate reports from the commit's workflow run artifacts, reads and records GitHub deployments, with outputs and the chain in the summary (Node 24)", async () => {
    // B's coverage reports, uploaded by earlier workflow runs as the artifact coverage-gate-report: run 5 judged it
    // with staging's settings, run 6 with testnet's, which tighten the thresholds (only that one counts for testnet).
    const staging = JSON.parse(readFileSync(join(repo.dir, "release-gates/reports/coverage-b7e2d94.json"), "utf8"));
    const testnet = { ...staging, predicate: { ...staging.predicate, environment: "testnet", finishedAt: "2026-11-22T10:00:00Z" } };
    const runs = [
      await startFileServer(pythonZip({ "coverage-report.json": JSON.stringify(staging) })),
      await startFileServer(pythonZip({ "coverage-report.json": JSON.stringify(testnet) })),
    ];
    const deployments = [
      { id: 1, sha: B, environment: "development", created_at: "2026-11-20T09:00:00Z", payload: {} },
      { id: 2, sha: B, environment: "staging", created_at: "2026-11-21T09:00:00Z", payload: {} },
    ];
    const api = await startFakeApi(({ method, path }) => {
      const list = /^\/repos\/acme\/service\/deployments\?environment=(\w+)&per_page=100$/.exec(path);
      if (method === "GET" && list) return { status: 200, body: deployments.filter((deployment) => deployment.environment === list[1]) };
      const statuses = /^\/repos\/acme\/service\/deployments\/(\d+)\/statuses\?per_page=100$/.exec(path);
      if (method === "GET" && statuses) return { status: 200, body: [{ state: "success", created_at: deployments[Number(statuses[1]) - 1]?.created_at }] };
      if (method === "POST" && path === "/repos/acme/service/deployments") return { status: 201, body: { id: 3 } };
      if (method === "POST" && path === "/repos/acme/service/deployments/3/statuses") return { status: 201, body: { state: "success" } };
      if (path === `/repos/acme/service/actions/runs?head_sha=${B}&per_page=100`)
        return {
          status: 200,
          body: {
            total_count: 2,
            workflow_runs: [
              { id: 5, name: "coverage" },
              { id: 6, name: "coverage" },
            ],
          },
        };
      const artifacts = /^\/repos\/acme\/service\/actions\/runs\/([56])\/artifacts\?per_page=100$/.exec(path);
      if (artifacts)
        return {
          status: 200,
          body: {
            total_count: 1,
            artifacts: [{ id: Number(artifacts[1]), name: "coverage-gate-report", expired: false, archive_download_url: `${api.url}/zip/${artifacts[1]}` }],
          },
        };
      const download = /^\/zip\/([56])$/.exec(path);
      if (download) return { status: 302, headers: { location: `${runs[Number(download[1]) - 5]?.url}/blob` } };
      return undefined;
    });
    try {
      const result = await runBundledAction("promote", {
        node: node24,
        workspace: repo.dir,
        eventName: "workflow_dispatch",
        event: { inputs: { to: "next" } },
        apiUrl: api.url,
        sha: B,
        inputs: { now: NOW },
      });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain(
        "used coverage (pass, testnet settings, 2026-11-22T10:00:00Z): run 6 (coverage) artifact coverage-gate-report/coverage-report.json",
      );
      expect(result.outputs).toMatchObject({ decision: "promote", environment: "testnet", "traffic-percent": "100" });
      expect(result.summary).toMatch(/^## 🚀 promote b7e2d94c1a3f: promote to testnet at 100 %/);
      const recorded = api.requests.filter((request: RecordedRequest) => request.method === "POST");
      expect(recorded[0]?.body).toMatchObject({ ref: B, environment: "testnet", payload: { "release-gates": { event: "deployed", traffic: 100 } } });
    } finally {
      await api.close();
      for (const server of runs) await server.close();
    }
  });
});

describe.skipIf(skipWithout("rsync"))("promote GitLab component", () => {
  it("decides through gitlab-ci-local and hands the decision to later jobs as a dotenv report", async () => {
    const { cliPackage } = await asGitLabProject(repo);
    repo.write({
      ".gitignore": ".gitlab-ci-local/\n.pack/\n",
      ".gitlab-ci.yml": stringify({
        stages: ["deploy"],
        include: [
          {
            component: `${COMPONENT_PROJECT}/promote@${COMPONENT_VERSION}`,
            inputs: { "cli-package": cliPackage, reports: "release-gates/reports", record: false },
          },
        ],
        deploy: { stage: "deploy", needs: ["promote"], script: ['echo "decision=$DECISION environment=$ENVIRONMENT"'] },
      }),
    });
    repo.commit("pipeline");
    // A new commit: nothing is recorded for it, so it goes to the first environment.
    const result = await runGitLabPipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(jobLog(repo, "promote")).toMatch(/^PROMOTE: promote to development at 100 %$/m);
    expect(jobLog(repo, "deploy")).toMatch(/^decision=promote environment=development$/m);
  });
});
