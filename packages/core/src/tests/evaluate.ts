import picomatch from "picomatch";
import { quoted } from "../errors.js";
import { checkFromFindings, noDataCheck, plural, softened } from "../report/checks.js";
import type { Check, Finding } from "../report/schema.js";
import type { SarifRunRead } from "../sarif.js";
import { caseKey, type TestCaseResult, type TestReport } from "./results.js";
import type { TestSettings, TestSuiteSetting } from "./settings.js";

/** A CI job as the platform lists it, for the build matrix. */
export interface JobResult {
  name: string;
  /** queued, in_progress, completed (GitHub); created, pending, running, success, failed, canceled, skipped, manual (GitLab) as completed + conclusion. */
  status: "completed" | "running" | "queued";
  /** success, failure, cancelled, skipped, timed_out, neutral, action_required… */
  conclusion: string | undefined;
  /** GitLab's `allow_failure`: a failure that does not fail the pipeline still fails the leg. */
  allowFailure: boolean;
  sha: string | undefined;
  url?: string;
}

export interface TestInputs {
  reports: TestReport[];
  /** The base branch's results, for regressions; undefined when none was given. */
  baseReports: TestReport[] | undefined;
  lint: { path: string; runs: SarifRunRead[] }[];
  /** The base branch's lint logs, for `newOnly`. */
  lintBase: { path: string; runs: SarifRunRead[] }[] | undefined;
  /** The CI jobs of this commit's run or pipeline; `unavailable` says why they could not be read. */
  jobs: { source: string; jobs: JobResult[] } | { unavailable: string } | undefined;
  commit: string | undefined;
}

/** One suite's figures. */
export interface SuiteTally {
  name: string;
  tests: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  todo: number;
  xfail: number;
  flaky: number;
  minTests: number;
  passRate: number | null;
  required: number;
}

export interface TestDetails {
  suites: SuiteTally[];
  reports: { path: string; format: string; cases: number }[];
  failing: { suite: string; test: string; outcome: string; setup: boolean; file?: string; line?: number; message?: string }[];
  flaky: string[];
  regressions: string[];
  lint: { path: string; tool: string; errors: number; warnings: number; suppressed: number; broken: string[] }[];
  legs: { leg: string; job?: string; state: string; ok: boolean }[];
}

export interface TestEvaluation {
  checks: Check[];
  findings: Finding[];
  details: TestDetails;
}

/** Failing tests listed one by one; the rest are counted. */
const LISTED_FAILURES = 100;

const title = (result: TestCaseResult) =>
  [
    result.host && result.host !== "hostname" ? `[${result.host}]` : "",
    result.classname && result.classname !== result.name ? `${result.classname} ›` : "",
    result.name,
  ]
    .filter(Boolean)
    .join(" ");

/** Which cases a suite holds: all its selectors must match (report file, suite/class/test name, Playwright project). */
function suiteMatcher(suite: TestSuiteSetting): (result: TestCaseResult) => boolean {
  const files = suite.reports.length ? picomatch(suite.reports, { dot: true }) : undefined;
  const names = suite.match.length ? picomatch(suite.match, { dot: true }) : undefined;
  return (result) =>
    (!files || files(result.report)) &&
    (!names || names(result.suite) || names(result.classname) || names(result.name)) &&
    (suite.project === undefined || result.host === suite.project);
}

const IMPLICIT_SUITE: TestSuiteSetting = { name: "all tests", reports: [], match: [], minTests: 1, passRate: 100 };

function tally(name: string, cases: readonly TestCaseResult[], setting: TestSuiteSetting): SuiteTally {
  const count = (outcome: TestCaseResult["outcome"]) => cases.filter((result) => result.outcome === outcome).length;
  const passed = count("passed");
  const failed = count("failed");
  const errors = count("error");
  const ran = passed + failed + errors;
  return {
    name,
    tests: cases.length,
    passed,
    failed,
    errors,
    skipped: count("skipped"),
    todo: count("todo"),
    xfail: count("xfail"),
    flaky: cases.filter((result) => result.flaky).length,
    minTests: setting.minTests,
    passRate: ran ? Math.floor((passed / ran) * 10_000) / 100 : null,
    required: setting.passRate,
  };
}

