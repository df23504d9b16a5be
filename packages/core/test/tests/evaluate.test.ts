import { fixture } from "@release-gates/test-helpers/fixtures";
import { reportOf } from "@release-gates/test-helpers/reports";
import { describe, expect, it } from "vitest";
import { readSarifLog } from "../../src/sarif.js";
import { evaluateTests, type TestInputs } from "../../src/tests/evaluate.js";
import { testGate } from "../../src/tests/gate.js";
import { parseGitHubJobsPage, parseGitLabJobs } from "../../src/tests/jobs.js";
import { parseTestResults } from "../../src/tests/results.js";
import { TestSettings } from "../../src/tests/settings.js";

const report = (name: string, path = `reports/${name}`) => parseTestResults(fixture(`tests/${name}`), path);
const sarif = (name: string) => ({ path: `lint/${name}`, runs: readSarifLog(fixture(`tests/${name}`), name) });
const PLAYWRIGHT = "junit-playwright-5-projects.fichap.junit.xml";
const ESLINT_CLEAN = "sarif-eslint-all-suppressed-inSource.iframe-resizer.eslint-results.sarif";

const inputs = (overrides: Partial<TestInputs> = {}): TestInputs => ({
  reports: [report("junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml")],
  baseReports: undefined,
  lint: [sarif(ESLINT_CLEAN)],
  lintBase: undefined,
  jobs: undefined,
  commit: "f83a356604ae3c5d03e1b46ef4d1ca77d64a90b0",
  ...overrides,
});
const settings = (policy: unknown = {}) => TestSettings.parse(policy);
const statuses = (evaluation: ReturnType<typeof evaluateTests>) => Object.fromEntries(evaluation.checks.map((check) => [check.id, check.status]));

