import type { GateRenderers } from "../kit/descriptor.js";
import { escapeCell, fileReference, type RenderLinks, section, table } from "../render/markdown.js";
import { renderBlockingFindings } from "../render/text.js";
import { plural } from "../report/checks.js";
import type { GateReport } from "../report/schema.js";
import type { TestDetails } from "./evaluate.js";
import type { TestExtra } from "./gate.js";

const details = (report: GateReport) => report.predicate.details as unknown as Partial<TestDetails>;

/** Each suite: what ran, what failed, skipped, todo, expected failures, flaky, the pass rate against the required one. */
function suitesSection(report: GateReport): string[] {
  const suites = details(report).suites ?? [];
  if (suites.length === 0) return [];
  const rows = suites.map(
    (suite) =>
      `| ${suite.tests >= suite.minTests && (suite.passRate ?? 100) >= suite.required && suite.failed + suite.errors === 0 ? "✅" : "❌"} | ${escapeCell(suite.name)} | ${suite.tests} | ${suite.passed} | ${suite.failed} | ${suite.errors} | ${suite.skipped} | ${suite.todo} | ${suite.xfail} | ${suite.flaky} | ${suite.passRate ?? "—"} % (≥ ${suite.required} %) |`,
  );
  return [section("Suites", table(["", "Suite", "Tests", "Passed", "Failed", "Errors", "Skipped", "Todo", "xfail", "Flaky", "Pass rate"], rows), rows.length)];
}

/** The failing tests, setup errors first, at their file and line. */
function failingSection(report: GateReport, links: RenderLinks | undefined): string[] {
  const failing = details(report).failing ?? [];
  if (failing.length === 0) return [];
  const rows = failing.map(
    (test) =>
      `| ${escapeCell(test.suite)} | ${escapeCell(test.test)} | ${test.setup ? "setup error" : test.outcome} | ${test.file ? fileReference(test.file, test.line, links) : "—"} | ${escapeCell(test.message ?? "")} |`,
  );
  return [section(`Failing tests (${failing.length})`, table(["Suite", "Test", "Outcome", "Where", "Message"], rows), rows.length)];
}

function lintSection(report: GateReport): string[] {
  const lint = details(report).lint ?? [];
  if (lint.length === 0) return [];
  const rows = lint.map(
    (log) =>
      `| ${log.broken.length ? "❌ did not finish" : log.errors ? "❌" : "✅"} | ${escapeCell(log.tool)} | \`${escapeCell(log.path)}\` | ${log.errors} | ${log.warnings} | ${log.suppressed} |`,
  );
  return [section("Lint", table(["", "Tool", "Log", "Errors", "Warnings", "Suppressed"], rows), rows.length)];
}

function legsSection(report: GateReport): string[] {
  const legs = details(report).legs ?? [];
  if (legs.length === 0) return [];
  const rows = legs.map((leg) => `| ${leg.ok ? "✅" : "❌"} | ${escapeCell(leg.leg)} | ${escapeCell(leg.job ?? "—")} | ${escapeCell(leg.state)} |`);
  return [section("Build matrix", table(["", "Leg", "Job", "State"], rows), rows.length)];
}

export const testRenderers: GateRenderers<TestExtra> = {
  markdownSections: (report, links) => [...suitesSection(report), ...failingSection(report, links), ...lintSection(report), ...legsSection(report)],
  terminal(report) {
    const suites = details(report).suites ?? [];
    const headline = suites.length
      ? `${suites.map((suite) => `${suite.name}: ${suite.passed}/${suite.tests} passed`).join(", ")}${details(report).flaky?.length ? `; ${plural(details(report).flaky?.length ?? 0, "flaky test")}` : ""}\n`
      : "";
    return headline + renderBlockingFindings(report.predicate.findings);
  },
};
