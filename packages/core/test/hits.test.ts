import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateCoverage } from "../src/coverage/evaluate.js";
import { BranchHits, LineHits } from "../src/coverage/hits.js";
import { CoverageMap, emptyFileCoverage, fileCounts, mergeFileCoverage } from "../src/coverage/model.js";
import { CoverageSettings } from "../src/coverage/settings.js";

describe("line hit storage", () => {
  it("behaves like a map from line to count, iterating in line order", () => {
    const lines = new LineHits();
    lines.set(10, 3);
    lines.add(2, 0);
    lines.add(10, 4);
    lines.max(2, 5);
    lines.max(2, 1);
    expect([...lines]).toEqual([
      [2, 5],
      [10, 7],
    ]);
    expect(lines.size).toBe(2);
    expect(lines.get(3)).toBeUndefined();
    expect(lines.counts()).toEqual({ covered: 2, total: 2 });
  });

  it("a far-away line number goes to the overflow map instead of a huge array", () => {
    const lines = new LineHits();
    lines.set(1, 1);
    lines.set(2_000_000_000, 0);
    expect(lines.get(2_000_000_000)).toBe(0);
    expect([...lines.keys()]).toEqual([1, 2_000_000_000]);
    expect(lines.counts()).toEqual({ covered: 1, total: 2 });
  });

  it("counts saturate instead of overflowing, and negative counts (a gcov bug) read as zero", () => {
    const lines = new LineHits();
    lines.add(1, 2 ** 31);
    lines.add(1, 2 ** 31);
    lines.set(2, -1);
    expect(lines.get(1)).toBe(0x7ffffffe);
    expect(lines.get(2)).toBe(0);
    expect(lines.counts()).toEqual({ covered: 1, total: 2 });
  });

  it("thousands of files share slabs without seeing each other's counts", () => {
    const all = Array.from({ length: 3000 }, (_, index) => {
      const lines = new LineHits();
      for (let line = 1; line <= 300; line += 1) lines.set(line, index);
      return lines;
    });
    expect(all.every((lines, index) => lines.get(1) === index && lines.get(300) === index && lines.size === 300)).toBe(true);
  });
});

describe("branch arm storage", () => {
  it("merges arms given out of order and keeps non-numeric ids apart", () => {
    const branches = new BranchHits();
    branches.add(5, "0", "1", 2);
    branches.add(3, 0, 0, 1);
    branches.add(5, "0", "1", 3);
    branches.add(7, "(a) && (b)", "true", 0);
    branches.add(7, "(a) && (b)", "true", 4);
    branches.add(600_000, 0, 0, 1);
    expect(branches.size).toBe(4);
    expect([...branches.byLine()].sort(([a], [b]) => a - b)).toEqual([
      [3, { covered: 1, total: 1 }],
      [5, { covered: 1, total: 1 }],
      [7, { covered: 1, total: 1 }],
      [600_000, { covered: 1, total: 1 }],
    ]);
  });

  it("a line counted only (Cobertura's (1/3)) is not expanded, and counted once when the same line also comes as arms", () => {
    const branches = new BranchHits();
    branches.addAggregate(11, 1, 3);
    branches.addAggregate(11, 1, 3);
    expect(branches.counts()).toEqual({ covered: 1, total: 3 });
    // The same run as lcov numbers the arms its own way: block 2, arm 2 taken.
    branches.add(11, 2, 0, 0);
    branches.add(11, 2, 1, 0);
    branches.add(11, 2, 2, 1);
    expect(branches.counts()).toEqual({ covered: 1, total: 3 });
    const other = new BranchHits();
    other.addAggregate(40, 2, 2);
    branches.addAll(other);
    expect(branches.byLine().get(40)).toEqual({ covered: 2, total: 2 });
    expect(branches.counts()).toEqual({ covered: 3, total: 5 });
  });
});

