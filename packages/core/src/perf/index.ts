/** @release-gates/core/perf: k6 summaries and NDJSON results, threshold expressions, statistics and the decision. */

export {
  DEFAULT_PERF_THRESHOLDS,
  evaluatePerf,
  type PerfDetails,
  type PerfEvaluation,
  type PerfEvaluationInput,
  type PerfMetricRow,
  type PerfRun,
  type PerfThresholdRow,
  type ThresholdSource,
} from "./evaluate.js";
export {
  AGGREGATIONS_BY_TYPE,
  type Aggregation,
  compare,
  K6_METRIC_TYPES,
  type K6MetricType,
  type MetricSelector,
  type Operator,
  parseMetricSelector,
  parseThresholdAssignments,
  parseThresholdExpression,
  selectorMatches,
  statKey,
  type ThresholdExpression,
} from "./expression.js";
export { type PerfExtra, perfGate } from "./gate.js";
export { perfMarkdownSections, renderLoadPerformance } from "./render.js";
export { allSeriesFromPrometheus, joinResourceSeries, parseResourceSamples, type ResourceSample, seriesFromPrometheus } from "./resources.js";
export { BREAKDOWN_TAGS, createK6ResultsParser, type K6Results, resultsDurationMs } from "./results.js";
export { MetricSamples } from "./samples.js";
export { PerfSettings, PerfThresholds } from "./settings.js";
export { k6Percentile, type MannWhitneyResult, mannWhitney, median, normalCdf } from "./stats.js";
export { type K6Summary, type MetricContains, parseK6Summary, SUMMARY_SHAPES, type SummaryMetric, type SummaryShape } from "./summary.js";
