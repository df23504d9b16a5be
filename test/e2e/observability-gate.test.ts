import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { beforeAll, describe, expect, it } from "vitest";
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
  useTestRepos,
} from "./support.js";

/**
 * The observability gate as users get it: the CLI bundle, the action bundle
 * and the GitLab component from the release tree, on the sample service
 * (complete) and on the monitoring mixins and Sloth's example from the corpus.
 */
const SAMPLE = new URL("../../examples/sample-service/", import.meta.url).pathname;
const repos = useTestRepos();

beforeAll(() => {
  requireReleaseTree();
  requireTestTools();
});

function sampleService(): TestRepo {
  const repo = createTestRepo({}, SAMPLE);
  repo.commit("the sample service");
  repos.push(repo);
  return repo;
}

/** A repository with the corpus's mixins and Sloth's example, and no documents or telemetry. */
function mixins(): TestRepo {
  const repo = createTestRepo({});
  cpSync(fixturePath("observability/prometheus-rules"), join(repo.dir, "monitoring/rules"), { recursive: true });
  cpSync(fixturePath("observability/grafana-dashboards"), join(repo.dir, "monitoring/dashboards"), { recursive: true });
  cpSync(fixturePath("observability/slo"), join(repo.dir, "monitoring/slo"), { recursive: true });
  rmSync(join(repo.dir, "monitoring/slo/sloth-alertwindows-custom-30d.yaml"));
  repo.commit("mixins");
  repos.push(repo);
  return repo;
}

const cli = (repo: TestRepo, ...args: string[]) => runReleaseCli(["observability", ...args], { cwd: repo.dir });
const report = (repo: TestRepo) => JSON.parse(readFileSync(join(repo.dir, "release-gates/observability-report.json"), "utf8"));

describe("observability-gate CLI bundle", () => {
  it("the sample service passes: SLO alerts, RED dashboard, documents and telemetry all in place", async () => {
    const repo = sampleService();
    const result = await cli(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS +alerts\.slo +1 of 1 alerted/m);
    expect(result.stdout).toContain("2 rule files, 4 alerts, 1 SLO, 1 dashboard");
    expectValidReport(report(repo));
  });

  it("the mixins fail with the reasons, exit 1; the report lists what is missing", async () => {
    const repo = mixins();
    const result = await cli(repo, "--runbook-url-prefix", "https://github.com/kubernetes-monitoring/kubernetes-mixin/");
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^PASS +rules\.valid/m);
    expect(result.stdout).toMatch(/^WARN +alerts\.slo/m);
    expect(result.stdout).toMatch(/^FAIL +alerts\.hygiene/m);
    expect(report(repo).predicate.details.missing).toEqual([
      "alerts.hygiene",
      "dashboards.red",
      "docs.runbook",
      "docs.rollback",
      "docs.incident",
      "telemetry.traces",
      "telemetry.logs",
    ]);
  });

  it("a bad flag is the user's mistake: exit 2, one sentence", async () => {
    const repo = sampleService();
    const result = await cli(repo, "--slo-period", "a month");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--slo-period: expected a duration such as 30m, 24h or 14d/);
  });
});

describe("observability-gate action bundle", () => {
  for (const [label, node] of [
    ["Node 20", process.execPath],
    ["Node 24", node24],
  ] as const) {
    it(`the sample service: outputs, the summary's SLO table and RED matrix (${label})`, async () => {
      const repo = sampleService();
      const run = await runBundledAction("observability-gate", { node, workspace: repo.dir, event: {}, eventName: "push", inputs: { comment: "false" } });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.outputs).toMatchObject({ status: "pass", slos: "1", alerts: "4", missing: "" });
      expect(run.summary).toContain("### SLOs and their burn-rate alerts (1)");
      expect(run.summary).toContain("| `http_requests_total` | ✅ | ✅ | ✅ | ✅ 1 | ✅ 2 | ❌ |");
      expect(run.summary).toContain("- Verified live: nothing");
    });
  }

  it("the mixins: status fail, the missing checks as an output", async () => {
    const repo = mixins();
    const run = await runBundledAction("observability-gate", {
      node: process.execPath,
      workspace: repo.dir,
      event: {},
      eventName: "push",
      inputs: { comment: "false" },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe("fail");
    expect(run.outputs.missing).toContain("docs.runbook");
    expect(run.outputs.slos).toBe("2");
    expect(run.outputs.alerts).toBe("102");
  });
});

describe.skipIf(skipWithout("rsync"))("observability-gate GitLab component", () => {
  it("runs through gitlab-ci-local with the full history (GIT_DEPTH 0) and keeps the report", async () => {
    const repo = sampleService();
    const { cliPackage } = await asGitLabProject(repo);
    repo.write({
      ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/\n",
      ".gitlab-ci.yml": stringify({
        stages: ["test"],
        include: [{ component: `${COMPONENT_PROJECT}/observability-gate@${COMPONENT_VERSION}`, inputs: { "cli-package": cliPackage } }],
      }),
    });
    repo.commit("pipeline");
    const result = await runGitLabPipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(jobLog(repo, "observability-gate")).toMatch(/^PASS +dashboards\.red +rate, errors, duration/m);
    expectValidReport(
      JSON.parse(readFileSync(join(repo.dir, ".gitlab-ci-local/artifacts/observability-gate/release-gates/observability-report.json"), "utf8")),
    );
  });
});