/** The findings of failing tests: setup errors first, then errors, then failures; each at its file and line where the report has them. */
function failureFindings(failing: readonly { suite: string; result: TestCaseResult }[]): Finding[] {
  const rank = (result: TestCaseResult) => (result.setup ? 0 : result.outcome === "error" ? 1 : 2);
  const ordered = [...failing].sort((a, b) => rank(a.result) - rank(b.result));
  const findings: Finding[] = ordered.slice(0, LISTED_FAILURES).map(({ suite, result }) => ({
    id: result.setup ? "tests.setup-error" : result.outcome === "error" ? "tests.error" : "tests.failure",
    severity: "error",
    message: `${suite}: ${quoted(title(result), 160)} ${result.setup ? "could not run (a build, setup or collection error)" : result.outcome === "error" ? "errored" : "failed"}${result.attempts > 1 ? ` (${result.attempts} attempts)` : ""}${result.message ? `: ${quoted(result.message, 240)}` : ""}`,
    ...(result.file ? { location: { path: result.file, ...(result.line ? { startLine: result.line } : {}) } } : {}),
    properties: { report: result.report },
  }));
  if (ordered.length > LISTED_FAILURES)
    findings.push({
      id: "tests.more-failures",
      severity: "error",
      message: `…and ${ordered.length - LISTED_FAILURES} more failing tests in the reports`,
    });
  return findings;
}

/** The lint verdicts: unsuppressed errors (new ones only, where asked) and every run that did not finish. */
function lintFindings(settings: TestSettings, inputs: TestInputs, details: TestDetails): Finding[] {
  const baseKeys = new Set(
    (inputs.lintBase ?? []).flatMap((log) =>
      log.runs.flatMap((run) => run.results.map((result) => `${result.rule}\u0000${result.path}\u0000${result.message}`)),
    ),
  );
  const findings: Finding[] = [];
  for (const log of inputs.lint) {
    for (const run of log.runs) {
      const errors = run.results.filter((result) => result.level === "error" && !result.suppressed);
      const counted = settings.lint.newOnly
        ? errors.filter((result) =>
            result.baselineState
              ? result.baselineState === "new" || result.baselineState === "updated"
              : !baseKeys.has(`${result.rule}\u0000${result.path}\u0000${result.message}`),
          )
        : errors;
      details.lint.push({
        path: log.path,
        tool: run.tool,
        errors: counted.length,
        warnings: run.results.filter((result) => result.level === "warning" && !result.suppressed).length,
        suppressed: run.results.filter((result) => result.suppressed).length,
        broken: run.broken,
      });
      for (const reason of run.broken)
        findings.push({ id: "lint.tool-failed", severity: "error", message: `${log.path}: ${reason}: a linter that did not finish is not a clean one` });
      for (const result of counted.slice(0, LISTED_FAILURES))
        findings.push({
          id: `lint.${result.rule}`,
          severity: "error",
          message: `${result.tool} ${result.rule}: ${quoted(result.message, 240)}`,
          ...(result.path
            ? {
                location: {
                  path: result.path,
                  ...(result.startLine ? { startLine: result.startLine } : {}),
                  ...(result.endLine ? { endLine: result.endLine } : {}),
                },
              }
            : {}),
        });
      if (counted.length > LISTED_FAILURES)
        findings.push({
          id: "lint.more-errors",
          severity: "error",
          message: `…and ${counted.length - LISTED_FAILURES} more ${run.tool} errors in ${log.path}`,
        });
    }
  }
  return findings;
}

