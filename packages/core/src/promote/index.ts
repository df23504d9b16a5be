/** @release-gates/core/promote: the environment chain decided (soak, freeze windows, canary analysis, rollout, rollback), the ledger and the renderings. */

export { type AnalysisInterval, type AnalysisVerdict, judgeAnalysis, type MetricVerdict, parseRecordedAnalysis, RecordedAnalysis } from "./analysis.js";
export { closingRule, describeWindow, type FreezeRules, inWindow, nextOpening, wallClock } from "./calendar.js";
export { DEFAULT_LEDGER, decisionTime, PROMOTE_OPTIONS, planView, promoteView } from "./command.js";
export {
  type CanaryAnalysis,
  decidePromotion,
  finalTraffic,
  type GateEvidence,
  type Promotion,
  type PromotionDecision,
  type PromotionInput,
  planPromotions,
  resolveTarget,
  standing,
} from "./decide.js";
export { LedgerEntry, ledgerLine, parseLedger } from "./ledger.js";
export { assertPolicyValid, lintPolicy, type PolicyProblem } from "./lint.js";
export { renderPlanMarkdown, renderPlanText, renderPromotionMarkdown, renderPromotionMermaid, renderPromotionText } from "./render.js";
export { RELEASE_PROCESS_TEMPLATE } from "./template.js";
