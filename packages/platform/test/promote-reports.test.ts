import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReport, type Check } from "@release-gates/core";
import { startFakeApi, startFileServer } from "@release-gates/test-helpers/http-server";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubClient } from "../src/github/client.js";
import { GitLabClient } from "../src/gitlab/client.js";
import { GitHubArtifactReports, GitLabArtifactReports } from "../src/promote/reports.js";
import { runPromote } from "../src/promote/run.js";

const C = "c".repeat(40);
const OTHER = "d".repeat(40);

function coverageReport(commit: string, status: Check["status"], finishedAt: string) {
  return buildReport({
    gate: "coverage-gate",
    subject: [{ name: "acme/app", digest: { gitCommit: commit } }],
    checks: [{ id: "global.lines", status, measured: status === "pass" ? 91 : 40, threshold: 80, message: `lines ${status}` }],
    findings: [],
    details: {},
    inputs: [],
    policy: {},
    startedAt: new Date(Date.parse(finishedAt) - 60_000),
    finishedAt: new Date(finishedAt),
  });
}

/** An artifact's zip, as actions/upload-artifact writes it: the report file inside. */
const artifact = (report: unknown) => pythonZip({ "coverage-report.json": JSON.stringify(report), "coverage-summary.md": "# coverage" });

type Servers = { close(): Promise<void> }[];
let servers: Servers;
let dir: string;
beforeEach(() => {
  servers = [];
  dir = mkdtempSync(join(tmpdir(), "rg-promote-reports-"));
  writeFileSync(join(dir, "release-gates.yml"), "version: 1\nenvironments:\n  - name: staging\n    requires: [coverage]\n");
});
afterEach(async () => {
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function serveFile(bytes: Buffer) {
  const server = await startFileServer(bytes);
  servers.push(server);
  return server;
}

describe("gate reports from the artifacts of the commit's GitHub workflow runs", () => {
  async function github() {
    // Two earlier runs for the commit: the first failed its coverage gate, the re-run passed. An
    // artifact of the re-run also carries a report of another commit (uploaded from a stale directory).
    const failed = await serveFile(artifact(coverageReport(C, "fail", "2026-11-20T10:00:00Z")));
    const passed = await serveFile(artifact(coverageReport(C, "pass", "2026-11-20T11:00:00Z")));
    const stale = await serveFile(pythonZip({ "old/coverage-report.json": JSON.stringify(coverageReport(OTHER, "pass", "2026-11-20T12:00:00Z")) }));
    const api = await startFakeApi(({ path }) => {
      if (path === `/repos/acme/app/actions/runs?head_sha=${C}&per_page=100`)
        return {
          status: 200,
          body: {
            total_count: 2,
            workflow_runs: [
              { id: 11, name: "ci", run_attempt: 1 },
              { id: 12, name: "ci", run_attempt: 2 },
            ],
          },
        };
      const runArtifacts = (id: number, names: string[]) => ({
        status: 200,
        body: {
          total_count: names.length,
          artifacts: names.map((name, index) => ({ id: id * 10 + index, name, expired: false, archive_download_url: `${api.url}/download/${id}/${name}` })),
        },
      });
      if (path === "/repos/acme/app/actions/runs/11/artifacts?per_page=100") return runArtifacts(11, ["coverage-gate-report", "build-output"]);
      if (path === "/repos/acme/app/actions/runs/12/artifacts?per_page=100") return runArtifacts(12, ["coverage-gate-report", "stale-report"]);
      if (path === "/download/11/coverage-gate-report") return { status: 302, headers: { location: `${failed.url}/blob` } };
      if (path === "/download/12/coverage-gate-report") return { status: 302, headers: { location: `${passed.url}/blob` } };
      if (path === "/download/12/stale-report") return { status: 302, headers: { location: `${stale.url}/blob` } };
      return undefined;
    });
    servers.push(api);
    return { api, source: new GitHubArtifactReports(new GitHubClient(api.url, "ghs_token", { retryDelayMs: 1 }), "acme/app", "*-report") };
  }

  it("reads every matching artifact of every run, naming where each report came from", async () => {
    const { api, source } = await github();
    const { reports } = await source.read(C);
    expect(reports.map((found) => found.source)).toEqual([
      "run 11 (ci) artifact coverage-gate-report/coverage-report.json",
      "run 12 (ci) artifact coverage-gate-report/coverage-report.json",
      "run 12 (ci) artifact stale-report/old/coverage-report.json",
    ]);
    // build-output does not match *-report: never downloaded.
    expect(api.requests.map((request) => request.path)).not.toContain("/download/11/build-output");
  });

  it("promote decides on the re-run's report: the failed run is superseded, the other commit's report does not count", async () => {
    const { source } = await github();
    const { promotion } = await runPromote({ cwd: dir, commit: C, now: new Date("2026-11-21T00:00:00Z"), target: "next", record: false, reports: source });
    expect(promotion.decision).toBe("promote");
    expect(promotion.evidence).toEqual([
      {
        gate: "coverage",
        source: "run 12 (ci) artifact coverage-gate-report/coverage-report.json",
        environment: undefined,
        finishedAt: "2026-11-20T11:00:00.000Z",
        status: "pass",
      },
    ]);
  });

  it("no matching artifact is a hold that says where it looked", async () => {
    const api = await startFakeApi(({ path }) =>
      path.startsWith("/repos/acme/app/actions/runs?head_sha=") ? { status: 200, body: { total_count: 0, workflow_runs: [] } } : undefined,
    );
    servers.push(api);
    const source = new GitHubArtifactReports(new GitHubClient(api.url, "t"), "acme/app", "*-report");
    const { promotion } = await runPromote({ cwd: dir, commit: C, now: new Date("2026-11-21T00:00:00Z"), target: "next", record: false, reports: source });
    expect(promotion).toMatchObject({
      decision: "hold",
      reasons: [
        "No coverage report for cccccccccccc: run the coverage gate on this commit before promoting to staging (no artifact named *-report was found in the 0 workflow runs for the commit).",
      ],
    });
  });
});

describe("gate reports from the artifacts of the commit's GitLab pipelines", () => {
  it("reads the artifacts of the jobs named like the gates in every pipeline for the commit", async () => {
    const passed = await serveFile(artifact(coverageReport(C, "pass", "2026-11-20T11:00:00Z")));
    const api = await startFakeApi(({ path }) => {
      if (path === `/api/v4/projects/42/pipelines?sha=${C}&per_page=100`)
        return {
          status: 200,
          body: [
            { id: 7, sha: C },
            { id: 6, sha: C },
          ],
        };
      if (path === "/api/v4/projects/42/pipelines/7/jobs?per_page=100")
        return {
          status: 200,
          body: [
            { id: 70, name: "coverage-gate", artifacts_file: { filename: "artifacts.zip" } },
            { id: 71, name: "unit-tests", artifacts_file: { filename: "artifacts.zip" } },
          ],
        };
      if (path === "/api/v4/projects/42/pipelines/6/jobs?per_page=100") return { status: 200, body: [{ id: 60, name: "coverage-gate", artifacts_file: null }] };
      if (path === "/api/v4/projects/42/jobs/70/artifacts") return { status: 302, headers: { location: `${passed.url}/blob` } };
      return undefined;
    });
    servers.push(api);
    const source = new GitLabArtifactReports(new GitLabClient(`${api.url}/api/v4`, "glpat-token", "private-token", { retryDelayMs: 1 }), "42", "*-gate");
    const { reports } = await source.read(C);
    expect(reports.map((found) => found.source)).toEqual(["pipeline 7 job coverage-gate/coverage-report.json"]);
    expect(api.requests.every((request) => !request.path.includes("/jobs/71/"))).toBe(true);
    const { promotion } = await runPromote({ cwd: dir, commit: C, now: new Date("2026-11-21T00:00:00Z"), target: "next", record: false, reports: source });
    expect(promotion.decision).toBe("promote");
  });
});
