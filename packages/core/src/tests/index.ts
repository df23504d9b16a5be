/** @release-gates/core/tests: the test gate's settings, descriptor, readers and decision. */

// SARIF from linters, as the test gate reads it: here, not in the main entry, so that only the gates reading SARIF load its schema.
export { oneLine, readSarifLog, type SarifResultRead, type SarifRunRead } from "../sarif.js";
export { evaluateTests, type JobResult, type TestDetails, type TestEvaluation, type TestInputs } from "./evaluate.js";
export { type TestExtra, testGate } from "./gate.js";
export { parseGitHubJobsPage, parseGitLabJobs } from "./jobs.js";
export { caseKey, createTestResultsParser, parseTestResults, type TestCaseResult, type TestOutcome, type TestReport } from "./results.js";
export { DEFAULT_LINT_GLOBS, DEFAULT_REPORT_GLOBS, TestSettings } from "./settings.js";
