import { effectiveStatus } from "../report/build.js";
import type { Check, Finding, GateReport } from "../report/schema.js";

function cell(check: Check): [string, string, string, string] {
  const measured = check.measured === null ? "no data" : `${check.measured}${check.unit === "%" ? " %" : check.unit ? ` ${check.unit}` : ""}`;
  const threshold =
    check.threshold === null
      ? ""
      : typeof check.threshold === "string"
        ? check.threshold
        : check.unit === "%"
          ? `>= ${check.threshold} %`
          : check.unit === "uncovered"
            ? `<= ${-check.threshold} uncovered`
            : `<= ${check.threshold} ${check.unit ?? ""}`.trim();
  const status = check.status === "no-data" ? `NO DATA (${effectiveStatus(check)})` : check.status.toUpperCase();
  return [status, check.id, measured, threshold];
}

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