describe("covered counts kept as hits are stored", () => {
  // counts() is read, not recounted: after any mix of operations it must equal a count of what is stored.
  const line = fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constant(2_000_000_000));
  const hits = fc.oneof(fc.constant(0), fc.integer({ min: -2, max: 5 }), fc.constant(2 ** 31));

  it("lines: set, add and max over dense and overflow lines", () => {
    const operation = fc.tuple(fc.constantFrom("set", "add", "max"), line, hits);
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), fc.array(operation, { maxLength: 20 }), (own, merged) => {
        const apply = (lines: LineHits, ops: typeof own) => {
          for (const [name, at, count] of ops) lines[name as "set" | "add" | "max"](at, count);
          return lines;
        };
        const lines = apply(new LineHits(), own);
        lines.addAll(apply(new LineHits(), merged));
        const stored = [...lines.values()];
        expect(lines.counts()).toEqual({ covered: stored.filter((count) => count > 0).length, total: stored.length });
      }),
      { numRuns: 500 },
    );
  });

  it("branches: numeric arms in and out of order, named arms, merges", () => {
    const arm = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 1, "2", "x > 1"), fc.constantFrom(0, 1, "true"), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(arm, { maxLength: 40 }), fc.array(arm, { maxLength: 20 }), (own, merged) => {
        const fill = (arms: typeof own) => {
          const branches = new BranchHits();
          for (const [at, block, armId, taken] of arms) branches.add(at, block, armId, taken);
          return branches;
        };
        const branches = fill(own);
        branches.addAll(fill(merged));
        const byLine = [...branches.byLine().values()];
        expect(branches.counts()).toEqual({
          covered: byLine.reduce((sum, counts) => sum + counts.covered, 0),
          total: byLine.reduce((sum, counts) => sum + counts.total, 0),
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe("statements of one file from two reports", () => {
  const perLine = (entries: [number, number][]) => {
    const file = emptyFileCoverage("a.js");
    const statements = new LineHits();
    for (const [line, hits] of entries) statements.add(line, hits);
    file.statements = statements;
    return file;
  };
  const byKey = (entries: [string, number][]) => ({ ...emptyFileCoverage("a.js"), statements: new Map(entries) });

  it("add up per line when both count lines (Clover twice)", () => {
    const into = perLine([
      [1, 0],
      [2, 3],
    ]);
    mergeFileCoverage(into, perLine([[1, 2]]));
    expect(into.statements).toBeInstanceOf(LineHits);
    expect([...(into.statements ?? [])]).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });

  it("add up by key when one counts by id, a line's key being its number", () => {
    const clover = perLine([
      [1, 0],
      [2, 3],
    ]);
    mergeFileCoverage(
      clover,
      byKey([
        ["1", 4],
        ["2:5", 0],
      ]),
    );
    expect(clover.statements).toEqual(
      new Map([
        ["1", 4],
        ["2", 3],
        ["2:5", 0],
      ]),
    );
    const istanbul = byKey([["1", 1]]);
    mergeFileCoverage(
      istanbul,
      perLine([
        [1, 1],
        [3, 0],
      ]),
    );
    expect(istanbul.statements).toEqual(
      new Map([
        ["1", 2],
        ["3", 0],
      ]),
    );
    expect(fileCounts(istanbul, "statements")).toEqual({ covered: 1, total: 2 });
  });

  it("are copied, not shared, into a file that had none", () => {
    const lcov = emptyFileCoverage("a.js");
    const clover = perLine([[7, 1]]);
    mergeFileCoverage(lcov, clover);
    expect(lcov.statements).not.toBe(clover.statements);
    expect(fileCounts(lcov, "statements")).toEqual({ covered: 1, total: 1 });
  });
});

describe("least covered files", () => {
  it("are the ten with the lowest line coverage, most uncovered lines first among equals", () => {
    const coverage = new CoverageMap();
    for (let index = 0; index < 30; index += 1) {
      const file = emptyFileCoverage(`src/f${index}.ts`);
      // f0..f29: index covered lines out of 30 (f29 has 29/30); f15 also has a twin with more lines.
      for (let line = 1; line <= 30; line += 1) file.lines.set(line, line <= index ? 1 : 0);
      coverage.add(file);
    }
    const twin = emptyFileCoverage("src/twin.ts");
    for (let line = 1; line <= 60; line += 1) twin.lines.set(line, line <= 2 ? 1 : 0);
    coverage.add(twin);
    const { details } = evaluateCoverage({
      settings: CoverageSettings.parse({}),
      reports: [{ path: "x", format: "lcov", files: 31 }],
      coverage,
      unmatched: [],
    });
    // src/twin.ts: 2/60 = 3.33 %, between f0 (0 %) and f1 (3.33 %): equal rate, more uncovered, so first.
    expect(details.worstFiles.map((file) => file.path)).toEqual([
      "src/f0.ts",
      "src/twin.ts",
      "src/f1.ts",
      "src/f2.ts",
      "src/f3.ts",
      "src/f4.ts",
      "src/f5.ts",
      "src/f6.ts",
      "src/f7.ts",
      "src/f8.ts",
    ]);
  });
});