/** A job's state as one word, and whether the leg it stands for succeeded. */
function jobState(job: JobResult): { state: string; ok: boolean } {
  if (job.status !== "completed") return { state: job.status === "running" ? "still running" : "not started", ok: false };
  const conclusion = job.conclusion ?? "unknown";
  if (conclusion === "success" && !job.allowFailure) return { state: "success", ok: true };
  if (conclusion === "success") return { state: "success (allowed to fail)", ok: true };
  return { state: job.allowFailure ? `${conclusion} (allowed to fail)` : conclusion, ok: false };
}

/**
 * Decides the test gate: every required suite ran what it should (a missing
 * browser is named), no test failed or errored (setup and collection errors
 * always fail), pass rates, the skipped budget, flaky tests apart, no
 * regression against the base branch; linters finished and found no error;
 * every build leg succeeded for this very commit.
 */
export function evaluateTests(settings: TestSettings, inputs: TestInputs): TestEvaluation {
  const checks: Check[] = [];
  const findings: Finding[] = [];
  const record = (check: Check, found: readonly Finding[]) => {
    checks.push(check);
    findings.push(...found);
  };
  const all = inputs.reports.flatMap((report) => report.cases);
  const suites = settings.suites.length ? settings.suites : [IMPLICIT_SUITE];
  const members = suites.map((suite) => {
    const matches = suiteMatcher(suite);
    return { suite, cases: all.filter(matches) };
  });
  const details: TestDetails = {
    suites: members.map(({ suite, cases }) => tally(suite.name, cases, suite)),
    reports: inputs.reports.map((report) => ({ path: report.path, format: report.format, cases: report.cases.length })),
    failing: [],
    flaky: [],
    regressions: [],
    lint: [],
    legs: [],
  };

  if (inputs.reports.length === 0) {
    record(
      noDataCheck(
        "tests.expected-suites",
        `No test report found at ${settings.reports.join(", ")}: give the JUnit XML or TRX files (gates.test.reports).`,
        settings.onNoData,
      ),
      [],
    );
  } else {
    // tests.expected-suites
    const short = details.suites.filter((suite) => suite.tests < suite.minTests);
    const suiteFindings: Finding[] = short.map((suite) => ({
      id: "tests.suite-missing",
      severity: "error",
      message:
        suite.tests === 0
          ? `suite ${quoted(suite.name)} ran no test (at least ${suite.minTests} expected): its report is missing, or it selected nothing`
          : `suite ${quoted(suite.name)} ran ${plural(suite.tests, "test")}, fewer than the ${suite.minTests} expected`,
    }));
    record(
      checkFromFindings(
        "tests.expected-suites",
        suiteFindings,
        `Every expected suite ran: ${details.suites.map((suite) => `${suite.name} (${suite.tests})`).join(", ")}.`,
        `${details.suites.length - short.length} of ${plural(details.suites.length, "suite")}`,
        "every suite ran",
      ),
      suiteFindings,
    );

    // tests.failed: failures in required suites, and setup errors anywhere
    const inSuite = new Set(members.flatMap(({ cases }) => cases));
    const failing = members.flatMap(({ suite, cases }) =>
      cases.filter((result) => result.outcome === "failed" || result.outcome === "error").map((result) => ({ suite: suite.name, result })),
    );
    const unique = [...new Map(failing.map((entry) => [entry.result, entry])).values()];
    for (const result of all) if (result.setup && !inSuite.has(result)) unique.push({ suite: "(no suite)", result });
    details.failing = unique.slice(0, LISTED_FAILURES).map(({ suite, result }) => ({
      suite,
      test: title(result),
      outcome: result.outcome,
      setup: result.setup,
      ...(result.file ? { file: result.file } : {}),
      ...(result.line ? { line: result.line } : {}),
      ...(result.message ? { message: result.message } : {}),
    }));
    const failFindings = failureFindings(unique);
    const ran = [...inSuite].filter((result) => result.outcome === "passed" || result.outcome === "failed" || result.outcome === "error").length;
    record(
      checkFromFindings("tests.failed", failFindings, `No test failed or errored among ${plural(ran, "test")} that ran.`, unique.length, 0, "failing tests"),
      failFindings,
    );

    // tests.pass-rate
    const rateFindings: Finding[] = details.suites
      .filter((suite) => suite.passRate !== null && suite.passRate < suite.required)
      .map((suite) => ({
        id: "tests.pass-rate",
        severity: "error",
        message: `suite ${quoted(suite.name)} passed ${suite.passRate} % of the tests that ran (${suite.passed} of ${suite.passed + suite.failed + suite.errors}); ${suite.required} % required`,
      }));
    const lowest = Math.min(...details.suites.map((suite) => suite.passRate ?? 100));
    record(
      checkFromFindings(
        "tests.pass-rate",
        rateFindings,
        `Every suite meets its pass rate (${details.suites.map((suite) => `${suite.name}: ${suite.passRate ?? "—"} %`).join(", ")}).`,
        lowest,
        Math.max(...details.suites.map((suite) => suite.required)),
        "%",
      ),
      rateFindings,
    );

    // tests.skipped
    const skipped = details.suites.reduce((sum, suite) => sum + suite.skipped, 0);
    const tests = details.suites.reduce((sum, suite) => sum + suite.tests, 0);
    const apart = `todo ${details.suites.reduce((sum, suite) => sum + suite.todo, 0)}, expected failures ${details.suites.reduce((sum, suite) => sum + suite.xfail, 0)}`;
    if (settings.skipped) {
      const percent = tests ? Math.round((skipped / tests) * 10_000) / 100 : 0;
      const over =
        (settings.skipped.max !== undefined && skipped > settings.skipped.max) ||
        (settings.skipped.maxPercent !== undefined && percent > settings.skipped.maxPercent);
      const skipFindings: Finding[] = over
        ? [
            {
              id: "tests.skipped",
              severity: "error",
              message: `${plural(skipped, "test")} skipped (${percent} % of ${tests}), over the budget of ${[settings.skipped.max !== undefined ? `${settings.skipped.max}` : "", settings.skipped.maxPercent !== undefined ? `${settings.skipped.maxPercent} %` : ""].filter(Boolean).join(" and ")} (${apart}, not counted)`,
            },
          ]
        : [];
      record(
        checkFromFindings(
          "tests.skipped",
          skipFindings,
          `${plural(skipped, "test")} skipped, within the budget (${apart}, reported apart).`,
          skipped,
          settings.skipped.max ?? null,
          "skipped",
        ),
        skipFindings,
      );
    }

    // tests.flaky
    const flaky = [...inSuite].filter((result) => result.flaky);
    details.flaky = flaky.slice(0, LISTED_FAILURES).map(title);
    if (settings.flaky !== "off") {
      const flakyFindings = softened(
        flaky.slice(0, LISTED_FAILURES).map((result) => ({
          id: "tests.flaky",
          severity: "error" as const,
          message: `${quoted(title(result), 160)} passed only on a retry (${result.attempts} attempts): fix or quarantine it`,
          ...(result.file ? { location: { path: result.file, ...(result.line ? { startLine: result.line } : {}) } } : {}),
        })),
        settings.flaky,
      );
      record(checkFromFindings("tests.flaky", flakyFindings, "No test passed only on a retry.", flaky.length, 0, "flaky tests"), flakyFindings);
    }

    // tests.regression
    if (inputs.baseReports) {
      const now = new Map(all.map((result) => [caseKey(result), result]));
      const regressions: Finding[] = [];
      for (const before of inputs.baseReports.flatMap((report) => report.cases)) {
        if (before.outcome !== "passed") continue;
        const current = now.get(caseKey(before));
        if (current && current.outcome !== "failed" && current.outcome !== "error") continue;
        details.regressions.push(title(before));
        regressions.push({
          id: current ? "tests.regression" : "tests.disappeared",
          severity: "error",
          message: current
            ? `${quoted(title(before), 160)} passed on the base branch and ${current.outcome === "error" ? "errors" : "fails"} now`
            : `${quoted(title(before), 160)} passed on the base branch and is gone from the results now (deleted, renamed or no longer run)`,
        });
      }
      record(
        checkFromFindings(
          "tests.regression",
          regressions.slice(0, LISTED_FAILURES),
          `No test that passed on the base branch fails or is missing now (${plural(
            inputs.baseReports.reduce((sum, report) => sum + report.cases.length, 0),
            "base test",
          )}).`,
          regressions.length,
          0,
          "regressions",
        ),
        regressions.slice(0, LISTED_FAILURES),
      );
    }
  }

  // lint.errors
  if (inputs.lint.length === 0) {
    if (settings.lint.required)
      record(
        noDataCheck(
          "lint.errors",
          `No lint report found at ${settings.lint.reports.join(", ")}: write the linters' results as SARIF (ESLint: -f @microsoft/eslint-formatter-sarif), or set gates.test.lint.required to false.`,
          settings.onNoData,
        ),
        [],
      );
  } else {
    const lint = lintFindings(settings, inputs, details);
    const errors = details.lint.reduce((sum, log) => sum + log.errors, 0);
    record(
      checkFromFindings(
        "lint.errors",
        lint,
        `No lint error in ${plural(inputs.lint.length, "log")} (${details.lint.map((log) => `${log.tool}: ${log.warnings} warnings, ${log.suppressed} suppressed`).join("; ")}).`,
        errors,
        0,
        "errors",
      ),
      lint,
    );
  }

  // build.matrix and build.same-sha
  if (settings.build.legs.length) {
    if (!inputs.jobs || "unavailable" in inputs.jobs) {
      record(
        noDataCheck(
          "build.matrix",
          `The CI jobs could not be read: ${inputs.jobs ? inputs.jobs.unavailable : "this run is not on GitHub or GitLab"}.`,
          settings.onNoData,
        ),
        [],
      );
    } else {
      const { jobs, source } = inputs.jobs;
      const legFindings: Finding[] = [];
      for (const leg of settings.build.legs) {
        const matches = picomatch(leg);
        const found = jobs.filter((job) => job.name === leg || matches(job.name));
        if (found.length === 0) {
          details.legs.push({ leg, state: "missing", ok: false });
          legFindings.push({
            id: "build.leg-missing",
            severity: "error",
            message: `build leg ${quoted(leg)} is not among the jobs of ${source}: it did not run for this commit`,
          });
          continue;
        }
        for (const job of found) {
          const { state, ok } = jobState(job);
          details.legs.push({ leg, job: job.name, state, ok });
          if (!ok)
            legFindings.push({
              id: "build.leg-failed",
              severity: "error",
              message: `build leg ${quoted(job.name)} is ${state}: every target platform must build`,
            });
        }
      }
      record(
        checkFromFindings(
          "build.matrix",
          legFindings,
          `Every build leg succeeded (${details.legs.map((leg) => leg.job ?? leg.leg).join(", ")}).`,
          `${details.legs.filter((leg) => leg.ok).length} of ${plural(details.legs.length, "leg")}`,
          "every leg succeeded",
        ),
        legFindings,
      );
      if (settings.build.sameSha && inputs.commit) {
        const other = jobs.filter((job) => job.sha && job.sha !== inputs.commit);
        const shaFindings: Finding[] = other.map((job) => ({
          id: "build.other-commit",
          severity: "error",
          message: `job ${quoted(job.name)} ran for commit ${job.sha?.slice(0, 12)}, not ${inputs.commit?.slice(0, 12)}: evidence must be for the commit being gated`,
        }));
        record(
          checkFromFindings("build.same-sha", shaFindings, `Every job read ran for ${inputs.commit.slice(0, 12)}.`, other.length, 0, "other commits"),
          shaFindings,
        );
      }
    }
  }
  return { checks, findings, details };
}