describe("test results", () => {
  it("51 passing Go tests and a clean lint log pass; the suppressed ESLint errors are not errors", () => {
    const evaluation = evaluateTests(settings(), inputs());
    expect(statuses(evaluation)).toEqual({
      "tests.expected-suites": "pass",
      "tests.failed": "pass",
      "tests.pass-rate": "pass",
      "tests.flaky": "pass",
      "lint.errors": "pass",
    });
    expect(evaluation.details.lint).toEqual([{ path: `lint/${ESLINT_CLEAN}`, tool: "ESLint", errors: 0, warnings: 0, suppressed: 12, broken: [] }]);
  });

  it("no test report at all is no evidence: no-data, failing by default (where test reporters pass)", () => {
    const evaluation = evaluateTests(settings(), inputs({ reports: [] }));
    expect(evaluation.checks[0]).toMatchObject({ id: "tests.expected-suites", status: "no-data", onNoData: "fail" });
  });

  it("vitest's 11 failures fail, each at its file and line where the report says, ranked and counted", () => {
    const evaluation = evaluateTests(settings(), inputs({ reports: [report("junit-vitest.owp-portal.vitest-results.xml")] }));
    expect(statuses(evaluation)["tests.failed"]).toBe("fail");
    expect(evaluation.checks.find((check) => check.id === "tests.pass-rate")).toMatchObject({ status: "fail", measured: 93.6 });
    expect(evaluation.findings.filter((finding) => finding.id === "tests.failure")).toHaveLength(11);
  });

  it("Playwright per browser: each project its own suite; a browser that never ran is named", () => {
    const browsers = ["chromium", "firefox", "webkit", "edge"].map((project) => ({ name: `e2e/${project}`, project, minTests: 4 }));
    const evaluation = evaluateTests(settings({ suites: browsers }), inputs({ reports: [report(PLAYWRIGHT)] }));
    expect(evaluation.details.suites.map((suite) => [suite.name, suite.tests, suite.failed])).toEqual([
      ["e2e/chromium", 4, 0],
      ["e2e/firefox", 4, 2],
      ["e2e/webkit", 4, 0],
      ["e2e/edge", 0, 0],
    ]);
    const messages = evaluation.findings.map((finding) => finding.message);
    expect(messages).toContain('suite "e2e/edge" ran no test (at least 4 expected): its report is missing, or it selected nothing');
    expect(messages.filter((message) => message.startsWith("e2e/firefox: "))).toHaveLength(2);
    // The Dev and Test projects are no required suite: their failure does not count here.
    expect(messages.some((message) => message.includes("[Dev]"))).toBe(false);
  });

  it("a build or setup error fails even outside every required suite", () => {
    const evaluation = evaluateTests(
      settings({ suites: [{ name: "integration", match: ["package/name/passing*"] }] }),
      inputs({ reports: [report("junit-go-junit-report-v2-build-failed.013-report.xml")] }),
    );
    expect(statuses(evaluation)["tests.failed"]).toBe("fail");
    expect(evaluation.findings.filter((finding) => finding.id === "tests.setup-error").map((finding) => finding.message)).toEqual([
      '(no suite): "package/name/failing1 › [build failed]" could not run (a build, setup or collection error): "Build error"',
      '(no suite): "package/name/failing2 › [build failed]" could not run (a build, setup or collection error): "Build error"',
      '(no suite): "package/name/setupfailing1 › [setup failed]" could not run (a build, setup or collection error): "Build error"',
    ]);
  });

  it("flaky tests warn by default and fail where the policy says; todo and xfail are apart from the skipped budget", () => {
    const flaky = inputs({ reports: [report("junit-surefire-flakyFailure-quarkus.TEST-org.acme.FlakyTest.xml")] });
    expect(statuses(evaluateTests(settings(), flaky))["tests.flaky"]).toBe("warn");
    expect(statuses(evaluateTests(settings({ flaky: "fail" }), flaky))["tests.flaky"]).toBe("fail");
    const pytest = evaluateTests(
      settings({ skipped: { max: 0 } }),
      inputs({ reports: [report("junit-pytest-xfail-prettyprinted.dorny-fixture.python-xunit-pytest.xml")] }),
    );
    expect(pytest.findings.find((finding) => finding.id === "tests.skipped")?.message).toBe(
      "1 test skipped (10 % of 10), over the budget of 0 (todo 0, expected failures 1, not counted)",
    );
  });

  it("a test that passed on the base branch and fails now, or is gone, is a regression", () => {
    const base = report("junit-gradle-test-retry-passed-on-3rd.TEST-org.test.sample.FlakyTestSuite.xml");
    const evaluation = evaluateTests(settings(), inputs({ baseReports: [base, report("junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml")] }));
    expect(statuses(evaluation)["tests.regression"]).toBe("fail");
    expect(evaluation.findings.find((finding) => finding.id === "tests.disappeared")?.message).toContain("is gone from the results now");
  });
});

describe("lint", () => {
  it("ESLint that could not parse its configuration reports 0 results: not clean, it did not finish", () => {
    const evaluation = evaluateTests(settings(), inputs({ lint: [sarif("sarif-eslint-executionSuccessful-false.rosshill.eslint-results.sarif")] }));
    expect(statuses(evaluation)["lint.errors"]).toBe("fail");
    expect(evaluation.findings.map((finding) => finding.message)).toEqual([
      "lint/sarif-eslint-executionSuccessful-false.rosshill.eslint-results.sarif: ESLint reports that it did not run successfully (executionSuccessful: false): a linter that did not finish is not a clean one",
      "lint/sarif-eslint-executionSuccessful-false.rosshill.eslint-results.sarif: ESLint reported an error: Parsing error: ';' expected.: a linter that did not finish is not a clean one",
    ]);
  });

  it("Semgrep's levels come from its rules (2 errors); its rule parse error is a run that did not finish", () => {
    const evaluation = evaluateTests(settings(), inputs({ lint: [sarif("sarif-semgrep-oss.lab4-security.semgrep-report.sarif")] }));
    expect(evaluation.details.lint[0]).toMatchObject({ tool: "Semgrep OSS", errors: 2, warnings: 3 });
    expect(evaluation.details.lint[0]?.broken[0]).toContain("Rule parse error");
  });

  it("newOnly: only results SARIF marks new count", () => {
    const log = JSON.parse(fixture("tests/sarif-semgrep-oss.lab4-security.semgrep-report.sarif"));
    for (const result of log.runs[0].results) result.baselineState = "unchanged";
    log.runs[0].invocations = [];
    const lint = [{ path: "lint/semgrep.sarif", runs: readSarifLog(JSON.stringify(log), "semgrep.sarif") }];
    expect(statuses(evaluateTests(settings({ lint: { newOnly: true } }), inputs({ lint })))["lint.errors"]).toBe("pass");
    expect(statuses(evaluateTests(settings(), inputs({ lint })))["lint.errors"]).toBe("fail");
  });

  it("no lint log: no-data, unless the policy says lint is not required", () => {
    expect(statuses(evaluateTests(settings(), inputs({ lint: [] })))["lint.errors"]).toBe("no-data");
    expect(statuses(evaluateTests(settings({ lint: { required: false } }), inputs({ lint: [] })))["lint.errors"]).toBeUndefined();
  });
});

