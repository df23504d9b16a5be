import type { Log, ReportingDescriptor, Result } from "sarif";
import { sha256 } from "../report/build.js";
import type { Finding, GateReport } from "../report/schema.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import { dependencyFindings } from "./evaluate.js";
import { secretFindings } from "./secrets.js";

/** GitHub code scanning ranks alerts by `security-severity` (a CVSS-like 0–10) when no score is known. */
const SEVERITY_SCORE: Record<string, number> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, unknown: 9.5 };
const LEVEL: Record<Finding["severity"], "error" | "warning" | "note"> = { error: "error", warning: "warning", notice: "note" };

/** A leaked credential ranks with the most severe advisories. */
const SECRET_SEVERITY = "9.5";

/**
 * The hardcoded secrets as SARIF results: one rule per secret rule, each
 * result at the file and line with the redacted value only, fingerprinted
 * as the report fingerprints it (so code scanning tracks it across runs).
 */
function secretResults(report: GateReport, rules: Map<string, ReportingDescriptor>): Result[] {
  return secretFindings(report).map(({ finding, properties: p }): Result => {
    const ruleId = `secret/${p.rule}`;
    if (!rules.has(ruleId)) {
      rules.set(ruleId, {
        id: ruleId,
        name: p.rule,
        shortDescription: { text: p.description },
        properties: { "security-severity": SECRET_SEVERITY, tags: ["security", "secret"] },
      });
    }
    return {
      ruleId,
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: finding.location.path }, region: { startLine: finding.location.startLine ?? 1 } } }],
      partialFingerprints: { "releaseGatesSecret/v1": p.fingerprint },
      properties: { redacted: p.redacted, source: p.source, baseline: p.baseline },
    };
  });
}

/**
 * The findings of a security-gate report as SARIF 2.1.0, for GitHub code
 * scanning. Dependencies: one rule per advisory (its severity as
 * `security-severity`), one result per vulnerable package version, located
 * in the SBOM or lock file, with a fingerprint that stays stable across runs.
 * Secrets: one result per secret at its file and line, redacted.
 */
export function renderSecuritySarif(report: GateReport): Log {
  const rules = new Map<string, ReportingDescriptor>();
  const dependencyResults = dependencyFindings(report).map(({ finding, properties: p }): Result => {
    if (!rules.has(p.advisory)) {
      rules.set(p.advisory, {
        id: p.advisory,
        name: p.advisory,
        shortDescription: { text: p.summary },
        helpUri: `https://osv.dev/vulnerability/${p.advisory}`,
        properties: {
          "security-severity": String(p.score ?? SEVERITY_SCORE[p.severity] ?? SEVERITY_SCORE.unknown),
          tags: ["security", "dependency", ...p.aliases],
        },
      });
    }
    return {
      ruleId: p.advisory,
      level: LEVEL[finding.severity],
      message: { text: finding.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: finding.location?.path ?? "." }, region: { startLine: 1 } } }],
      partialFingerprints: { "releaseGatesDependency/v1": sha256(`${p.advisory}\u0000${p.package}\u0000${p.version ?? ""}`) },
      properties: { package: p.package, version: p.version, fixedIn: p.fixedIn, decision: p.decision },
    };
  });
  // Before the rules are listed: the secrets add theirs.
  const results = [...dependencyResults, ...secretResults(report, rules)];
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: TOOL_NAME, semanticVersion: TOOL_VERSION, rules: [...rules.values()] } },
        automationDetails: { id: `security-gate/${report.predicate.environment ?? "default"}/` },
        results,
      },
    ],
  };
}
