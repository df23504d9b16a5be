import type { FileCoverage } from "../model.js";

export const COVERAGE_FORMATS = ["lcov", "cobertura", "clover", "jacoco", "istanbul", "istanbul-summary", "go"] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

export interface ParsedReport {
  format: CoverageFormat;
  files: FileCoverage[];
  /** Roots that relative file names in the report are relative to (Cobertura `<source>`). */
  sourceRoots: string[];
}

/**
 * A push parser: the caller streams the report in with `write` and gets the
 * result from `end`, so no format needs the whole file in memory at once
 * (except istanbul JSON, which has no streaming shape).
 */
export interface CoverageParser {
  write(chunk: string): void;
  end(): ParsedReport;
}
