import type { Check, Finding, GateReport } from "../report/schema.js";
import { measuredText, statusText, thresholdText } from "./cells.js";

const cell = (check: Check): [string, string, string, string] => [statusText(check), check.id, measuredText(check), thresholdText(check)];

/** A plain table for terminals and CI logs: no colour codes, no Markdown. */
export function renderText(report: GateReport): string {
  const { predicate } = report;
  const header: [string, string, string, string] = ["RESULT", "CHECK", "MEASURED", "THRESHOLD"];
  const rows = [header, ...predicate.checks.map(cell)];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const table = rows.map((row) =>
    row
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  return [
    `${predicate.gate}: ${predicate.status.toUpperCase()}${predicate.environment ? ` (${predicate.environment})` : ""}`,
    "",
    ...table,
    "",
    ...predicate.checks.map((check) => `- ${check.id}: ${check.message}`),
    "",
    predicate.summary,
    "",
  ].join("\n");
}

/** The findings that fail the gate, one per line, for a terminal: what must be fixed, the rest left to the report. */
export function renderBlockingFindings(findings: readonly Finding[], limit = 20): string {
  const blocking = findings.filter((finding) => finding.severity === "error");
  if (blocking.length === 0) return "";
  const lines = blocking.slice(0, limit).map((finding) => `  ✗ ${finding.message}\n`);
  if (blocking.length > limit) lines.push(`  …and ${blocking.length - limit} more in the report.\n`);
  return `Blocking findings:\n${lines.join("")}`;
}
