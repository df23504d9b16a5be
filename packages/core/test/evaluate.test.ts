import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { type CoverageEvaluationInput, evaluateCoverage } from "../src/coverage/evaluate.js";
import { CoverageMap } from "../src/coverage/model.js";
import { parseCoverageReport } from "../src/coverage/parsers/index.js";
import { CoverageSettings, type CoverageSettings as Settings } from "../src/coverage/settings.js";
import type { ChangedLines } from "../src/diff.js";
import { buildReport } from "../src/report/build.js";

function coverageOf(lcov: string): CoverageMap {
  const map = new CoverageMap();
  for (const file of parseCoverageReport(lcov).files) map.add(file);
  return map;
}

/** An lcov record with the given hits per line. */
const record = (path: string, hits: Record<number, number>) =>
  `SF:${path}\n${Object.entries(hits)
    .map(([line, count]) => `DA:${line},${count}`)
    .join("\n")}\nend_of_record\n`;

function evaluate(coverage: CoverageMap, settings: Partial<Settings> = {}, extra: Partial<CoverageEvaluationInput> = {}) {
  const input: CoverageEvaluationInput = {
    settings: CoverageSettings.parse(settings),
    reports: [{ path: "coverage/lcov.info", format: "lcov", files: coverage.size }],
    coverage,
    unmatched: [],
    ...extra,
  };
  const evaluation = evaluateCoverage(input);
  const report = expectValidReport(
    buildReport({
      gate: "coverage-gate",
      subject: [{ name: "acme/app", digest: { gitCommit: "a".repeat(40) } }],
      ...evaluation,
      inputs: [],
      policy: input.settings,
      startedAt: new Date(0),
      finishedAt: new Date(1000),
    }),
  );
  return { ...evaluation, report, check: (id: string) => evaluation.checks.find((check) => check.id === id) };
}

describe("thresholds", () => {
  it("with nothing configured, lines ≥ 80 % is the rule", () => {
    const { checks, report } = evaluate(coverageOf(record("src/a.ts", { 1: 1, 2: 1, 3: 1, 4: 0 })));
    expect(checks.map((check) => check.id)).toEqual(["reports", "global.lines"]);
    expect(report.predicate.status).toBe("fail");
    expect(checks[1]?.message).toBe("Lines of all files: 75 % (3/4) is below the minimum of 80 %: cover 1 more line to pass.");
  });

  it("files claimed by a path threshold leave the global figures, as in jest", () => {
    const coverage = coverageOf(record("src/api/a.ts", { 1: 0, 2: 0 }) + record("src/ui/b.ts", { 1: 1, 2: 1 }));
    const { check } = evaluate(coverage, { thresholds: { global: { lines: 90 }, paths: { "src/api/": { lines: 0 } } } });
    expect(check("global.lines")).toMatchObject({ status: "pass", measured: 100 });
    expect(check("path:src/api/.lines")).toMatchObject({ status: "pass", measured: 0 });
  });

  it("a glob threshold checks every file on its own and names the failing ones", () => {
    const coverage = coverageOf(record("src/a.ts", { 1: 1, 2: 1 }) + record("src/b.ts", { 1: 1, 2: 0 }) + record("src/c.ts", { 1: 0 }));
    const { check, findings } = evaluate(coverage, { thresholds: { paths: { "src/*.ts": { lines: 60 } } } });
    expect(check("path:src/*.ts.lines")).toMatchObject({ status: "fail", measured: 0 });
    expect(findings.filter((finding) => finding.id === "path:src/*.ts.lines").map((finding) => finding.location?.path)).toEqual(["src/b.ts", "src/c.ts"]);
  });

  it("a path threshold that matches no file is no-data and fails by default", () => {
    const { check, report } = evaluate(coverageOf(record("src/a.ts", { 1: 1 })), { thresholds: { paths: { "lib/": { lines: 80 } } } });
    expect(check("path:lib/.lines")).toMatchObject({ status: "no-data", onNoData: "fail" });
    expect(report.predicate.status).toBe("fail");
  });

  it("no-data can be softened to a warning by policy", () => {
    const { report } = evaluate(coverageOf(record("src/a.ts", { 1: 1 })), { thresholds: { global: { branches: 50 } }, onNoData: "warn" });
    expect(report.predicate.status).toBe("warn");
  });

  it("per-file thresholds check every file", () => {
    const coverage = coverageOf(record("src/a.ts", { 1: 1 }) + record("src/b.ts", { 1: 0, 2: 1 }));
    const { check } = evaluate(coverage, { thresholds: { perFile: { lines: 60 } } });
    expect(check("per-file.lines")).toMatchObject({ status: "fail", measured: 50 });
    expect(check("per-file.lines")?.message).toMatch(/^1 of 2 files miss the lines threshold of 60; the worst: Lines of src\/b\.ts: 50 %/);
  });

  it("the worst file is the first of the lowest, and with a most-uncovered threshold the first of the highest", () => {
    const coverage = coverageOf(
      record("src/a.ts", { 1: 1, 2: 0 }) + record("src/b.ts", { 1: 0, 2: 0, 3: 0 }) + record("src/c.ts", { 1: 0, 2: 0, 3: 0 }) + record("src/d.ts", { 1: 0 }),
    );
    const percent = evaluate(coverage, { thresholds: { perFile: { lines: 60 } } }).check("per-file.lines");
    expect(percent?.message).toMatch(/the worst: Lines of src\/b\.ts: 0 %/);
    const uncovered = evaluate(coverage, { thresholds: { perFile: { lines: -1 } } }).check("per-file.lines");
    expect(uncovered).toMatchObject({ measured: 3 });
    expect(uncovered?.message).toMatch(/the worst: Lines of src\/b\.ts: 3 uncovered/);
  });
});

