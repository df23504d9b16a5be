/** @release-gates/core/security: SBOMs, advisories, risks, secrets, licences, audits and the decision, with their documents (SARIF, VEX, GitLab reports). */

export {
  type Audit,
  type AuditEvaluation,
  type AuditInput,
  type AuditManifest,
  type AuditSettings,
  BLOCKING_REVIEW_SEVERITIES,
  type ChangesSinceCommit,
  type ContractFile,
  declaredContracts,
  evaluateAudits,
  type PenTest,
  type PublishedDigests,
  ReviewSeverity,
  readAuditManifest,
  reviewFindingSeverity,
  type StaticAnalysisAcknowledgement,
} from "./audits.js";
export { type ChecklistFile, type ChecklistItem, evaluateChecklists, parseChecklist } from "./checklist.js";
export {
  AdvisorySelection,
  type AdvisorySnapshot,
  type DependencyDecision,
  type DependencyEvaluation,
  type DependencyEvaluationInput,
  type DependencyFinding,
  type DependencyFindingProperties,
  dependencyFindings,
  describeSnapshot,
  evaluateDependencies,
} from "./evaluate.js";
export { type SecurityExtra, securityGate } from "./gate.js";
export {
  GITLAB_SECURITY_REPORT_VERSION,
  type GitLabSecurityReport,
  type GitLabVulnerability,
  renderDependencyScanningReport,
  renderSecretDetectionReport,
} from "./gitlab.js";
export { evaluateLicenses, type LicenseEvaluation, type LicenseExpression, type LicensePolicy, licenseAllowed, parseLicenseExpression } from "./licenses.js";
export { type NpmAuditReport, npmAuditHits, parseNpmAudit, parseNpmLockfile } from "./npm.js";
export { type AdvisoryHit, type AdvisorySeverity, advisorySeverity, type MatchResult, matchAdvisories, type OsvAdvisory, parseOsvAdvisory } from "./osv.js";
export { osvPackage, type PackageUrl, parsePurl } from "./purl.js";
export { securityMarkdownSections } from "./render.js";
export { type AcceptedRisk, acceptedRiskFor, isExpired, readRiskRegister } from "./risks.js";
export { renderSecuritySarif } from "./sarif.js";
export { type Component, parseSbom, type Sbom } from "./sbom.js";
export {
  allowlistMatcher,
  evaluateSecrets,
  parseGitleaksReport,
  parseSecretsBaseline,
  readSecretsAllowlist,
  redactPath,
  redactSecret,
  SECRET_RULES,
  type SecretFinding,
  type SecretRule,
  type SecretsAllowlist,
  type SecretsEvaluation,
  scanForSecrets,
  scanPathForSecrets,
  secretFingerprint,
  shannonEntropy,
} from "./secrets.js";
export { DEFAULT_AUDIT_MANIFEST, SecuritySettings } from "./settings.js";
export { atLeast, cvss3BaseScore, cvss4BaseScore, normaliseSeverity, ratingOf, SEVERITIES, type Severity } from "./severity.js";
export { type AnalysisResult, evaluateStaticAnalysis, parseSarifResults, type StaticAnalysisEvaluation } from "./static-analysis.js";
export { renderRiskRegisterVex } from "./vex.js";
