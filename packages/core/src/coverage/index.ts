/** @release-gates/core/coverage: coverage reports in every format, their paths in the repository, the thresholds and the decision. */

export {
  type CoverageDetails,
  type CoverageEvaluation,
  type CoverageEvaluationInput,
  evaluateCoverage,
  type MetricTotal,
  type ReadReport,
} from "./evaluate.js";
export { type CoverageExtra, coverageGate } from "./gate.js";
export {
  type Counts,
  CoverageMap,
  emptyFileCoverage,
  type FileCounter,
  type FileCoverage,
  fileCounts,
  METRICS,
  type Metric,
  mergeFileCoverage,
  percentage,
  sumCounts,
} from "./model.js";
export { createCoverageParser, DETECTION_WINDOW, detectCoverageFormat, parseCoverageReport } from "./parsers/index.js";
export { COVERAGE_FORMATS, type CoverageFormat, type CoverageParser, type ParsedReport } from "./parsers/types.js";
export { normaliseReportPath, type PathContext, RepoFileIndex, type ResolvedCoverage, resolveCoveragePaths, toPosixPath } from "./paths.js";
export { coverageMarkdownSections, renderCobertura, renderGitLabCoverageLine } from "./render.js";
export { CoverageSettings, CoverageThresholds, DEFAULT_COVERAGE_REPORTS, MetricThresholds } from "./settings.js";
export { classifyPathKey, evaluateThreshold, formatPercent, type PathRule, parseThresholdList, type ThresholdResult } from "./thresholds.js";
