import type { Log, ReportingDescriptor, Result } from "sarif";
import { sha256 } from "../report/build.js";
import type { Finding, GateReport } from "../report/schema.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import { dependencyFindings } from "./evaluate.js";

/** GitHub code scanning ranks alerts by `security-severity` (a CVSS-like 0–10) when no score is known. */
const SEVERITY_SCORE: Record<string, number> = { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, unknown: 9.5 };
const LEVEL: Record<Finding["severity"], "error" | "warning" | "note"> = { error: "error", warning: "warning", notice: "note" };

/**
 * The dependency findings of a security-gate report as SARIF 2.1.0, for
 * GitHub code scanning: one rule per advisory (its severity as
 * `security-severity`), one result per vulnerable package version, located
 * in the SBOM or lock file, with a fingerprint that stays stable across runs.
 */
export function renderSecuritySarif(report: GateReport): Log {
  const rules = new Map<string, ReportingDescriptor>();
  const results = dependencyFindings(report).map(({ finding, properties: p }): Result => {
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
