import { escapeCell, fileReference, type RenderLinks, section, table } from "../render/markdown.js";
import type { GateReport } from "../report/schema.js";
import type { CoverageDetails, MetricTotal } from "./evaluate.js";
import { type CoverageMap, fileCounts, METRICS, percentage } from "./model.js";

const pct = (total: MetricTotal | undefined) => (total?.pct === null || total === undefined ? "n/a" : `${total.pct} %`);

function delta(now: MetricTotal, base: MetricTotal | undefined): string {
  if (!base || now.pct === null || base.pct === null) return "";
  const change = Math.round((now.pct - base.pct) * 100) / 100;
  return change === 0 ? "±0" : change > 0 ? `+${change}` : String(change);
}

/** Coverage sections of the job summary: a table per metric, patch coverage, the worst files. */
export function coverageMarkdownSections(report: GateReport, links?: RenderLinks): string[] {
  const details = report.predicate.details as unknown as CoverageDetails;
  if (!details.totals) return [];
  // A metric the format does not have (lcov has no statements) is left out, not shown as 0 / 0.
  const measured = METRICS.filter((metric) => details.totals[metric].total > 0 || (details.base?.[metric]?.total ?? 0) > 0);
  const metricRows = measured.map((metric) => {
    const total = details.totals[metric];
    return `| ${metric} | ${total.covered} / ${total.total} | ${pct(total)} | ${pct(details.base?.[metric])} | ${delta(total, details.base?.[metric])} |`;
  });
  const sections = [section("Coverage by metric", table(["Metric", "Covered / total", "Coverage", "Base", "Change"], metricRows), metricRows.length)];
  if (details.patch) {
    sections.push(
      `### Patch coverage\n\n${details.patch.total === 0 ? "The change touches no coverable line." : `${details.patch.pct} % of the ${details.patch.total} changed coverable lines in ${details.patch.changedFiles} files are tested${details.patch.base ? ` (against \`${details.patch.base}\`)` : ""}.`}`,
    );
  }
  if (details.worstFiles.length > 0) {
    const rows = details.worstFiles.map(
      (file) =>
        `| ${fileReference(escapeCell(file.path), undefined, links)} | ${pct(file.lines)} | ${file.lines.total - file.lines.covered} | ${pct(file.branches)} |`,
    );
    sections.push(section("Least covered files", table(["File", "Lines", "Uncovered lines", "Branches"], rows), rows.length));
  }
  return sections;
}

/** The line GitLab's `coverage:` regex reads (`/^Coverage: \d+(?:\.\d+)?%/`). */
export function renderGitLabCoverageLine(report: GateReport): string {
  const details = report.predicate.details as unknown as CoverageDetails;
  const lines = details.totals?.lines.pct;
  return lines === null || lines === undefined ? "Coverage: unknown (no lines measured)" : `Coverage: ${lines}%`;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const rate = (covered: number, total: number) => (total === 0 ? "1" : String(Math.round((covered / total) * 10000) / 10000));

/**
 * Cobertura XML of the merged coverage, for GitLab's `coverage_report`
 * artifact (the merge-request diff shows covered lines from it). Paths are
 * repo-relative under a `.` source, as GitLab expects.
 */
export function renderCobertura(coverage: CoverageMap, timestamp: Date): string {
  const totals = coverage.totals();
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<coverage line-rate="${rate(totals.lines.covered, totals.lines.total)}" branch-rate="${rate(totals.branches.covered, totals.branches.total)}" lines-covered="${totals.lines.covered}" lines-valid="${totals.lines.total}" branches-covered="${totals.branches.covered}" branches-valid="${totals.branches.total}" complexity="0" version="release-gates" timestamp="${Math.floor(timestamp.getTime() / 1000)}">`,
    "  <sources><source>.</source></sources>",
    '  <packages><package name="." line-rate="' +
      rate(totals.lines.covered, totals.lines.total) +
      '" branch-rate="' +
      rate(totals.branches.covered, totals.branches.total) +
      '" complexity="0"><classes>',
  ];
  for (const path of coverage.paths()) {
    const file = coverage.get(path);
    if (!file) continue;
    const lines = fileCounts(file, "lines");
    const branches = fileCounts(file, "branches");
    out.push(
      `    <class name="${escapeXml(path)}" filename="${escapeXml(path)}" line-rate="${rate(lines.covered, lines.total)}" branch-rate="${rate(branches.covered, branches.total)}" complexity="0"><methods/><lines>`,
    );
    const armsByLine = file.branches.byLine();
    for (const [line, hits] of file.lines) {
      const arms = armsByLine.get(line);
      const branch = arms ? ` branch="true" condition-coverage="${Math.floor(percentage(arms) ?? 0)}% (${arms.covered}/${arms.total})"` : ' branch="false"';
      out.push(`      <line number="${line}" hits="${hits}"${branch}/>`);
    }
    out.push("    </lines></class>");
  }
  out.push("  </classes></package></packages>", "</coverage>", "");
  return out.join("\n");
}
