/** @release-gates/core/tests: the test gate's settings, descriptor, readers and decision. */

export { evaluateTests, type JobResult, type TestDetails, type TestEvaluation, type TestInputs } from "./evaluate.js";
export { type TestExtra, testGate } from "./gate.js";
export { parseGitHubJobsPage, parseGitLabJobs } from "./jobs.js";
export { caseKey, createTestResultsParser, parseTestResults, type TestCaseResult, type TestOutcome, type TestReport } from "./results.js";
export { DEFAULT_LINT_GLOBS, DEFAULT_REPORT_GLOBS, TestSettings } from "./settings.js";
