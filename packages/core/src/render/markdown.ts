import { effectiveStatus } from "../report/build.js";
import type { Check, Finding, GateReport } from "../report/schema.js";
import { measuredText, thresholdText } from "./cells.js";

/** GitHub refuses step summaries over 1 MiB; stay clear of it. */
export const MAX_SUMMARY_BYTES = 1000 * 1000;

const STATUS_ICON = { pass: "✅", fail: "❌", warn: "⚠️", skipped: "⏭️", "no-data": "❔" } as const;

export const escapeCell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

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
      `| ${resultCell(check)} | \`${escapeCell(check.id)}\` | ${escapeCell(measuredText(check))} | ${escapeCell(thresholdText(check))} | ${escapeCell(check.message)} |`,
  );
  return ["| Result | Check | Measured | Threshold | Why |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** Where a summary can link a file: the platform's page of a file at the report's commit (GitHub, GitLab). */
export interface RenderLinks {
  blobUrl(path: string, line?: number): string;
}

/** `path:line` as code, linked to the file at the commit when the platform gives links. */
export function fileReference(path: string, line: number | undefined, links: RenderLinks | undefined, endLine?: number): string {
  const text = `\`${path}${line ? `:${line}${endLine && endLine !== line ? `-${endLine}` : ""}` : ""}\``;
  return links ? `[${text}](${links.blobUrl(path, line)})` : text;
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly string[]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows].join("\n");
}

/** Sections longer than this many rows are folded: the summary stays scannable, nothing is lost. */
const FOLD_AFTER_ROWS = 10;

/** A titled section, folded into <details> when it has more rows than a reader scans. */
export function section(title: string, body: string, rows: number): string {
  return rows > FOLD_AFTER_ROWS ? `<details><summary><strong>${title}</strong></summary>\n\n${body}\n\n</details>` : `### ${title}\n\n${body}`;
}

function renderFindings(findings: readonly Finding[], limit: number, links: RenderLinks | undefined): string {
  if (findings.length === 0) return "";
  const rank = { error: 0, warning: 1, notice: 2 } as const;
  const shown = [...findings].sort((a, b) => rank[a.severity] - rank[b.severity]).slice(0, limit);
  const lines = shown.map((finding) => {
    const where = finding.location ? ` ${fileReference(finding.location.path, finding.location.startLine, links, finding.location.endLine)}` : "";
    return `- ${finding.severity === "error" ? "❌" : finding.severity === "warning" ? "⚠️" : "ℹ️"}${where} ${finding.message}`;
  });
  if (findings.length > shown.length) lines.push(`- … and ${findings.length - shown.length} more in the report file.`);
  return section(`Findings (${findings.length})`, lines.join("\n"), lines.length);
}

/** The failing (else warning) checks' sentences, one per line under the headline: what to fix, first. */
function reasons(checks: readonly Check[]): string[] {
  const failing = checks.filter((check) => effectiveStatus(check) === "fail");
  const shown = failing.length > 0 ? failing : checks.filter((check) => effectiveStatus(check) === "warn");
  return shown.length > 0 ? ["", ...shown.map((check) => `- ${check.message}`)] : [];
}

/**
 * The job summary / merge-request text for any gate: a headline with the
 * decision, the checks (failing first), gate-specific sections, the findings.
 */
export function renderMarkdown(report: GateReport, sections: readonly string[] = [], links?: RenderLinks, findingLimit = 50): string {
  const { predicate } = report;
  const commit = report.subject[0]?.digest.gitCommit;
  const parts = [
    `## ${STATUS_ICON[predicate.status]} ${predicate.gate}: ${predicate.status}${predicate.environment ? ` (${predicate.environment})` : ""}`,
    "",
    predicate.summary,
    ...reasons(predicate.checks),
    "",
    section("Checks", renderChecksTable(predicate.checks), predicate.checks.length),
    ...sections.flatMap((part) => ["", part]),
    "",
    renderFindings(predicate.findings, findingLimit, links),
    "",
    `<sub>${predicate.tool.name} ${predicate.tool.version}${commit ? ` · commit ${commit.slice(0, 12)}` : ""} · policy ${predicate.policyDigest.sha256.slice(0, 12)}</sub>`,
    "",
  ];
  const text = parts.join("\n");
  if (Buffer.byteLength(text) <= MAX_SUMMARY_BYTES || findingLimit <= 5) return text;
  return renderMarkdown(report, sections, links, Math.floor(findingLimit / 2));
}
