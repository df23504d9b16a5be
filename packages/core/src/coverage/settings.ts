import * as z from "zod";
import { NoDataOutcome } from "../report/schema.js";
import { COVERAGE_FORMATS } from "./parsers/types.js";

const Percent = z.number().min(0).max(100);
/** jest's convention: a positive number is a minimum percentage, a negative one the most uncovered items allowed. */
const ThresholdValue = z.number().max(100);

export const MetricThresholds = z.strictObject({
  lines: ThresholdValue.optional(),
  branches: ThresholdValue.optional(),
  functions: ThresholdValue.optional(),
  statements: ThresholdValue.optional(),
});

export const CoverageThresholds = z.strictObject({
  /** Applied to all files not claimed by a `paths` entry (jest's `global`). */
  global: MetricThresholds.optional(),
  /** Applied to every file on its own. */
  perFile: MetricThresholds.optional(),
  /** Keys: a directory (`src/api/`, aggregate), a file, or a glob (each matching file on its own). */
  paths: z.record(z.string().min(1), MetricThresholds).optional(),
});

export const DEFAULT_COVERAGE_REPORTS = [
  "coverage/lcov.info",
  "coverage/cobertura-coverage.xml",
  "coverage/coverage-final.json",
  "coverage/clover.xml",
  "coverage.xml",
  "coverage.out",
  "target/site/jacoco/jacoco.xml",
] as const;

export const CoverageSettings = z.strictObject({
  /** Globs of the reports to read, relative to the repository root; all matches are merged. */
  reports: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_COVERAGE_REPORTS]),
  format: z.enum(["auto", ...COVERAGE_FORMATS]).default("auto"),
  /** Globs of repo-relative files to leave out (tests, generated code): they count in no metric. */
  exclude: z.array(z.string().min(1)).default([]),
  /** Path prefixes removed from report paths (a CI machine's checkout directory, a Go module path). */
  stripPrefixes: z.array(z.string().min(1)).default([]),
  /** The release process's "unit-test coverage > 80 %" when nothing is set. */
  thresholds: CoverageThresholds.default({ global: { lines: 80 } }),
  patch: z
    .strictObject({
      /** Minimum coverage of the lines a change adds or modifies. */
      threshold: Percent.default(80),
      /** A change touching no coverable line (docs only) passes by default. */
      onNoData: NoDataOutcome.default("pass"),
    })
    .default({ threshold: 80, onNoData: "pass" }),
  /** Coverage report of the base branch, for the drop check. */
  baseReport: z.string().min(1).optional(),
  /** Most percentage points each metric may fall below the base report (default: lines may not fall at all). */
  maxDrop: z
    .strictObject({ lines: Percent.optional(), branches: Percent.optional(), functions: Percent.optional(), statements: Percent.optional() })
    .default({ lines: 0 }),
  /** A metric with nothing to measure fails by default: a vacuous pass hides regressions. */
  onNoData: NoDataOutcome.default("fail"),
  /** Report files that match no repository file: warn by default; fail to be strict. */
  onUnmatchedFiles: z.enum(["fail", "warn"]).default("warn"),
});

export type CoverageSettings = z.infer<typeof CoverageSettings>;
export type CoverageThresholds = z.infer<typeof CoverageThresholds>;
export type MetricThresholds = z.infer<typeof MetricThresholds>;
