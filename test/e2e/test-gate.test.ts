import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  asGitLabProject,
  COMPONENT_PROJECT,
  COMPONENT_VERSION,
  jobLog,
  node24,
  runBundledAction,
  runGitLabPipeline,
  runReleaseCli,
  useFakeApis,
  useTestRepos,
} from "./support.js";

const repos = useTestRepos();
const api = useFakeApis();

/** A project whose CI wrote real reports from the corpus: Go tests (passing), ESLint's SARIF (every error suppressed in source). */
function project(extra: Record<string, string> = {}): TestRepo {
  const repo = createTestRepo({
    "reports/unit/junit-report.xml": fixture("tests/junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml"),
    "lint/eslint.sarif": fixture("tests/sarif-eslint-all-suppressed-inSource.iframe-resizer.eslint-results.sarif"),
    ...extra,
  });
  repo.commit("reports");
  repos.push(repo);
  return repo;
}

describe("test-gate CLI from the release tree", () => {
  it("51 passing tests and a clean lint log pass", async () => {
    const repo = project();
    const result = await runReleaseCli(["tests", "--format", "text"], { cwd: repo.dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS +tests\.failed +0 failing tests/m);
    expect(result.stdout).toContain("all tests: 51/51 passed");
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/test-report.json"), "utf8")));
  });

  it("Playwright per browser, a crashed linter and Go build failures: exit 1, each named", async () => {
    const repo = project({
      "playwright-report/junit.xml": fixture("tests/junit-playwright-5-projects.fichap.junit.xml"),
      "reports/go/junit.xml": fixture("tests/junit-go-junit-report-v2-build-failed.013-report.xml"),
      "lint/eslint.sarif": fixture("tests/sarif-eslint-executionSuccessful-false.rosshill.eslint-results.sarif"),
      "release-gates.yml": stringify({
        version: 1,
        gates: {
          test: {
            reports: ["reports/**/*.xml", "playwright-report/junit.xml"],
            suites: ["chromium", "firefox", "webkit", "edge"].map((project) => ({ name: `e2e/${project}`, project, minTests: 4 })),
          },
        },
      }),
    });
    const result = await runReleaseCli(["tests", "--format", "text"], { cwd: repo.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('suite "e2e/edge" ran no test');
    expect(result.stdout).toContain("[build failed]");
    expect(result.stdout).toContain("a linter that did not finish is not a clean one");
  });

  it("no report at all fails (no-data); a bad flag is exit 2 naming it", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repo.commit("empty");
    repos.push(repo);
    const none = await runReleaseCli(["tests", "--format", "text"], { cwd: repo.dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/^NO DATA \(fail\) +tests\.expected-suites/m);
    const bad = await runReleaseCli(["tests", "--flaky", "sometimes"], { cwd: repo.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--flaky");
  });
});

describe("test-gate action bundle", () => {
  for (const [label, node] of [
    ["Node 20", process.execPath],
    ["Node 24", node24],
  ] as const) {
    it(`reads the build legs from this run's jobs (GitHub's documented shape) and sets its outputs (${label})`, async () => {
      const repo = project();
      const sha = repo.git("rev-parse", "HEAD");
      const documented = JSON.parse(fixture("tests/api-github-actions-list-jobs-for-workflow-run.openapi-example.job-paginated.json"));
      const job = documented.jobs[0];
      const jobs = [
        { ...job, name: "build (ubuntu-latest)", head_sha: sha },
        { ...job, id: job.id + 1, name: "build (windows-latest)", head_sha: sha, conclusion: "failure" },
      ];
      const github = await api(({ path }) =>
        path.startsWith("/repos/acme/service/actions/runs/4242/jobs") ? { status: 200, body: { total_count: jobs.length, jobs } } : undefined,
      );
      const run = await runBundledAction("test-gate", {
        node,
        workspace: repo.dir,
        event: {},
        eventName: "push",
        inputs: { comment: "false", "build-leg": "build (*)", "run-id": "4242" },
        apiUrl: github.url,
        sha,
      });
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.outputs).toMatchObject({ status: "fail", tests: "51", failed: "0", flaky: "0" });
      expect(run.summary).toContain("### Build matrix");
      expect(run.summary).toContain("| ❌ | build (*) | build (windows-latest) | failure |");
      expect(github.requests[0]?.path).toBe("/repos/acme/service/actions/runs/4242/jobs?filter=latest&per_page=100&page=1");
    });
  }
});

describe.skipIf(skipWithout("rsync"))("test-gate GitLab component", () => {
  it("reads the reports and the pipeline's jobs (GitLab's documented shape) through gitlab-ci-local, and keeps the report", async () => {
    const repo = project();
    const sha = repo.git("rev-parse", "HEAD");
    const documented = JSON.parse(fixture("tests/api-gitlab-list-pipeline-jobs.docs-example.json"));
    const jobs = documented.map((job: { commit: object }, index: number) => ({
      ...job,
      name: index === 0 ? "build:linux" : "build:windows",
      status: "success",
      commit: { ...job.commit, id: sha },
    }));
    const gitlab = await api(({ path }) => (path.startsWith("/api/v4/projects/42/pipelines/77/jobs") ? { status: 200, body: jobs } : undefined));
    const { cliPackage } = await asGitLabProject(repo);
    repo.write({
      ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/\n",
      ".gitlab-ci.yml": stringify({
        stages: ["test"],
        include: [{ component: `${COMPONENT_PROJECT}/test-gate@${COMPONENT_VERSION}`, inputs: { "cli-package": cliPackage, "build-leg": "build:*" } }],
      }),
    });
    repo.commit("pipeline");
    const result = await runGitLabPipeline(repo, {
      CI_API_V4_URL: `${gitlab.url}/api/v4`,
      CI_PROJECT_ID: "42",
      CI_PIPELINE_ID: "77",
      CI_JOB_TOKEN: "job-token",
    });
    expect(result.code, result.stdout + result.stderr).not.toBe(0);
    // The pipeline's jobs ran for the commit before the pipeline file was added: evidence for another commit.
    expect(jobLog(repo, "test-gate")).toMatch(/^PASS +build\.matrix/m);
    expect(jobLog(repo, "test-gate")).toMatch(/^FAIL +build\.same-sha/m);
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, ".gitlab-ci-local/artifacts/test-gate/release-gates/test-report.json"), "utf8")));
  });
});
