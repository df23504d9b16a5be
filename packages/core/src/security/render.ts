import { escapeCell, section, table } from "../render/markdown.js";
import type { GateReport } from "../report/schema.js";
import type { AuditEvaluation } from "./audits.js";
import { type DependencyDecision, dependencyFindings } from "./evaluate.js";
import type { StaticAnalysisEvaluation } from "./static-analysis.js";

const DECISION_CELL: Record<DependencyDecision, string> = {
  blocking: "❌ blocking",
  unaccepted: "❌ fix or accept",
  "expired-acceptance": "❌ acceptance expired",
  "unknown-severity": "❔ unrated",
  accepted: "✅ accepted",
  "out-of-scope": "➖ out of scope",
  "no-fix-yet": "➖ no fix yet",
  "below-policy": "⚠️ below policy",
};

const ORDER: readonly DependencyDecision[] = [
  "blocking",
  "expired-acceptance",
  "unaccepted",
  "unknown-severity",
  "below-policy",
  "accepted",
  "no-fix-yet",
  "out-of-scope",
];

/** The audits the manifest lists, with their findings' states, when the gate checked them. */
function auditsSection(report: GateReport): string[] {
  const audits = (report.predicate.details?.audits as AuditEvaluation["details"] | undefined)?.audits;
  if (!audits || audits.length === 0) return [];
  const rows = audits.map(
    (audit) =>
      `| ${escapeCell(audit.firm)} | ${audit.date} | \`${audit.commit.slice(0, 7)}\` | ${escapeCell(audit.report)} | ${audit.open} | ${audit.acknowledged} | ${audit.fixed} |`,
  );
  return [section("Audits", table(["Firm", "Date", "Commit", "Report", "Open", "Acknowledged", "Fixed"], rows), rows.length)];
}

/** The static analysers' results by severity: how much was found, and how much of it blocks. */
function staticAnalysisSection(report: GateReport): string[] {
  const details = report.predicate.details?.staticAnalysis as StaticAnalysisEvaluation["details"] | undefined;
  if (!details) return [];
  const counts = (["critical", "high", "medium", "low", "info"] as const).map((severity) => details.bySeverity[severity]);
  const row = `| ${details.results} | ${counts.join(" | ")} | ${details.acknowledged} | ${details.blocking} |`;
  return [section("Static analysis", table(["Results", "Critical", "High", "Medium", "Low", "Info", "Acknowledged", "Blocking"], [row]), 1)];
}

/** The vulnerable dependencies as a table, what must be fixed first; then the audits and static analysis. */
export function securityMarkdownSections(report: GateReport, rowLimit = 100): string[] {
  return [...dependencySection(report, rowLimit), ...auditsSection(report), ...staticAnalysisSection(report)];
}

function dependencySection(report: GateReport, rowLimit: number): string[] {
  const rows = dependencyFindings(report).sort((a, b) => ORDER.indexOf(a.properties.decision) - ORDER.indexOf(b.properties.decision));
  if (rows.length === 0) return [];
  const lines = rows.slice(0, rowLimit).map(({ finding, properties: p }) => {
    const score = p.score === undefined ? "" : ` ${p.score}`;
    return `| ${DECISION_CELL[p.decision]} | \`${escapeCell(p.package)}\` | ${escapeCell(p.version ?? "?")} | [${escapeCell(finding.id)}](https://osv.dev/vulnerability/${encodeURIComponent(finding.id)}) | ${p.severity}${score} | ${escapeCell(p.fixedIn ?? "")} | ${p.scope} |`;
  });
  const more = rows.length > rowLimit ? `\n\n…and ${rows.length - rowLimit} more in the report.` : "";
  const header = ["Decision", "Package", "Version", "Advisory", "Severity", "Fixed in", "Scope"];
  return [section(`Vulnerable dependencies (${rows.length})`, table(header, lines) + more, lines.length)];
}
