import { fixture } from "@release-gates/test-helpers/fixtures";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { evaluateCoverage } from "../src/coverage/evaluate.js";
import { CoverageMap } from "../src/coverage/model.js";
import { parseCoverageReport } from "../src/coverage/parsers/index.js";
import { coverageMarkdownSections, renderCobertura, renderGitLabCoverageLine } from "../src/coverage/render.js";
import { CoverageSettings } from "../src/coverage/settings.js";
import { renderWorkflowCommands, selectAnnotations } from "../src/render/annotations.js";
import { MAX_SUMMARY_BYTES, renderMarkdown } from "../src/render/markdown.js";
import { renderBlockingFindings, renderText } from "../src/render/text.js";
import { buildReport } from "../src/report/build.js";
import type { Finding } from "../src/report/schema.js";

function klasterReport(findings: Finding[] = []) {
  const coverage = new CoverageMap();
  for (const file of parseCoverageReport(fixture("coverage/lcov-jest-klaster-sdk-relative-paths.info")).files) coverage.add(file);
  const settings = CoverageSettings.parse({ thresholds: { global: { lines: 50, branches: 20 } } });
  const evaluation = evaluateCoverage({ settings, reports: [{ path: "coverage/lcov.info", format: "lcov", files: 17 }], coverage, unmatched: [] });
  const report = buildReport({
    gate: "coverage-gate",
    subject: [{ name: "0xPolycode/klaster-sdk", digest: { gitCommit: "4845f59612dc1791e7f14fcf37875ad5e41b06b1" } }],
    ...evaluation,
    findings: [...evaluation.findings, ...findings],
    inputs: [{ path: "coverage/lcov.info", format: "lcov", sha256: "5ea03761327b1f9a".padEnd(64, "0") }],
    policy: settings,
    startedAt: new Date("2026-11-26T00:00:00Z"),
    finishedAt: new Date("2026-11-26T00:00:01Z"),
  });
  return { report: expectValidReport(report), coverage };
}

const finding = (severity: Finding["severity"], start: number, end: number, path = "src/a.ts"): Finding => ({
  id: "x",
  severity,
  message: `lines ${start}-${end}`,
  location: { path, startLine: start, endLine: end },
});

describe("Markdown job summary", () => {
  it("shows the decision, failing checks first, the metric table and the least covered files", () => {
    const { report } = klasterReport();
    const markdown = renderMarkdown(report, coverageMarkdownSections(report));
    expect(markdown).toMatch(/^## ❌ coverage-gate: fail\n/);
    const failing = markdown.indexOf("`global.branches`");
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBeLessThan(markdown.indexOf("`global.lines`"));
    expect(markdown).toContain("| lines | 140 / 267 | 52.43 % |");
    expect(markdown).toContain("### Least covered files");
    expect(markdown).toContain("commit 4845f59612dc");
  });

  it("reads like a product: the failing checks' reasons as a list, no empty metric rows, long lists folded, files linked to the commit", () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ ...finding("warning", index + 1, index + 1), message: `finding ${index + 1}` }));
    const { report } = klasterReport(many);
    const links = { blobUrl: (path: string, line?: number) => `https://github.example/acme/app/blob/4845f59/${path}${line ? `#L${line}` : ""}` };
    const markdown = renderMarkdown(report, coverageMarkdownSections(report, links), links);
    expect(markdown).toMatch(/^coverage-gate failed 1 of 3 checks: global\.branches\.\n\n- Branches of all files: 13\.51 % /m);
    // lcov has no statements: no "statements | 0 / 0 | n/a" row.
    expect(markdown).not.toMatch(/\| statements \|/);
    expect(markdown).toContain("<details><summary><strong>Findings (12)</strong></summary>");
    expect(markdown).toMatch(/\[`src\/[\w./-]+:1`\]\(https:\/\/github\.example\/acme\/app\/blob\/4845f59\/src\/[\w./-]+#L1\)/);
    expect(markdown).toMatch(/\| \[`src\/[\w./-]+`\]\(https:\/\/github\.example\/acme\/app\/blob\/4845f59\/src\/[\w./-]+\) \|/);
    expect(markdown).not.toContain(">=");
  });

  it("stays under GitHub's 1 MiB step summary limit however many findings there are", () => {
    const many = Array.from({ length: 40_000 }, (_, index) => ({ ...finding("warning", index + 1, index + 1), message: "x".repeat(60) }));
    const { report } = klasterReport(many);
    const markdown = renderMarkdown(report, [], undefined, 40_000);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(markdown).toMatch(/… and \d+ more in the report file\./);
  });

  it("escapes table pipes in messages", () => {
    const { report } = klasterReport();
    report.predicate.checks[0] = { ...report.predicate.checks[0], message: "a | b" } as (typeof report.predicate.checks)[0];
    expect(renderMarkdown(report)).toContain("a \\| b");
  });
});

