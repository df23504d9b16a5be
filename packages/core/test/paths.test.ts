import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import { CoverageMap } from "../src/coverage/model.js";
import { parseCoverageReport } from "../src/coverage/parsers/index.js";
import { normaliseReportPath, RepoFileIndex, resolveCoveragePaths, toPosixPath } from "../src/coverage/paths.js";
import { ConfigurationError } from "../src/errors.js";

const repoFiles = [
  "src/error.service.ts",
  "src/index.ts",
  "lib/index.ts",
  "test.c",
  "pkg/webhook/external/github.go",
  "src/main/java/Example.java",
  "src/PortingAssistant.Client.Analysis/AnalysisHandler.cs",
];
const context = { repoRoot: "/home/runner/work/app/app", repoFiles };
const index = new RepoFileIndex(repoFiles);

describe("report paths become repo-relative", () => {
  it.each([
    ["relative path as is", "src/index.ts", "src/index.ts"],
    ["leading ./", "./test.c", "test.c"],
    ["absolute under this checkout", "/home/runner/work/app/app/src/index.ts", "src/index.ts"],
    ["absolute from another machine (macOS)", "/Users/mickey/Development/ExecEnv/klaster-sdk/src/error.service.ts", "src/error.service.ts"],
    ["Windows drive and backslashes", "D:\\build\\app\\src\\error.service.ts", "src/error.service.ts"],
    ["Go import path", "github.com/akuity/kargo/pkg/webhook/external/github.go", "pkg/webhook/external/github.go"],
    ["JaCoCo package path with no source root", "Example.java", "src/main/java/Example.java"],
  ])("%s", (_name, raw, expected) => {
    expect(normaliseReportPath(raw, context, index)).toBe(expected);
  });

  it("an ambiguous name resolves to nothing rather than a guess", () => {
    expect(normaliseReportPath("/elsewhere/index.ts", context, index)).toBeUndefined();
  });

  it("a configured prefix is stripped before matching", () => {
    expect(normaliseReportPath("github.com/akuity/kargo/pkg/webhook/external/github.go", { ...context, stripPrefixes: ["github.com/akuity/kargo"] })).toBe(
      "pkg/webhook/external/github.go",
    );
  });

  it("a relative path that climbs out of the repository is a configuration error", () => {
    expect(() => normaliseReportPath("../../etc/passwd", context, index)).toThrow(ConfigurationError);
    expect(() => normaliseReportPath("src/../../secret.ts", context, index)).toThrow(/resolves outside it/);
  });

  it("file:// URLs and backslashes are read as paths", () => {
    expect(toPosixPath("file:///C:\\a\\b")).toBe("/C:/a/b");
  });
});

describe("resolving whole reports from the corpus", () => {
  it("Coverlet's Windows source root and backslash file names map onto the repository", () => {
    const report = parseCoverageReport(fixture("coverage/cobertura-coverlet-porting-assistant-windows-paths.xml"));
    const files = report.files.map((file) => `src/${file.path.replace(/\\/g, "/")}`);
    const resolved = resolveCoveragePaths([report], { repoRoot: "/repo", repoFiles: files });
    expect(resolved.unmatched).toEqual([]);
    expect(resolved.coverage.size).toBe(80);
    expect(resolved.coverage.totals().lines).toEqual({ covered: 2114, total: 3106 });
  });

  it("uPortal's four source roots (one bogus) still resolve every file by its package path", () => {
    const report = parseCoverageReport(fixture("coverage/cobertura-java-uportal-multi-source-dtd.xml"));
    const files = report.files.map((file) => `uportal-war/src/main/java/${file.path}`);
    const resolved = resolveCoveragePaths([report], { repoRoot: "/repo", repoFiles: files });
    expect(resolved.unmatched).toEqual([]);
    expect(resolved.coverage.totals().lines).toEqual({ covered: 79, total: 756 });
  });

  it("the same run's lcov (relative) and clover (absolute) paths land on the same files", () => {
    const lcov = parseCoverageReport(fixture("coverage/lcov-jest-klaster-sdk-relative-paths.info"));
    const clover = parseCoverageReport(fixture("coverage/clover-jest-klaster-sdk-absolute-paths.xml"));
    const files = lcov.files.map((file) => file.path);
    const resolved = resolveCoveragePaths([lcov, clover], { repoRoot: "/Users/mickey/Development/ExecEnv/klaster-sdk", repoFiles: files });
    expect(resolved.unmatched).toEqual([]);
    expect(resolved.coverage.size).toBe(17);
    // Merged hit counts grow, the covered/total ratio does not: merging is not double counting.
    expect(resolved.coverage.totals().lines).toEqual({ covered: 140, total: 267 });
  });

  it("files outside the repository are listed, not counted, and exclusions are applied", () => {
    const report = parseCoverageReport(
      "SF:src/a.ts\nDA:1,1\nend_of_record\nSF:/opt/vendor/b.ts\nDA:1,0\nend_of_record\nSF:test/a.test.ts\nDA:1,1\nend_of_record\n",
    );
    const resolved = resolveCoveragePaths([report], { repoRoot: "/repo", repoFiles: ["src/a.ts", "test/a.test.ts"], exclude: ["test/**"] });
    expect(resolved.coverage.paths()).toEqual(["src/a.ts"]);
    expect(resolved.unmatched).toEqual(["/opt/vendor/b.ts"]);
    expect(resolved.excluded).toEqual(["test/a.test.ts"]);
    expect(new CoverageMap().size).toBe(0);
  });
});
