import { defineGate } from "../kit/descriptor.js";
import { baseArtifactOptions } from "../kit/options.js";
import type { GateReport } from "../report/schema.js";
import type { TestDetails } from "./evaluate.js";
import { TestSettings } from "./settings.js";

/** What a test-gate run keeps besides its report: nothing its documents need. */
export type TestExtra = Record<never, never>;

const details = (report: GateReport) => report.predicate.details as unknown as Partial<TestDetails>;
const sum = (report: GateReport, field: "tests" | "flaky") => details(report).suites?.reduce((total, suite) => total + suite[field], 0);

/** The test gate: test results, lint results and the build matrix, failing closed where test reporters pass. */
export const testGate = defineGate<typeof TestSettings, TestExtra>({
  id: "test",
  name: "test-gate",
  command: "tests",
  title: "Test gate",
  description:
    "Every required suite ran and passed (integration, regression, each browser), setup errors and regressions fail, flaky tests are named, linters finished without errors, and every build leg succeeded for this commit.",
  summary: "test gate: JUnit/TRX results per suite, lint SARIF, the build matrix",
  help: `Reads JUnit XML (Surefire, Gradle, TestNG, jest-junit, vitest, pytest, Go,
PHPUnit, Playwright) and TRX test results, counting from the test cases, never the
headers; SARIF lint logs; and the CI jobs of this commit's run or pipeline.
Decides against the policy's suites and writes the gate report. No report is
no evidence: it fails.`,
  icon: "check-square",
  settings: TestSettings,
  options: [
    {
      name: "reports",
      kind: "list",
      setting: "reports",
      placeholder: "GLOB",
      shownDefault: "`**/junit*.xml`, `**/TEST-*.xml`, `**/test-results/**/*.xml`, `**/*.trx`",
      description: "JUnit XML and TRX test results, paths or globs, one per line; told apart by content.",
    },
    {
      name: "base-report",
      kind: "list",
      setting: "regression.base",
      placeholder: "GLOB",
      description: "The base branch's test results: a test that passed there and fails or is gone now is a regression.",
    },
    ...baseArtifactOptions("test results", "the regression check", "reports/junit.xml"),
    {
      name: "flaky",
      kind: "enum",
      setting: "flaky",
      shownDefault: "the policy's, else `warn`",
      description: "What a test that passed only on a retry does to the gate.",
    },
    {
      name: "max-skipped",
      kind: "number",
      setting: "skipped.max",
      placeholder: "N",
      description: "The most skipped tests tolerated (todo and expected failures are reported apart).",
    },
    {
      name: "lint",
      kind: "list",
      setting: "lint.reports",
      placeholder: "GLOB",
      shownDefault: "`**/eslint*.sarif`, `**/*lint*.sarif`, `lint/**/*.sarif`",
      description: "SARIF 2.1.0 logs of the linters (ESLint's SARIF formatter, Semgrep…).",
    },
    {
      name: "lint-new-only",
      kind: "boolean",
      setting: "lint.newOnly",
      description: "Fail only on new lint errors: SARIF's baselineState, or not in the lint-base logs.",
    },
    { name: "lint-base", kind: "list", setting: "lint.base", placeholder: "GLOB", description: "The base branch's lint logs, for lint-new-only." },
    {
      name: "build-leg",
      kind: "list",
      setting: "build.legs",
      placeholder: "JOB",
      description: "Jobs that must have succeeded for this commit, names or globs, one per line: every target platform's build.",
    },
    {
      name: "run-id",
      kind: "string",
      placeholder: "ID",
      shownDefault: "this workflow run (GITHUB_RUN_ID); this pipeline (CI_PIPELINE_ID)",
      description: "The workflow run (GitHub) or pipeline (GitLab) whose jobs are the build legs.",
    },
  ],
  documents: [],
  outputs: [
    { name: "tests", description: "Tests read in the required suites", value: (report) => sum(report, "tests") },
    { name: "failed", description: "Failing tests (failures, errors, setup errors)", value: (report) => details(report).failing?.length },
    { name: "flaky", description: "Tests that passed only on a retry", value: (report) => sum(report, "flaky") },
  ],
  gitlab: { stage: "test", stageHint: "after the jobs that write the test results and lint logs (keep them as artifacts)" },
  renderers: async () => (await import("./renderers.js")).testRenderers,
});