describe("annotations", () => {
  it("keep at most 10 per level, widest ranges first, and count the rest", () => {
    const findings = [
      ...Array.from({ length: 15 }, (_, index) => finding("warning", 1, 1 + index)),
      finding("error", 5, 5),
      { id: "y", severity: "notice" as const, message: "no location" },
    ];
    const { selected, omitted } = selectAnnotations(findings);
    expect(selected.filter((item) => item.severity === "warning")).toHaveLength(10);
    expect(selected[0]?.severity).toBe("error");
    expect(selected[1]?.location?.endLine).toBe(15);
    expect(omitted).toEqual({ error: 0, warning: 5, notice: 0 });
  });

  it("render as workflow commands with GitHub's escaping", () => {
    const [command] = renderWorkflowCommands(
      [{ id: "x", severity: "warning", message: "50% done\nnext", location: { path: "src/a,b.ts", startLine: 3, endLine: 4 } }],
      "Coverage: gate",
    );
    expect(command).toBe("::warning file=src/a%2Cb.ts,title=Coverage%3A gate,line=3,endLine=4::50%25 done%0Anext");
  });
});

describe("plain renderings", () => {
  it("the terminal table has one row per check and no Markdown", () => {
    const text = renderText(klasterReport().report);
    expect(text).toMatch(/^coverage-gate: FAIL\n\nRESULT +CHECK +MEASURED +THRESHOLD\n/);
    expect(text).toMatch(/FAIL +global\.branches +13\.51 % +≥ 20 %/);
    expect(text).not.toContain("|");
  });

  it("GitLab's coverage line carries line coverage", () => {
    expect(renderGitLabCoverageLine(klasterReport().report)).toBe("Coverage: 52.43%");
    expect(/^Coverage: \d+(?:\.\d+)?%/.test(renderGitLabCoverageLine(klasterReport().report))).toBe(true);
  });

  it("the Cobertura rendering reads back with the same totals", () => {
    const { coverage } = klasterReport();
    const xml = renderCobertura(coverage, new Date(0));
    const back = new CoverageMap();
    for (const file of parseCoverageReport(xml).files) back.add(file);
    expect(back.totals().lines).toEqual(coverage.totals().lines);
    expect(back.totals().branches).toEqual(coverage.totals().branches);
  });
});

describe("internal errors", () => {
  it("are prefixed with the gate and ask for a report, whatever was thrown", async () => {
    const { describeInternalError } = await import("../src/errors.js");
    expect(describeInternalError("coverage-gate", new TypeError("x is undefined"))).toMatch(
      /^release-gates\/coverage-gate failed: TypeError: x is undefined\n/,
    );
    expect(describeInternalError("coverage-gate", "a string")).toMatch(/^release-gates\/coverage-gate failed: a string\nThis is a bug in release-gates/);
  });
});

describe("blocking findings for a terminal", () => {
  it("lists errors only, up to the limit, and says how many more the report holds", () => {
    const findings: Finding[] = [
      { id: "a", severity: "error", message: "first" },
      { id: "b", severity: "warning", message: "a warning" },
      { id: "c", severity: "error", message: "second" },
      { id: "d", severity: "error", message: "third" },
    ];
    expect(renderBlockingFindings(findings, 2)).toBe("Blocking findings:\n  ✗ first\n  ✗ second\n  …and 1 more in the report.\n");
    expect(renderBlockingFindings(findings.slice(1, 2))).toBe("");
  });
});
