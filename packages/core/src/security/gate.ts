import { defineGate } from "../kit/descriptor.js";
import type { GateReport } from "../report/schema.js";
import type { DependencyEvaluation } from "./evaluate.js";
import type { AcceptedRisk } from "./risks.js";
import type { SecretsEvaluation } from "./secrets.js";
import { SecuritySettings } from "./settings.js";

/** What a security run keeps besides its report: each part's evaluation, the accepted risks (for VEX) and a generated SBOM. */
export interface SecurityExtra {
  dependencies?: DependencyEvaluation;
  secrets?: SecretsEvaluation;
  /** The accepted risks read, for the VEX document. */
  register: AcceptedRisk[];
  /** The time the decision was made at (expiry is judged against it). */
  decidedAt: Date;
  /** The SBOM generated for this run, when none was given. */
  generatedSbom?: string;
}

const blocking = (report: GateReport) => report.predicate.findings.filter((finding) => finding.severity === "error").length;

/** The security gate: vulnerable dependencies, secrets, licences, audits and reviews. */
export const securityGate = defineGate<typeof SecuritySettings, SecurityExtra>({
  id: "security",
  name: "security-gate",
  command: "security",
  title: "Security gate",
  description:
    "Vulnerable dependencies (offline OSV or npm audit), hardcoded secrets, licences, smart-contract audits, static analysis and security checklists, decided against the release policy and the accepted-risk register, with the reasons.",
  summary: "security gate: vulnerable dependencies, secrets, licences, audits and checklists, with accepted risks",
  help: `Matches the project's dependencies against advisories offline, scans for
hardcoded secrets, checks licences, audits and reviews, decides against the
policy and the accepted-risk register, and writes the gate report.`,
  icon: "shield",
  settings: SecuritySettings,
  options: [
    {
      name: "sbom",
      kind: "path",
      setting: "sbom",
      placeholder: "FILE",
      shownDefault: "generated with @cyclonedx/cyclonedx-npm",
      description:
        "CycloneDX (1.4–1.6) or SPDX 2.3 JSON SBOM, or an npm lock file to read directly. Default - generate one with @cyclonedx/cyclonedx-npm from package.json and package-lock.json.",
    },
    {
      name: "sbom-out",
      kind: "path",
      setting: "sbomOut",
      placeholder: "FILE",
      frontEnds: ["action", "cli"],
      shownDefault: "`release-gates/sbom.cdx.json`",
      description: "Where a generated SBOM is written (the action's output sbom-path).",
    },
    {
      name: "advisories",
      kind: "path",
      setting: "advisories",
      placeholder: "DIR|ZIP",
      description: "An OSV snapshot, a directory of advisory JSON files or a zip of them (such as OSV's npm/all.zip).",
    },
    { name: "npm-audit", kind: "path", setting: "npmAudit", placeholder: "FILE", description: "npm audit --json (v2) output." },
    {
      name: "fail-on",
      kind: "enum",
      setting: "failOn",
      placeholder: "SEVERITY",
      shownDefault: "the policy's, else `high`",
      description: "Findings at or above this severity fail; no accepted risk lifts them.",
    },
    {
      name: "accept-from",
      kind: "enum",
      setting: "requireAcceptanceFrom",
      placeholder: "SEVERITY",
      shownDefault: "the policy's, else `medium`",
      description: "Findings from this severity up to fail-on pass only with an unexpired accepted risk.",
    },
    {
      name: "scope",
      kind: "list",
      setting: "scopes",
      separator: /[\s,]+/,
      placeholder: "LIST",
      shownDefault: "the policy's, else `runtime`",
      description: "Dependency scopes that count, runtime and/or development (space-separated).",
    },
    { name: "only-fixable", kind: "boolean", setting: "onlyFixable", description: "Count only findings that have a fixed version." },
    {
      name: "risk-register",
      kind: "path",
      setting: "riskRegister",
      placeholder: "FILE",
      shownDefault: "`security/accepted-risks.yml` if present",
      description: "Accepted risks (YAML): advisory, package, reason, owner, expiry.",
    },
    {
      name: "max-snapshot-age",
      kind: "duration",
      setting: "maxSnapshotAge",
      placeholder: "DUR",
      description: "Warn (or fail, per the policy) when the newest advisory is older than this, e.g. 7d.",
    },
    { name: "secrets", kind: "boolean", setting: "secrets.scan", description: "Also scan the repository's files for hardcoded secrets." },
    {
      name: "secrets-diff",
      kind: "string",
      setting: "secrets.diffBase",
      placeholder: "REF",
      gitlabExpand: true,
      description:
        "Scan only the lines changed since this ref (a pull request's base, $CI_MERGE_REQUEST_DIFF_BASE_SHA); needs the history (fetch-depth 0, GIT_DEPTH 0).",
    },
    {
      name: "secrets-allowlist",
      kind: "path",
      setting: "secrets.allowlist",
      placeholder: "FILE",
      shownDefault: "`security/secrets-allowlist.yml` if present",
      description: "Paths, line regexes and fingerprints that are not secrets (YAML).",
    },
    {
      name: "secrets-baseline",
      kind: "path",
      setting: "secrets.baseline",
      placeholder: "FILE",
      description: "Known findings, reported but not failing - a JSON list of fingerprints or an earlier security-gate report.",
    },
    { name: "gitleaks-report", kind: "path", setting: "secrets.gitleaksReport", placeholder: "FILE", description: "A gitleaks JSON report to include." },
    {
      name: "audits",
      kind: "path",
      setting: "audits.manifest",
      placeholder: "FILE",
      description:
        "Check the audit manifest (YAML, e.g. audits/audits.yml) - independent audits of each contract since the audited commit, published reports and their sha256, findings.",
    },
    {
      name: "require-pen-test",
      kind: "boolean",
      setting: "audits.requirePenTest",
      description: "A penetration test covering the environment, recent enough for the policy, must be in the audit manifest.",
    },
    {
      name: "static-analysis",
      kind: "list",
      setting: "staticAnalysis",
      placeholder: "FILE",
      description: "SARIF 2.1.0 logs (Slither, Semgrep...) whose results are decided as audit findings, one path per line (or a repeated flag).",
    },
    {
      name: "checklist",
      kind: "list",
      setting: "checklists",
      placeholder: "FILE",
      description: "Markdown checklists whose every item must be ticked, one path per line (or a repeated flag).",
    },
  ],
  documents: [
    {
      option: "sarif-out",
      frontEnds: ["action", "cli"],
      description: "Also write the findings as SARIF 2.1.0 here, for GitHub code scanning (needs security-events write).",
      gitlabPath: "release-gates/security.sarif",
      actionOutput: "sarif-path",
    },
    {
      option: "vex-out",
      frontEnds: ["action", "cli"],
      description: "Also publish the unexpired accepted risks as a CycloneDX 1.6 VEX document here.",
      gitlabPath: "release-gates/accepted-risks.vex.json",
      actionOutput: "vex-path",
    },
    {
      option: "dependency-scanning-out",
      frontEnds: ["cli"],
      description: "Also write the vulnerable dependencies as a GitLab dependency_scanning report.",
      gitlabPath: "release-gates/gl-dependency-scanning-report.json",
      gitlabReport: { name: "dependency_scanning" },
    },
    {
      option: "secret-detection-out",
      frontEnds: ["cli"],
      description: "Also write the secrets found as a GitLab secret_detection report (redacted).",
      gitlabPath: "release-gates/gl-secret-detection-report.json",
      gitlabReport: { name: "secret_detection" },
    },
  ],
  outputs: [
    { name: "blocking", description: "Number of findings that fail the gate", value: blocking },
    {
      name: "vulnerable",
      description: "Number of installed packages with at least one matching advisory (empty when dependencies were not checked)",
      value: (_report, extra) => extra.dependencies?.details.vulnerableComponents,
    },
    {
      name: "secrets",
      description: "Number of new hardcoded secrets found (empty when secrets were not checked)",
      value: (_report, extra) => extra.secrets?.findings.filter((finding) => finding.severity === "error").length,
    },
    {
      name: "sbom-path",
      description: "Path of the CycloneDX SBOM generated for this run, when none was given",
      value: (_report, extra) => extra.generatedSbom,
    },
  ],
  gitlab: {
    stage: "test",
    stageHint: "after the jobs that write what it reads",
    reports: { cyclonedx: "release-gates/sbom.cdx.json" },
  },
  renderers: async () => (await import("./renderers.js")).securityRenderers,
});