describe("patch coverage", () => {
  const coverage = coverageOf(record("src/a.ts", { 1: 1, 2: 0, 3: 0, 5: 0, 6: 1, 7: 0, 9: 0 }));
  const changes: ChangedLines = new Map([
    ["src/a.ts", new Set([2, 3, 4, 5, 6, 7])],
    ["README.md", new Set([1, 2])],
  ]);

  it("measures only changed lines the report can measure, and groups the uncovered into ranges", () => {
    const { check, findings, details } = evaluate(coverage, { patch: { threshold: 50, onNoData: "pass" } }, { changes, changesBase: "origin/main" });
    // Changed and coverable: 2,3,5,6,7 → only 6 is covered.
    expect(check("patch")).toMatchObject({ status: "fail", measured: 20 });
    expect(details.patch).toMatchObject({ covered: 1, total: 5, changedFiles: 1, base: "origin/main" });
    // 2,3 and 5 form one range (line 4 is not coverable); 6 is covered and breaks it; 7 stands alone. 9 is unchanged.
    expect(findings.filter((finding) => finding.id === "patch.uncovered").map((finding) => [finding.location?.startLine, finding.location?.endLine])).toEqual([
      [2, 5],
      [7, 7],
    ]);
  });

  it("a docs-only change is no-data and passes by default", () => {
    const { check, report } = evaluate(coverageOf(record("src/a.ts", { 1: 1 })), {}, { changes: new Map([["docs/x.md", new Set([1])]]) });
    expect(check("patch")).toMatchObject({ status: "no-data", onNoData: "pass" });
    expect(report.predicate.status).toBe("pass");
  });

  it("a docs-only change can be made to fail by policy", () => {
    const { report } = evaluate(coverageOf(record("src/a.ts", { 1: 1 })), { patch: { threshold: 80, onNoData: "fail" } }, { changes: new Map() });
    expect(report.predicate.status).toBe("fail");
  });
});

describe("drop against the base branch", () => {
  it("lines fell by more points than allowed: the drop is measured against the base report and named", () => {
    const lines = (covered: number, total: number) => Object.fromEntries(Array.from({ length: total }, (_, index) => [index + 1, index < covered ? 1 : 0]));
    // 69/145 = 47.58 % on the base branch, 60/145 = 41.37 % now.
    const { check } = evaluate(
      coverageOf(record("src/a.ts", lines(60, 145))),
      { maxDrop: { lines: 5 }, thresholds: { global: { lines: 0 } } },
      { base: coverageOf(record("src/a.ts", lines(69, 145))) },
    );
    expect(check("drop.lines")).toMatchObject({ status: "fail", measured: 6.21, threshold: 5 });
    expect(check("drop.lines")?.message).toBe(
      "Lines fell from 47.58 % to 41.37 % against the base report, 6.21 points, more than the 5 allowed: add tests for the new code.",
    );
  });

  it("a rise passes and says so", () => {
    const { check } = evaluate(coverageOf(record("a", { 1: 1, 2: 1 })), { maxDrop: { lines: 0 } }, { base: coverageOf(record("a", { 1: 1, 2: 0 })) });
    expect(check("drop.lines")).toMatchObject({ status: "pass", measured: -50 });
  });
});

describe("fail closed on missing data", () => {
  it("no report found names where it looked", () => {
    const { checks, report } = evaluate(new CoverageMap(), {}, { reports: [] });
    expect(checks).toHaveLength(1);
    expect(checks[0]?.message).toMatch(/^No coverage report matched coverage\/lcov\.info, /);
    expect(report.predicate.status).toBe("fail");
  });

  it("a report that lists no files fails", () => {
    const { checks } = evaluate(new CoverageMap(), {}, { reports: [{ path: "lcov.info", format: "lcov", files: 0 }] });
    expect(checks[0]?.message).toMatch(/list no source files/);
  });

  it("a report whose files are nowhere in the repository fails and suggests stripPrefixes", () => {
    const { checks } = evaluate(
      new CoverageMap(),
      {},
      { reports: [{ path: "lcov.info", format: "lcov", files: 2 }], unmatched: ["/build/x.ts", "/build/y.ts"] },
    );
    expect(checks[0]).toMatchObject({ status: "fail" });
    expect(checks[0]?.message).toMatch(/None of the 2 files .* "\/build\/x\.ts".*stripPrefixes/);
  });

  it("some files outside the repository warn, and can be made to fail", () => {
    const coverage = coverageOf(record("src/a.ts", { 1: 1 }));
    expect(evaluate(coverage, {}, { unmatched: ["/x.ts"] }).report.predicate.status).toBe("warn");
    expect(evaluate(coverage, { onUnmatchedFiles: "fail" }, { unmatched: ["/x.ts"] }).report.predicate.status).toBe("fail");
  });
});
