/** @release-gates/core/observability: the observability gate's settings, descriptor, evidence readers and decision. */
export { checkSloAlerts, WORKBOOK_WINDOWS, windowsForPeriod } from "./burn.js";
export { type Dashboard, type DashboardProvider, dashboardModel, readDashboard } from "./dashboards.js";
export { type DocumentFacts, type DocumentKind, markdownAnchors, markdownHeadings } from "./docs.js";
export {
  evaluateObservability,
  type LiveObservations,
  type ObservabilityDetails,
  type ObservabilityEvaluation,
  type ObservabilityInputs,
  type PromtoolVerdict,
} from "./evaluate.js";
export { type CheckFinding, type Evidence, EvidenceReader, OBSERVABILITY_CHECKS, type ObservabilityCheckId } from "./evidence.js";
export { type ObservabilityExtra, observabilityGate } from "./gate.js";
export type { RepositoryFiles } from "./hygiene.js";
export { type DeployedDashboard, type LoadedRule, liveSeriesSelectors, parseGrafanaSearch, parseLoadedRules, seriesExist, servedDashboard } from "./live.js";
export { PromqlQuery, promDurationMs } from "./promql.js";
export { RuleIndex } from "./rule-index.js";
export type { RuleFile } from "./rules.js";
export { DEFAULT_EVIDENCE_GLOBS, ObservabilitySettings } from "./settings.js";
export { type CollectorConfig, parseCollectorConfig, parseSdkEnvironment, type SdkEnvironment } from "./telemetry.js";