describe("the build matrix", () => {
  const github = parseGitHubJobsPage(JSON.parse(fixture("tests/api-github-actions-list-jobs-for-workflow-run.openapi-example.job-paginated.json")), "jobs");
  const gitlab = parseGitLabJobs(JSON.parse(fixture("tests/api-gitlab-list-pipeline-jobs.docs-example.json")), "jobs");

  it("GitHub's documented run: the build leg succeeded, for this commit; a leg that did not run is named", () => {
    const evaluation = evaluateTests(
      settings({ build: { legs: ["build", "build (windows-latest)"] } }),
      inputs({ jobs: { source: "workflow run 29679449", jobs: github.jobs } }),
    );
    expect(statuses(evaluation)).toMatchObject({ "build.matrix": "fail", "build.same-sha": "pass" });
    expect(evaluation.findings.map((finding) => finding.message)).toContain(
      'build leg "build (windows-latest)" is not among the jobs of workflow run 29679449: it did not run for this commit',
    );
  });

  it("GitLab's documented pipeline: both jobs failed, and they ran for another commit", () => {
    const evaluation = evaluateTests(settings({ build: { legs: ["rspec:*", "teaspoon"] } }), inputs({ jobs: { source: "pipeline 6", jobs: gitlab } }));
    expect(statuses(evaluation)).toMatchObject({ "build.matrix": "fail", "build.same-sha": "fail" });
    expect(evaluation.details.legs).toEqual([
      { leg: "rspec:*", job: "rspec:other", state: "failure", ok: false },
      { leg: "teaspoon", job: "teaspoon", state: "failure", ok: false },
    ]);
  });

  it("jobs that could not be read: no-data with the reason", () => {
    const evaluation = evaluateTests(
      settings({ build: { legs: ["build"] } }),
      inputs({ jobs: { unavailable: "GitHub answered 403 (the job needs actions: read)" } }),
    );
    expect(evaluation.checks.find((check) => check.id === "build.matrix")?.message).toBe(
      "The CI jobs could not be read: GitHub answered 403 (the job needs actions: read).",
    );
  });
});

describe("the test gate's report, as the front ends render it", () => {
  it("suites, failing tests and lint in the summary; outputs count tests, failures and flaky tests", async () => {
    const evaluation = evaluateTests(settings(), inputs({ reports: [report(PLAYWRIGHT)] }));
    const built = reportOf(testGate.name, evaluation);
    const renderers = await testGate.renderers();
    const summary = renderers.markdownSections(built).join("\n\n");
    expect(summary).toContain("| ❌ | all tests | 20 | 17 | 3 | 0 | 0 | 0 | 0 | 0 | 85 % (≥ 100 %) |");
    expect(summary).toContain("### Failing tests (3)");
    expect(renderers.terminal?.(built)).toMatch(/^all tests: 17\/20 passed\n/);
    expect(Object.fromEntries(testGate.outputs.map((output) => [output.name, output.value(built, {})]))).toEqual({ tests: 20, failed: 3, flaky: 0 });
  });
});
