import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { parseTestResults, type TestReport } from "../../src/tests/results.js";

const read = (name: string) => parseTestResults(fixture(`tests/${name}`), name);
const outcomes = (report: TestReport) => {
  const counts: Record<string, number> = {};
  for (const result of report.cases) {
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    if (result.flaky) counts.flaky = (counts.flaky ?? 0) + 1;
    if (result.setup) counts.setup = (counts.setup ?? 0) + 1;
  }
  return counts;
};

/** Counts taken by an independent count of the corpus files' <testcase> elements (SOURCES.md), never from their headers. */
describe("test results, counted from the cases", () => {
  it.each([
    ["junit-surefire-flakyFailure-quarkus.TEST-org.acme.FlakyTest.xml", 2, { passed: 2, flaky: 1 }],
    ["junit-gradle-test-retry-passed-on-3rd.TEST-org.test.sample.FlakyTestSuite.xml", 1, { passed: 1, flaky: 1 }],
    ["junit-gradle-test-retry-exhausted.TEST-org.test.sample.FlakyFailingTestSuite.xml", 1, { failed: 1 }],
    ["junit-testng-retry-skipped-then-failed.pulsar.TEST-org.apache.pulsar.AddMissingPatchVersionTest.xml", 1, { failed: 1 }],
    ["junit-jest-junit.astoker-todo.junit.xml", 3, { failed: 1, skipped: 2 }],
    ["junit-vitest.owp-portal.vitest-results.xml", 172, { passed: 161, failed: 11 }],
    ["junit-pytest-xunit2-subtests.pygithub.pytest.xml", 1008, { passed: 1008 }],
    ["junit-pytest-xunit2-collection-skips.flask-jsonrpc.test-results.xml", 56, { passed: 54, skipped: 2 }],
    ["junit-pytest-xfail-prettyprinted.dorny-fixture.python-xunit-pytest.xml", 10, { passed: 6, failed: 2, skipped: 1, xfail: 1 }],
    ["junit-gotestsum-empty-packages.go-fhir-demo.junit-report.xml", 51, { passed: 51 }],
    ["junit-go-junit-report-v2-build-failed.013-report.xml", 5, { passed: 2, error: 3, setup: 3 }],
    ["junit-phpunit.phpcheckstyle.phpunit.xml", 30, { passed: 28, failed: 2 }],
    ["junit-playwright-5-projects.fichap.junit.xml", 20, { passed: 17, failed: 3 }],
    ["trx-dotnet.silentnotes.SilentNotes.trx", 79, { passed: 67, skipped: 12 }],
  ] as const)("%s: %i tests", (name, tests, counts) => {
    const report = read(name);
    expect(report.cases).toHaveLength(tests);
    expect(outcomes(report)).toEqual(counts);
  });

  it("Surefire's flaky test: passed on its fifth run, the reruns counted as attempts", () => {
    const flaky = read("junit-surefire-flakyFailure-quarkus.TEST-org.acme.FlakyTest.xml").cases.find((result) => result.name === "testFlaky");
    expect(flaky).toMatchObject({ outcome: "passed", flaky: true, attempts: 5 });
  });

  it("Gradle's retries are one test: three attempts that passed on the third; five that never passed", () => {
    expect(read("junit-gradle-test-retry-passed-on-3rd.TEST-org.test.sample.FlakyTestSuite.xml").cases[0]).toMatchObject({ attempts: 3, flaky: true });
    expect(read("junit-gradle-test-retry-exhausted.TEST-org.test.sample.FlakyFailingTestSuite.xml").cases[0]).toMatchObject({
      attempts: 5,
      flaky: false,
      outcome: "failed",
    });
  });

  it("Playwright: each project (its suite's hostname) is its own set of tests, and failures carry the spec's file and line", () => {
    const report = read("junit-playwright-5-projects.fichap.junit.xml");
    expect([...new Set(report.cases.map((result) => result.host))]).toEqual(["Dev", "Test", "chromium", "firefox", "webkit"]);
    expect(report.cases.filter((result) => result.host === "firefox" && result.outcome === "failed")).toHaveLength(2);
    expect(report.cases.find((result) => result.outcome === "failed")).toMatchObject({ file: "login.spec.js", line: 7 });
  });

  it("PHPUnit: file and line of every case; pytest's xfail apart from skips; go's build failures are setup errors, not tests", () => {
    expect(
      read("junit-phpunit.phpcheckstyle.phpunit.xml")
        .cases.filter((result) => result.outcome === "failed")
        .every((result) => result.file && result.line),
    ).toBe(true);
    const go = read("junit-go-junit-report-v2-build-failed.013-report.xml");
    expect(go.cases.filter((result) => result.setup).map((result) => result.name)).toEqual(["[build failed]", "[build failed]", "[setup failed]"]);
    expect(go.cases.find((result) => result.setup)?.message).toBe("Build error");
  });

  it("jest-junit writes `it.todo` as a case with no result, left out of its suite's count: a todo, not a pass", () => {
    // What jest 29 with jest-junit 16 writes for a file with a passing, a failing, a skipped and a todo test.
    const report = parseTestResults(
      `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="3" failures="1" errors="0" time="0.6">
  <testsuite name="cart" errors="0" failures="1" skipped="1" timestamp="2026-11-29T20:29:42" time="0.48" tests="3">
    <testcase classname="cart adds" name="cart adds" time="0.006">
    </testcase>
    <testcase classname="cart fails" name="cart fails" time="0.001">
      <failure>Error: expect(received).toBe(expected)</failure>
    </testcase>
    <testcase classname="cart skipped" name="cart skipped" time="0">
      <skipped/>
    </testcase>
    <testcase classname="cart todo later" name="cart todo later" time="0">
    </testcase>
  </testsuite>
</testsuites>`,
      "junit.xml",
    );
    expect(report.cases.map((result) => result.outcome)).toEqual(["passed", "failed", "skipped", "todo"]);
  });

  it("vitest reports a test file that failed to load as a case named after the file: a setup error", () => {
    const report = parseTestResults(
      `<testsuites name="vitest tests" tests="1" failures="1"><testsuite name="broken.test.js" tests="1" failures="1">
<testcase classname="broken.test.js" name="broken.test.js" time="0"><failure message="Cannot find module './x'" type="Error">
Error: Cannot find module './x'
 ❯ broken.test.js:1:1</failure></testcase></testsuite></testsuites>`,
      "vitest.xml",
    );
    expect(report.cases[0]).toMatchObject({ outcome: "failed", setup: true, file: "broken.test.js", line: 1, message: "Cannot find module './x'" });
  });

  it("a file that is not a test report, broken XML or a truncated file is one sentence naming it", () => {
    expect(() => parseTestResults('<coverage line-rate="1"/>', "test-results/coverage.xml")).toThrow(
      "test-results/coverage.xml, line 1: expected a JUnit XML report (<testsuites> or <testsuite>), found <coverage>",
    );
    expect(() => parseTestResults("<testsuites><testsuite>", "junit.xml")).toThrow(ConfigurationError);
    expect(() => parseTestResults("", "junit.xml")).toThrow(
      "junit.xml, line 1: expected well-formed XML, found an error: document must contain a root element.",
    );
    expect(() => parseTestResults('<TestRun><Results><UnitTestResult outcome="Sideways"/></Results></TestRun>', "a.trx")).toThrow(/TRX outcome/);
  });
});
