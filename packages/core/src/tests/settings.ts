import * as z from "zod";
import { NoDataOutcome } from "../report/schema.js";

/** Where test results are found unless the policy says: the names the common reporters write. */
export const DEFAULT_REPORT_GLOBS = ["**/junit*.xml", "**/TEST-*.xml", "**/test-results/**/*.xml", "**/*.trx"] as const;

/** Where lint results (SARIF) are found unless the policy says. */
export const DEFAULT_LINT_GLOBS = ["**/eslint*.sarif", "**/*lint*.sarif", "lint/**/*.sarif"] as const;

const Globs = z.array(z.string().min(1));
const Severity = z.enum(["fail", "warn", "off"]);

const Suite = z.strictObject({
  /** `integration`, `regression`, `e2e/firefox`: named in messages and the report. */
  name: z.string().min(1),
  /** The report files of this suite (globs). */
  reports: Globs.default([]),
  /** Globs on the test suite's name, the class or the test's name: `tests.integration.*`, `*IT`. */
  match: Globs.default([]),
  /** A Playwright project (its reporter writes it as the suite's hostname): `chromium`, `firefox`, `webkit`. */
  project: z.string().min(1).optional(),
  /** Fewer tests than this is a suite that silently ran nothing (or lost its browser). */
  minTests: z.number().int().min(0).default(1),
  /** Passed of the tests that ran, in percent. */
  passRate: z.number().min(0).max(100).default(100),
});

/** `gates.tests` in release-gates.yml; every key has a documented default. */
export const TestSettings = z.strictObject({
  /** JUnit XML and TRX files (globs); told apart by content. */
  reports: Globs.default([...DEFAULT_REPORT_GLOBS]),
  /** The suites the release needs; none: every test found, at least one. */
  suites: z.array(Suite).default([]),
  /** How many skipped tests are tolerated (todo and expected failures are reported apart); no budget: reported, not judged. */
  skipped: z
    .strictObject({
      max: z.number().int().min(0).optional(),
      maxPercent: z.number().min(0).max(100).optional(),
    })
    .optional(),
  /** A test that passed only on a retry: its own verdict. */
  flaky: Severity.default("warn"),
  /** The base branch's results: a test that passed there and fails or is gone now is a regression. */
  regression: z.strictObject({ base: Globs.default([]) }).prefault({}),
  lint: z
    .strictObject({
      /** SARIF 2.1.0 logs of the linters. */
      reports: Globs.default([...DEFAULT_LINT_GLOBS]),
      /** Without a lint report the gate has nothing to say about lint: no-data, failing by default. */
      required: z.boolean().default(true),
      /** Only new errors fail: SARIF's baselineState, or not in the base logs. */
      newOnly: z.boolean().default(false),
      /** The base branch's lint logs, for newOnly. */
      base: Globs.default([]),
    })
    .prefault({}),
  build: z
    .strictObject({
      /** The jobs that must succeed for this commit (names or globs): every target platform's build. */
      legs: Globs.default([]),
      /** Every job read must be for the commit being gated. */
      sameSha: z.boolean().default(true),
    })
    .prefault({}),
  /** Nothing to measure fails by default: a vacuous pass hides regressions. */
  onNoData: NoDataOutcome.default("fail"),
});

export type TestSettings = z.infer<typeof TestSettings>;
export type TestSuiteSetting = z.infer<typeof Suite>;
