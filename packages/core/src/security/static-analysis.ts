import type { Check, Finding } from "../report/schema.js";
import { readSarifLog, type SarifResultRead } from "../sarif.js";
import { BLOCKING_REVIEW_SEVERITIES, type ReviewSeverity, reviewFindingSeverity, type StaticAnalysisAcknowledgement } from "./audits.js";

/** One result of a static analyser, with the severity read the way its tool means it. */
export type AnalysisResult = Omit<SarifResultRead, "level" | "baselineState" | "properties"> & { severity: ReviewSeverity };

/** `security-severity` is a CVSS-like 0–10 score, banded as CVSS bands it. */
function scoreSeverity(value: unknown): ReviewSeverity | undefined {
  const score = typeof value === "string" || typeof value === "number" ? Number(value) : Number.NaN;
  if (!Number.isFinite(score)) return undefined;
  return score >= 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : score > 0 ? "low" : "info";
}

const LEVEL_SEVERITY: Record<string, ReviewSeverity> = { error: "high", warning: "medium", note: "low", none: "info" };
/** Slither's rule ids begin with the impact: 0 high, 1 medium, 2 low, 3 informational, 4 optimization. */
const SLITHER_IMPACT: readonly ReviewSeverity[] = ["high", "medium", "low", "info", "info"];

/**
 * The results of a SARIF 2.1.0 log (Slither, Semgrep, CodeQL…) as review
 * findings. The severity comes from `security-severity` (the result's, then
 * its rule's), then Slither's impact prefix, and only then from `level`:
 * Slither marks every result "warning" whatever its impact.
 */
export function parseSarifResults(text: string, source: string): AnalysisResult[] {
  return readSarifLog(text, source).flatMap((run) =>
    run.results.map((result) => {
      const slither = /^([0-4])-[0-4]-/.exec(result.rule);
      const severity =
        scoreSeverity(result.properties.result?.["security-severity"]) ??
        scoreSeverity(result.properties.rule?.["security-severity"]) ??
        (slither ? SLITHER_IMPACT[Number(slither[1])] : undefined) ??
        LEVEL_SEVERITY[result.level] ??
        "medium";
      const { level: _level, baselineState: _baseline, properties: _properties, ...read } = result;
      return { ...read, severity };
    }),
  );
}

export interface StaticAnalysisEvaluation {
  checks: Check[];
  findings: Finding[];
  details: { results: number; bySeverity: Record<ReviewSeverity, number>; acknowledged: number; blocking: number };
}

/**
 * Static-analysis results decided as audit findings are: critical and high
 * block; medium blocks unless acknowledged (in the audit manifest, by rule
 * and file, or by an accepted SARIF suppression) with a reason; lower ones
 * are notices.
 */
export function evaluateStaticAnalysis(
  results: readonly AnalysisResult[],
  acknowledged: readonly StaticAnalysisAcknowledgement[],
  sources: readonly string[],
): StaticAnalysisEvaluation {
  const findings: Finding[] = [];
  const bySeverity: Record<ReviewSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  let blocking = 0;
  let acknowledgedCount = 0;
  for (const result of results) {
    bySeverity[result.severity] += 1;
    const acknowledgement =
      acknowledged.find(
        (entry) =>
          (entry.rule === result.rule || entry.rule === result.rule.replace(/^[0-4]-[0-4]-/, "")) && (entry.path === undefined || entry.path === result.path),
      )?.reason ?? result.suppressed;
    const severity = reviewFindingSeverity(result.severity, acknowledgement ? "acknowledged" : "open");
    if (acknowledgement) acknowledgedCount += 1;
    if (!severity) continue;
    if (severity === "error") blocking += 1;
    const where = result.path ? `${result.path}${result.startLine ? `:${result.startLine}` : ""}: ` : "";
    findings.push({
      id: result.rule,
      severity,
      message: `${where}${result.tool} ${result.severity} ${result.rule}: ${result.message}${acknowledgement ? ` (acknowledged: ${acknowledgement})` : severity === "error" && !BLOCKING_REVIEW_SEVERITIES.has(result.severity) ? " — fix it or acknowledge it with a reason" : ""}`,
      ...(result.path ? { location: { path: result.path, startLine: result.startLine, endLine: result.endLine } } : {}),
      properties: { tool: result.tool, rule: result.rule, severity: result.severity, fingerprint: result.fingerprint, acknowledged: acknowledgement },
    });
  }
  return {
    checks: [
      {
        id: "static-analysis",
        status: blocking === 0 ? "pass" : "fail",
        measured: blocking,
        threshold: 0,
        message:
          blocking === 0
            ? `No unresolved critical, high or medium result among ${results.length} from ${sources.join(", ")}.`
            : `${blocking} of ${results.length} static-analysis results ${blocking === 1 ? "is" : "are"} critical, high, or medium and not acknowledged.`,
      },
    ],
    findings,
    details: { results: results.length, bySeverity, acknowledged: acknowledgedCount, blocking },
  };
}
