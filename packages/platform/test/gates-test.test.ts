import { fixture } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { startFakeApi, startFileServer } from "@release-gates/test-helpers/http-server";
import { afterAll, describe, expect, it } from "vitest";
import { runTestGate, testRunner } from "../src/gates/test.js";
import { GitHubClient } from "../src/github/client.js";

const repos: TestRepo[] = [];
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const repo of repos) repo.remove();
  for (const server of servers) await server.close();
});

function project(files: Record<string, string>): TestRepo {
  const repo = createTestRepo(files);
  repo.commit("reports");
  repos.push(repo);
  return repo;
}

const gitlabContext = (apiUrl: string) => ({
  projectPath: "acme/app",
  commitSha: undefined,
  mergeRequestDiffBaseSha: undefined,
  mergeRequestIid: "4",
  baseBranch: "main",
  apiUrl,
  projectId: "42",
  jobToken: "job-token",
});

describe("the test gate's pipeline", () => {
  it("a file under the report globs that is not a test report is left out and said; the test reports are read", async () => {
    const repo = project({
      "test-results/junit.xml": fixture("tests/junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml"),
      "test-results/coverage.xml": '<?xml version="1.0"?>\n<coverage line-rate="0.5"></coverage>\n',
    });
    const logged: string[] = [];
    const { report } = await runTestGate({ cwd: repo.dir, overrides: { lint: { required: false } }, log: (message) => logged.push(message) });
    expect(report.predicate.status).toBe("pass");
    expect(report.predicate.inputs.map((input) => input.path)).toEqual(["test-results/junit.xml"]);
    expect(logged).toEqual(["test-results/coverage.xml is not a test report (no <testsuites>, <testsuite> or <TestRun> at its start): left out."]);
  });

  it("GitLab: the base branch's results from a job's artifacts; a test that passed there and is gone now is a regression", async () => {
    const repo = project({ "reports/junit.xml": fixture("tests/junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml") });
    const artifacts = await startFileServer(Buffer.from(fixture("tests/junit-gradle-test-retry-passed-on-3rd.TEST-org.test.sample.FlakyTestSuite.xml")));
    servers.push(artifacts);
    const result = await testRunner.run(
      {
        cwd: repo.dir,
        values: { "base-artifact-job": "unit-tests", "base-artifact-path": "reports/junit.xml" },
        overrides: { lint: { required: false } },
      },
      { kind: "gitlab", log: () => {}, context: gitlabContext(`${artifacts.url}/api/v4`) },
    );
    expect(result.report.predicate.checks.find((check) => check.id === "tests.regression")?.status).toBe("fail");
    expect(artifacts.requests[0]?.path).toBe("/api/v4/projects/42/jobs/artifacts/main/raw/reports/junit.xml?job=unit-tests");
  });

  it("GitLab refusing the pipeline's jobs (403): the build matrix is no-data with what the token needs", async () => {
    const repo = project({ "reports/junit.xml": fixture("tests/junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml") });
    const gitlab = await startFakeApi(() => ({ status: 403, body: { message: "403 Forbidden" } }));
    servers.push(gitlab);
    const previous = process.env.CI_PIPELINE_ID;
    process.env.CI_PIPELINE_ID = "77";
    try {
      const result = await testRunner.run(
        { cwd: repo.dir, values: {}, overrides: { lint: { required: false }, build: { legs: ["build:*"] } } },
        { kind: "gitlab", log: () => {}, context: gitlabContext(`${gitlab.url}/api/v4`) },
      );
      expect(result.report.predicate.checks.find((check) => check.id === "build.matrix")?.message).toBe(
        "The CI jobs could not be read: GitLab API GET /projects/42/pipelines/77/jobs answered 403: 403 Forbidden (listing a pipeline's jobs needs read_api: set RELEASE_GATES_GITLAB_TOKEN).",
      );
    } finally {
      if (previous === undefined) delete process.env.CI_PIPELINE_ID;
      else process.env.CI_PIPELINE_ID = previous;
    }
  });

  it("GitHub: the run's jobs across pages (filter=latest), every leg for this commit", async () => {
    const repo = project({ "reports/junit.xml": fixture("tests/junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml") });
    const sha = repo.git("rev-parse", "HEAD");
    const documented = JSON.parse(fixture("tests/api-github-actions-list-jobs-for-workflow-run.openapi-example.job-paginated.json")).jobs[0];
    const jobs = Array.from({ length: 150 }, (_, index) => ({ ...documented, id: index, name: `build (shard ${index})`, head_sha: sha }));
    const github = await startFakeApi(({ path }) => {
      const page = Number(/[?&]page=(\d+)/.exec(path)?.[1] ?? 1);
      return { status: 200, body: { total_count: jobs.length, jobs: jobs.slice((page - 1) * 100, page * 100) } };
    });
    servers.push(github);
    const result = await testRunner.run(
      { cwd: repo.dir, values: { "run-id": "9" }, overrides: { lint: { required: false }, build: { legs: ["build (*)"] } }, subject: { commit: sha } },
      {
        kind: "github",
        client: new GitHubClient(github.url, "ghs_token", { retryDelayMs: 1 }),
        log: () => {},
        context: { repository: "acme/app", sha, apiUrl: github.url, eventName: "push", pullRequest: undefined, defaultBranch: "main" },
      },
    );
    expect(result.report.predicate.checks.filter((check) => check.id.startsWith("build.")).map((check) => [check.id, check.status, check.measured])).toEqual([
      ["build.matrix", "pass", "150 of 150 legs"],
      ["build.same-sha", "pass", 0],
    ]);
    expect(github.requests.map((request) => request.path)).toEqual([
      "/repos/acme/app/actions/runs/9/jobs?filter=latest&per_page=100&page=1",
      "/repos/acme/app/actions/runs/9/jobs?filter=latest&per_page=100&page=2",
    ]);
  });
});
