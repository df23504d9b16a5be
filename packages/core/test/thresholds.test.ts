import { describe, expect, it } from "vitest";
import { classifyPathKey, evaluateThreshold, parseThresholdList } from "../src/coverage/thresholds.js";

describe("jest threshold semantics", () => {
  const cases = [
    { name: "a minimum met exactly passes", counts: { covered: 80, total: 100 }, threshold: 80, status: "pass", measured: 80 },
    {
      name: "a minimum missed by one item fails and says how many to cover",
      counts: { covered: 79, total: 100 },
      threshold: 80,
      status: "fail",
      measured: 79,
      says: /cover 1 more line to pass/,
    },
    { name: "percentages are floored, never rounded up into a pass", counts: { covered: 1999, total: 2000 }, threshold: 100, status: "fail", measured: 99.95 },
    { name: "a negative threshold allows that many uncovered items", counts: { covered: 90, total: 100 }, threshold: -10, status: "pass", measured: 10 },
    {
      name: "one more uncovered item than allowed fails",
      counts: { covered: 89, total: 100 },
      threshold: -10,
      status: "fail",
      measured: 11,
      says: /more than the 10 allowed: cover 1 more/,
    },
    { name: "nothing to measure is no-data, not a pass", counts: { covered: 0, total: 0 }, threshold: 80, status: "no-data", measured: null },
    { name: "a zero threshold still needs data", counts: { covered: 0, total: 0 }, threshold: 0, status: "no-data", measured: null },
  ] as const;
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = evaluateThreshold("lines", testCase.counts, testCase.threshold, "all files");
      expect(result.status).toBe(testCase.status);
      expect(result.measured).toBe(testCase.measured);
      if ("says" in testCase) expect(result.sentence).toMatch(testCase.says);
    });
  }
});

describe("threshold lists from inputs and flags", () => {
  it.each([
    ["lines=80,branches=70", { lines: 80, branches: 70 }],
    ["lines=80 functions=-5", { lines: 80, functions: -5 }],
    ["85", { lines: 85 }],
    ["", {}],
  ])("%j", (text, expected) => {
    expect(parseThresholdList(text, "--threshold")).toEqual(expected);
  });

  it.each([
    ["line=80", /--threshold: expected thresholds like "lines=80,branches=70" .* found "line=80"/],
    ["lines=high", /--threshold: expected lines to be a percentage up to 100 .* found "high"/],
    ["lines=101", /found "101"/],
    ["lines=", /found ""/],
  ])("%j is refused", (text, message) => {
    expect(() => parseThresholdList(text, "--threshold")).toThrow(message);
  });
});

describe("path keys, as jest reads coverageThreshold", () => {
  const paths = ["src/api/a.ts", "src/api/b.ts", "src/ui/c.ts"];
  const isFile = (path: string) => paths.includes(path);
  it("a glob checks each matching file", () => {
    const rule = classifyPathKey("src/**/*.ts", isFile);
    expect(rule.kind).toBe("glob");
    expect(paths.filter(rule.matches)).toEqual(paths);
  });
  it("a directory is an aggregate of the files below it", () => {
    const rule = classifyPathKey("./src/api/", isFile);
    expect(rule.kind).toBe("directory");
    expect(paths.filter(rule.matches)).toEqual(["src/api/a.ts", "src/api/b.ts"]);
  });
  it("a file's own path is that file", () => {
    expect(classifyPathKey("src/ui/c.ts", isFile).kind).toBe("file");
  });
});
