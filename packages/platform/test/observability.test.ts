import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { startFakeApi } from "@release-gates/test-helpers/http-server";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { afterEach, describe, expect, it } from "vitest";
import { runObservabilityGate } from "../src/gates/observability.js";

const SAMPLE = new URL("../../../examples/sample-service/", import.meta.url).pathname;
const NO_PROMTOOL = { PATH: "/nonexistent" };
const repos: TestRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

function sampleRepo(): TestRepo {
  const repo = createTestRepo({}, SAMPLE);
  repos.push(repo);
  return repo;
}

/** Commits as of a date, so git's history says when each file last changed. */
function commitAt(repo: TestRepo, date: string, message: string): void {
  repo.git("add", "-A");
  execFileSync("git", ["commit", "-q", "--allow-empty", "-m", message], {
    cwd: repo.dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "T",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "T",
      GIT_COMMITTER_EMAIL: "t@example.com",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      HOME: repo.dir,
    },
  });
}

const statusOf = (result: Awaited<ReturnType<typeof runObservabilityGate>>, id: string) =>
  result.report.predicate.checks.find((check) => check.id === id)?.status;

describe("observability-gate on a repository", () => {
  it("the sample service passes every check; the provisioned dashboards folder is read once", async () => {
    const repo = sampleRepo();
    repo.commit("sample");
    const result = await runObservabilityGate({ cwd: repo.dir }, NO_PROMTOOL);
    expect(result.report.predicate.status).toBe("pass");
    expect(result.report.predicate.inputs.filter((input) => input.path === "monitoring/dashboards/sample.json")).toHaveLength(1);
    expect(result.report.predicate.inputs.map((input) => input.format)).toEqual(
      expect.arrayContaining(["runbook-document", "rollback-document", "incident-document", "telemetry.traces", "telemetry.logs"]),
    );
  });

  it("the runbook is stale when the rules changed after it and it is older than maxAge; a reviewed: date fixes it", async () => {
    const repo = sampleRepo();
    commitAt(repo, "2025-01-10T10:00:00Z", "monitoring and docs");
    repo.write({ "monitoring/rules/sample.rules.yml": `${readFileSync(join(repo.dir, "monitoring/rules/sample.rules.yml"), "utf8")}\n# tuned\n` });
    commitAt(repo, "2025-03-01T10:00:00Z", "tune the alerts");
    const now = new Date("2025-12-01T00:00:00Z");
    const stale = await runObservabilityGate({ cwd: repo.dir, clock: () => now }, NO_PROMTOOL);
    expect(statusOf(stale, "docs.runbook")).toBe("fail");
    expect(stale.report.predicate.findings.find((finding) => finding.id === "runbook-stale")?.message).toMatch(
      /last changed or reviewed 2025-01-10T10:00:00Z, .*; monitoring\/rules\/sample\.rules\.yml changed after it, on 2025-03-01T10:00:00Z/,
    );
    // The rollback procedure and the incident plan cover nothing by default: their age alone counts.
    expect(statusOf(stale, "docs.rollback")).toBe("fail");
    repo.write({ "docs/runbook.md": readFileSync(join(repo.dir, "docs/runbook.md"), "utf8").replace("---\n#", "reviewed: 2025-11-15\n---\n#") });
    commitAt(repo, "2025-03-01T11:00:00Z", "reviewed");
    expect(statusOf(await runObservabilityGate({ cwd: repo.dir, clock: () => now }, NO_PROMTOOL), "docs.runbook")).toBe("pass");
  });

  it("in a shallow clone git cannot date the documents: it says so instead of calling them fresh", async () => {
    const origin = sampleRepo();
    commitAt(origin, "2024-01-10T10:00:00Z", "old");
    commitAt(origin, "2025-11-20T10:00:00Z", "new");
    const clone = mkdtempSync(join(tmpdir(), "rg-shallow-"));
    try {
      execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin.dir}`, clone]);
      const result = await runObservabilityGate({ cwd: clone, clock: () => new Date("2025-12-01T00:00:00Z") }, NO_PROMTOOL);
      expect(result.report.predicate.findings.find((finding) => finding.id === "runbook-stale")?.message).toMatch(
        /the clone is shallow, so git cannot date it \(fetch-depth: 0, GIT_DEPTH: 0\)/,
      );
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it("a telemetry file the policy names must exist", async () => {
    const repo = sampleRepo();
    await expect(runObservabilityGate({ cwd: repo.dir, overrides: { telemetry: { collector: ["otel/missing.yaml"] } } }, NO_PROMTOOL)).rejects.toThrow(
      "telemetry.collector: otel/missing.yaml: expected the file the policy names, found no such file",
    );
  });

  it("a provisioning file pointing outside the repository is noted, not read", async () => {
    const repo = sampleRepo();
    repo.write({
      "monitoring/provisioning/dashboards.yaml":
        "apiVersion: 1\nproviders:\n  - name: sample\n    type: file\n    options: { path: /var/lib/grafana/dashboards }\n",
    });
    const result = await runObservabilityGate({ cwd: repo.dir }, NO_PROMTOOL);
    expect(result.report.predicate.findings.find((finding) => finding.id === "provisioned-folder-outside")?.message).toBe(
      'provider "sample" loads /var/lib/grafana/dashboards, which is not a folder of the repository: its dashboards count only if gates.observability.files includes them',
    );
  });
});

describe.skipIf(skipWithout("prometheus"))("promtool's verdict beside the grammar's", () => {
  it("rate() of an instant vector parses but is no valid query: promtool says so; a PrometheusRule manifest is checked as its rule file", async () => {
    const repo = sampleRepo();
    repo.write({
      "monitoring/rules/typo.rules.yml": "groups:\n  - name: typo\n    rules:\n      - record: job:requests:rate\n        expr: rate(http_requests_total)\n",
      "monitoring/rules/operator.yaml":
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: sample }\nspec:\n  groups:\n    - name: operator\n      rules:\n        - record: job:up:sum\n          expr: sum by (job) (up)\n",
    });
    const result = await runObservabilityGate({ cwd: repo.dir }, { PATH: process.env.PATH ?? "" });
    const rejected = result.report.predicate.findings.filter((finding) => finding.id.startsWith("promtool"));
    expect(rejected.map((finding) => [finding.id, finding.location?.path])).toEqual([["promtool-rejects", "monitoring/rules/typo.rules.yml"]]);
    expect(rejected[0]?.message).toMatch(
      /^promtool 2\.\d+\.\d+\S* rejects this file, which the PromQL grammar accepts: ".*expected type range vector in call to function \\"rate\\"/,
    );
    expect(statusOf(result, "rules.valid")).toBe("fail");
    expect((result.report.predicate.details as { promtool: { files: number } }).promtool.files).toBe(4);
  });
});

describe("observability-gate live, against Grafana's API", () => {
  const committed = JSON.parse(readFileSync(join(SAMPLE, "monitoring/dashboards/sample.json"), "utf8"));

  it("finds the committed dashboard by uid with the service-account token, and tells an edited copy from the committed one", async () => {
    let served = committed;
    const grafana = await startFakeApi((request) =>
      request.path === "/api/dashboards/uid/sample-red"
        ? { status: 200, body: { dashboard: served, meta: { slug: "sample-red", provisioned: true } } }
        : undefined,
    );
    try {
      const repo = sampleRepo();
      const run = () =>
        runObservabilityGate({ cwd: repo.dir, overrides: { live: { grafanaUrl: grafana.url } } }, { ...NO_PROMTOOL, GRAFANA_TOKEN: "glsa_test_token" });
      expect(statusOf(await run(), "live.dashboards")).toBe("pass");
      expect(grafana.requests[0]?.authorization).toBe("Bearer glsa_test_token");
      served = { ...committed, panels: committed.panels.filter((panel: { title: string }) => panel.title !== "Latency") };
      const edited = await run();
      expect(statusOf(edited, "live.dashboards")).toBe("fail");
      expect(edited.report.predicate.findings.find((finding) => finding.id === "dashboard-changed")?.message).toMatch(
        /panel "Latency" \(timeseries\): histogram_quantile/,
      );
      expect(JSON.stringify(edited.report)).not.toContain("glsa_test_token");
    } finally {
      await grafana.close();
    }
  });

  it("a dashboard without a uid is searched by title and tag; one Grafana does not have is not deployed", async () => {
    const grafana = await startFakeApi((request) => (request.path.startsWith("/api/search?") ? { status: 200, body: [] } : undefined));
    try {
      const repo = sampleRepo();
      const { uid: _uid, ...withoutUid } = committed;
      writeFileSync(join(repo.dir, "monitoring/dashboards/sample.json"), JSON.stringify(withoutUid));
      const result = await runObservabilityGate({ cwd: repo.dir, overrides: { live: { grafanaUrl: grafana.url, grafanaTag: "sample" } } }, NO_PROMTOOL);
      expect(grafana.requests.map((request) => request.path)).toEqual(["/api/search?type=dash-db&query=Sample+service+%2F+RED&tag=sample"]);
      expect(result.report.predicate.findings.find((finding) => finding.id === "dashboard-not-deployed")?.message).toBe(
        `dashboard "Sample service / RED" is not in the Grafana at ${grafana.url} (looked up by title and tag sample)`,
      );
    } finally {
      await grafana.close();
    }
  });
});
