import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { CoverageMap, percentage, sumCounts } from "../src/coverage/model.js";
import { createCoverageParser, detectCoverageFormat, parseCoverageReport } from "../src/coverage/parsers/index.js";
import { resolveCoveragePaths } from "../src/coverage/paths.js";
import { ConfigurationError } from "../src/errors.js";

// Expected totals come from the corpus's SOURCES.md (computed there with an
// independent script) or were counted by hand for the small files.
const merged = (name: string) => {
  const report = parseCoverageReport(fixture(`coverage/${name}`));
  const map = new CoverageMap();
  for (const file of report.files) map.add(file);
  return { report, map, totals: map.totals() };
};

describe("real reports from the corpus", () => {
  const cases = [
    { file: "lcov-jest-klaster-sdk-relative-paths.info", format: "lcov", files: 17, lines: [140, 267], branches: [5, 37] },
    {
      file: "clover-jest-klaster-sdk-absolute-paths.xml",
      format: "clover",
      files: 17,
      lines: [140, 267],
      branches: [5, 37],
      functions: [37, 89],
      statements: [140, 267],
    },
    { file: "istanbul-coverage-final-klaster-sdk.json", format: "istanbul", files: 17, branches: [5, 37], functions: [37, 89], statements: [141, 273] },
    { file: "istanbul-coverage-summary-vitest-action-head.json", format: "istanbul-summary", files: 5, lines: [60, 145] },
    { file: "lcov-gcov-c-ece2400-absolute-linux-paths-tiny.info", format: "lcov", files: 2, lines: [22, 22], functions: [4, 4], branches: [0, 0] },
    { file: "lcov2-fnl-fna-mcdc-duplicate-sf-lcov-upstream-fixture.info", format: "lcov", files: 1, lines: [4, 4], branches: [2, 2], functions: [1, 1] },
    { file: "cobertura-coverlet-porting-assistant-windows-paths.xml", format: "cobertura", files: 80, lines: [2114, 3106], branches: [417, 727] },
    { file: "cobertura-java-uportal-multi-source-dtd.xml", format: "cobertura", files: 27, lines: [79, 756] },
    { file: "cobertura-coveragepy-windows-source-tests-included.xml", format: "cobertura", files: 2, lines: [305, 318], branches: [0, 0] },
    { file: "jacoco-maven-java-jacoco-demo-tiny.xml", format: "jacoco", files: 1, lines: [6, 9], branches: [1, 2], functions: [3, 4] },
    { file: "go-coverprofile-kargo-webhook-mode-set.out", format: "go", files: 18, statements: [688, 793] },
  ] as const;

  for (const testCase of cases) {
    it(`${testCase.file} reads as ${testCase.format} with the reference totals`, () => {
      const { report, map, totals } = merged(testCase.file);
      expect(report.format).toBe(testCase.format);
      expect(map.size).toBe(testCase.files);
      for (const metric of ["lines", "branches", "functions", "statements"] as const) {
        const expected = (testCase as Record<string, unknown>)[metric] as readonly [number, number] | undefined;
        if (expected) expect(totals[metric], metric).toEqual({ covered: expected[0], total: expected[1] });
      }
    });
  }

  it("Coverlet's header branch totals (735/424) are not trusted: class-level lines hold 727/417", () => {
    // Counted independently with a regex over the class-level <line condition-coverage="…(covered/total)">
    // elements after removing every <methods> block; lines agree with the header (3106/2114).
    const { totals } = merged("cobertura-coverlet-porting-assistant-windows-paths.xml");
    expect(totals.branches).toEqual({ covered: 417, total: 727 });
  });

  it("lcov percentages match the reference (52.43 % lines)", () => {
    expect(percentage(merged("lcov-jest-klaster-sdk-relative-paths.info").totals.lines)).toBe(52.43);
  });

  it("a duplicate SF block is merged, not counted twice, and BRH is recomputed from BRDA", () => {
    const { report, map } = merged("lcov2-fnl-fna-mcdc-duplicate-sf-lcov-upstream-fixture.info");
    expect(report.files).toHaveLength(2);
    const file = map.get("./test.c");
    expect(file?.lines.get(1)).toBe(4);
    expect(file?.branches.counts()).toEqual({ covered: 2, total: 2 });
    expect([...(file?.functions.keys() ?? [])]).toEqual(["foo@1"]);
  });

  it("Cobertura source roots are kept, including Windows drive paths", () => {
    expect(merged("cobertura-coverlet-porting-assistant-windows-paths.xml").report.sourceRoots).toEqual(["D:\\repos\\porting-assistant-dotnet-client\\src\\"]);
    expect(merged("cobertura-java-uportal-multi-source-dtd.xml").report.sourceRoots).toHaveLength(4);
  });

  it("Cobertura lines repeated under <methods> are not counted, but methods become functions", () => {
    const { map } = merged("cobertura-java-uportal-multi-source-dtd.xml");
    expect(sumCounts(map.values(), "lines").total).toBe(756);
    expect(sumCounts(map.values(), "functions").total).toBeGreaterThan(0);
  });

  it("istanbul final data derives line coverage from statement start lines", () => {
    const { totals } = merged("istanbul-coverage-final-klaster-sdk.json");
    // Same run as the lcov file: istanbul's lcov reporter derives LF/LH the same way.
    expect(totals.lines).toEqual({ covered: 140, total: 267 });
  });

  it("the summary's string pct ('Unknown') is tolerated: pct is recomputed, never read", () => {
    const { totals } = merged("istanbul-coverage-summary-vitest-action-head.json");
    expect(percentage(totals.lines)).toBe(41.37);
    expect(percentage(totals.functions)).toBe(62.06);
  });

  it("Go profiles are statement-weighted (688/793) with import paths as file names", () => {
    const { totals, map } = merged("go-coverprofile-kargo-webhook-mode-set.out");
    // 86.759… %: like istanbul, percentages are floored to two decimals so a gate never rounds up into a pass.
    expect(percentage(totals.statements)).toBe(86.75);
    expect(map.paths()[0]).toMatch(/^github\.com\/akuity\/kargo\/pkg\/webhook\/external\//);
  });

  it("JaCoCo paths are package + source file name", () => {
    expect(merged("jacoco-maven-java-jacoco-demo-tiny.xml").map.paths()).toEqual(["Example.java"]);
  });
});

describe("format detection", () => {
  it("reads the content, not the name: dotCover's coverage.xml is refused with advice", () => {
    const text = fixture("coverage/dotcover-xml-named-coverage-xml-porting-assistant.xml");
    expect(() => detectCoverageFormat(text.slice(0, 8192))).toThrow(/dotCover XML report.*export Cobertura/);
  });

  it.each([
    ["TN:\nSF:a.c\n", "lcov"],
    ["\uFEFFSF:a.c\n", "lcov"],
    ["mode: count\n", "go"],
    ['{"total":{}}', "istanbul-json"],
    ['<?xml version="1.0"?>\n<!-- <report> -->\n<coverage line-rate="1">', "cobertura"],
    ['<coverage generated="1"><project>', "clover"],
    ["<report name='x'>", "jacoco"],
  ])("%j is %s", (head, format) => {
    expect(detectCoverageFormat(head)).toBe(format);
  });

  it.each([
    ["", /empty file/],
    ["hello world", /found content starting with "hello world"/],
    ["<html><body>", /root is <html>/],
  ])("%j is refused", (head, message) => {
    expect(() => detectCoverageFormat(head)).toThrow(message);
  });
});

describe("the same vitest 4 (v8) run in three formats", () => {
  const reports = ["coverage-final.json", "lcov.info", "cobertura-coverage.xml"].map((name) => parseCoverageReport(fixture(`coverage/vitest4-v8/${name}`)));
  const resolve = (selected: typeof reports) => resolveCoveragePaths(selected, { repoRoot: "/tmp/v8sample", repoFiles: ["src/pricing.js"] }).coverage;

  it("coverage-final.json with the implicit else's empty locations is read, with the tool's own totals", () => {
    const totals = resolve([reports[0] as (typeof reports)[number]]).totals();
    expect(totals).toMatchObject({
      lines: { covered: 8, total: 11 },
      functions: { covered: 3, total: 4 },
      branches: { covered: 4, total: 9 },
      statements: { covered: 10, total: 13 },
    });
  });

  it("merged, the three count every line, function and branch once", () => {
    for (const report of reports) expect(resolve([report]).totals()).toMatchObject({ lines: { covered: 8, total: 11 }, branches: { covered: 4, total: 9 } });
    expect(resolve(reports).totals()).toMatchObject({
      lines: { covered: 8, total: 11 },
      functions: { covered: 3, total: 4 },
      branches: { covered: 4, total: 9 },
    });
  });
});

describe("broken input gives one sentence with a line number", () => {
  const failure = (text: string, format?: Parameters<typeof parseCoverageReport>[1]) => {
    try {
      parseCoverageReport(text, format);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return error as ConfigurationError;
    }
    throw new Error("expected a ConfigurationError");
  };

  it("a truncated lcov file names the open record", () => {
    const error = failure("SF:src/a.ts\nDA:1,1\n");
    expect(error.message).toMatch(/line 2: expected end_of_record for src\/a\.ts .*truncated/);
  });

  it("a non-numeric DA count names the record and the line", () => {
    expect(failure("SF:a\nDA:1,x\nend_of_record\n").message).toBe('line 2: expected a non-negative number in the DA record, found "x"');
  });

  // Counts no tool writes: negative, more covered than there is, more lines or arms than the report could describe.
  it.each([
    ["a negative lcov hit count", "SF:a\nDA:1,-3\nend_of_record\n", undefined, 'line 2: expected a non-negative number in the DA record, found "-3"'],
    ["a negative BRDA count", "SF:a\nBRDA:1,0,0,-1\nend_of_record\n", undefined, 'line 2: expected a non-negative number in the BRDA record, found "-1"'],
    ["a fractional line number", "SF:a\nDA:1.5,1\nend_of_record\n", undefined, "line 2: expected the DA record's line to be a line number"],
    [
      "Cobertura covering more conditions than there are",
      '<coverage><packages><package><classes><class filename="a.py"><lines>\n<line number="1" hits="1" branch="true" condition-coverage="150% (3/2)"/>\n</lines></class></classes></package></packages></coverage>',
      undefined,
      "line 2: expected condition-coverage to cover at most as many branches as there are, found 3 of 2",
    ],
    [
      "a Cobertura line claiming two billion conditions",
      '<coverage><packages><package><classes><class filename="a.py"><lines>\n<line number="1" hits="1" branch="true" condition-coverage="0% (1/2000000000)"/>\n</lines></class></classes></package></packages></coverage>',
      undefined,
      "line 2: expected counts a report of",
    ],
    [
      "JaCoCo branch counters of a billion",
      '<report name="x"><package name="p"><sourcefile name="A.java">\n<line nr="1" mi="0" ci="1" mb="999999999" cb="1"/>\n</sourcefile></package></report>',
      "jacoco",
      "line 2: expected counts a report of",
    ],
    [
      "Clover (istanbul) arm counts of a billion",
      '<coverage clover="3.2.0"><project><file path="a.js">\n<line num="1" count="1" type="cond" truecount="999999999" falsecount="1"/>\n</file></project></coverage>',
      "clover",
      "line 2: expected counts a report of",
    ],
    ["a Go block over two billion lines", "mode: set\na.go:1.1,2000000000.2 1 1\n", undefined, "line 2: expected counts a report of"],
    ["a Go block of two billion statements", "mode: set\na.go:1.1,2.2 2000000000 1\n", undefined, "line 2: expected counts a report of"],
    [
      "a Go block ending before it starts",
      "mode: set\na.go:10.1,3.2 1 1\n",
      undefined,
      "line 2: expected a block that ends on or after its first line, found lines 10 to 3",
    ],
    [
      "an istanbul summary covering more than its total",
      '{"total":{},"a.js":{"lines":{"total":1,"covered":2},"statements":{"total":1,"covered":1},"functions":{"total":0,"covered":0},"branches":{"total":0,"covered":0}}}',
      "istanbul-summary",
      '["a.js"].lines: expected covered to be at most total',
    ],
  ])("%s is an error naming the line, never coverage", (_name, text, format, message) => {
    expect(failure(text, format as Parameters<typeof parseCoverageReport>[1]).message).toContain(message);
  });

  it("the base file of vitest-coverage-report-action, whose counts were edited by hand, is refused naming the key", () => {
    expect(failure(fixture("coverage/istanbul-coverage-summary-vitest-action-base.json")).message).toMatch(
      /^istanbul coverage-summary\.json: \["\/absolute\/path\/src\/constants\.js"\]\.lines\.covered: expected a whole number, found number 1\.15/,
    );
  });

  it("truncated XML says the document ends early", () => {
    const text = fixture("coverage/cobertura-coveragepy-windows-source-tests-included.xml");
    expect(failure(text.slice(0, 5000)).message).toMatch(/expected a complete XML document, found one that ends early \(truncated\?\)/);
  });

  it("binary data is refused", () => {
    expect(failure("SF:a\u0000\u0001").message).toMatch(/binary data/);
  });

  it("a huge line is refused before it is held in memory", () => {
    const parser = createCoverageParser("lcov");
    expect(() => {
      for (let i = 0; i < 20; i += 1) parser.write("x".repeat(100_000));
    }).toThrow(/line 1: expected lines shorter than/);
  });

  it("istanbul JSON with a wrong type names the key path", () => {
    const text = JSON.stringify({ "/a.js": { path: "/a.js", statementMap: {}, s: { 0: "many" }, fnMap: {}, f: {}, branchMap: {}, b: {} } });
    expect(failure(text).message).toMatch(/^istanbul coverage-final\.json: \["\/a\.js"\]\.s\["0"\]: expected number, found string "many"$/);
  });

  it("a Go block that is not a block is quoted", () => {
    expect(failure("mode: set\nnot a block\n").message).toBe('line 2: expected a block "file:line.col,line.col statements count", found "not a block"');
  });

  it("chunk boundaries anywhere give the same result as one write", () => {
    const text = fixture("coverage/lcov-jest-klaster-sdk-relative-paths.info");
    const parser = createCoverageParser("lcov");
    for (let i = 0; i < text.length; i += 7) parser.write(text.slice(i, i + 7));
    expect(parser.end().files).toEqual(parseCoverageReport(text).files);
  });
});

describe("lcov DA and BRDA records read straight from the chunk", () => {
  // Records the direct reading takes, and look-alikes it must leave to the general path: CRLF, a checksum,
  // leading zeros, a line number of ten digits, a count of sixteen, BRDA's "-", expressions as branch names.
  const text = [
    "SF:a.c",
    "DA:007,0003",
    "DA:2,5\r",
    "DA:3,2,d41d8cd98f00b204e9800998ecf8427e",
    "DA:1234567890,1",
    "DA:4,1234567890123456",
    "DA:2,1",
    "BRDA:9,0,0,-",
    "BRDA:9,0,1,4\r",
    "BRDA:10,0,0,-\r",
    "BRDA:11,0,x > 1,2",
    "BRDA:12,1,0,0",
    "end_of_record",
    "",
  ].join("\n");

  const read = (chunk: number) => {
    const parser = createCoverageParser("lcov");
    for (let i = 0; i < text.length; i += chunk) parser.write(text.slice(i, i + chunk));
    return parser.end().files;
  };

  it("give each record's values, CRLF lines and look-alikes included", () => {
    const [file] = read(text.length);
    expect([...(file?.lines.entries() ?? [])]).toEqual([
      [2, 6],
      [3, 2],
      [4, 2 ** 31 - 2],
      [7, 3],
      [1234567890, 1],
    ]);
    expect(file?.branches.byLine()).toEqual(
      new Map([
        [9, { covered: 1, total: 2 }],
        [10, { covered: 0, total: 1 }],
        [11, { covered: 1, total: 1 }],
        [12, { covered: 0, total: 1 }],
      ]),
    );
  });

  it("give the same files whichever way the text is cut into chunks", () => {
    const whole = read(text.length);
    for (const chunk of [1, 2, 3, 4, 5, 7, 11, 13, 64]) expect(read(chunk), `chunks of ${chunk}`).toEqual(whole);
  });

  it.each([
    ["a sign", "DA:1,+3", 'expected a non-negative number in the DA record, found "+3x"'],
    ["a count that is not a number", "DA:5,", 'expected a non-negative number in the DA record, found "x"'],
    ["a BRDA of three fields", "BRDA:1,0,-", 'expected a non-negative number in the BRDA record, found "-x"'],
    ["a dash followed by digits", "BRDA:1,0,0,-5", 'expected a non-negative number in the BRDA record, found "-5x"'],
  ])("leave %s to the general path, which names the line", (_name, record, message) => {
    for (const chunk of [1, 3, 1000]) {
      // After a CRLF line: counted as one line, whichever way it was read.
      const bad = `SF:a\nDA:1,1\r\n${record}x\nend_of_record\n`;
      const parser = createCoverageParser("lcov");
      expect(() => {
        for (let i = 0; i < bad.length; i += chunk) parser.write(bad.slice(i, i + chunk));
        parser.end();
      }, `chunks of ${chunk}`).toThrow(`line 3: ${message}`);
    }
  });
});

describe("forcing a format", () => {
  it("an XML format forced on a text report says what it found", () => {
    expect(() => parseCoverageReport("SF:a.ts\nDA:1,1\nend_of_record\n", "cobertura")).toThrow(
      'line 1: expected an XML document, found text starting with "SF:a.ts"',
    );
  });

  it("a malformed XML error drops saxes' position prefix but keeps the line", () => {
    expect(() => parseCoverageReport('<coverage line-rate="1"><packages></coverage>')).toThrow(
      /^line 1: expected well-formed XML, found an error: unexpected close tag/,
    );
  });
});
