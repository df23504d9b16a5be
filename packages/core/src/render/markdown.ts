import { effectiveStatus } from "../report/build.js";
import type { Check, Finding, GateReport } from "../report/schema.js";

/** GitHub refuses step summaries over 1 MiB; stay clear of it. */
export const MAX_SUMMARY_BYTES = 1000 * 1000;

const STATUS_ICON = { pass: "✅", fail: "❌", warn: "⚠️", skipped: "⏭️", "no-data": "❔" } as const;

export const escapeCell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function measuredCell(value: Check["measured"], unit?: string): string {
  if (value === null) return "no data";
  return unit === "%" ? `${value} %` : unit ? `${value} ${unit}` : String(value);
}

function thresholdCell(check: Check): string {
  if (check.threshold === null) return "";
  if (typeof check.threshold === "string") return check.threshold;
  if (check.unit === "%") return `≥ ${check.threshold} %`;
  if (check.unit === "uncovered") return `≤ ${-check.threshold} uncovered`;
  if (check.unit === "points") return `≤ ${check.threshold} points`;
  return String(check.threshold);
}

function resultCell(check: Check): string {
  if (check.status !== "no-data") return `${STATUS_ICON[check.status]} ${check.status}`;
  return `${STATUS_ICON["no-data"]} no data (${effectiveStatus(check)})`;
}

/** Failing checks first: the reader wants what to fix before what is fine. */
const ORDER = { fail: 0, warn: 1, pass: 2 } as const;

export function renderChecksTable(checks: readonly Check[]): string {
  const sorted = [...checks].sort((a, b) => ORDER[effectiveStatus(a)] - ORDER[effectiveStatus(b)]);
  const rows = sorted.map(
    (check) =>
      `| ${resultCell(check)} | \`${escapeCell(check.id)}\` | ${measuredCell(check.measured, check.unit)} | ${escapeCell(thresholdCell(check))} | ${escapeCell(check.message)} |`,
  );
  return ["| Result | Check | Measured | Threshold | Why |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

function renderFindings(findings: readonly Finding[], limit: number): string {
  if (findings.length === 0) return "";
  const rank = { error: 0, warning: 1, notice: 2 } as const;
  const shown = [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]).slice(0, limit);
  const lines = shown.map((finding) => {
    const where = finding.location
      ? ` \`${finding.location.path}${finding.location.startLine ? `:${finding.location.startLine}${finding.location.endLine && finding.location.endLine !== finding.location.startLine ? `-${finding.location.endLine}` : ""}` : ""}\``
      : "";
    return `- ${finding.severity === "error" ? "❌" : finding.severity === "warning" ? "⚠️" : "ℹ️"}${where} ${finding.message}`;
  });
  if (findings.length > shown.length) lines.push(`- … and ${findings.length - shown.length} more in the report file.`);
  return [`### Findings (${findings.length})`, "", ...lines].join("\n");
}

/**
 * The job summary / merge-request text for any gate: a headline with the
 * decision, the checks (failing first), gate-specific sections, the findings.
 */
export function renderMarkdown(report: GateReport, sections: readonly string[] = [], findingLimit = 50): string {
  const { predicate } = report;
  const commit = report.subject[0]?.digest.gitCommit;
  const parts = [
    `## ${STATUS_ICON[predicate.status]} ${predicate.gate}: ${predicate.status}${predicate.environment ? ` (${predicate.environment})` : ""}`,
    "",
    predicate.summary,
    "",
    renderChecksTable(predicate.checks),
    ...sections.flatMap((section) => ["", section]),
    "",
    renderFindings(predicate.findings, findingLimit),
    "",
    `<sub>${predicate.tool.name} ${predicate.tool.version}${commit ? ` · commit ${commit.slice(0, 12)}` : ""} · policy ${predicate.policyDigest.sha256.slice(0, 12)}</sub>`,
    "",
  ];
  const text = parts.join("\n");
  if (Buffer.byteLength(text) <= MAX_SUMMARY_BYTES || findingLimit <= 5) return text;
  return renderMarkdown(report, sections, Math.floor(findingLimit / 2));
}
