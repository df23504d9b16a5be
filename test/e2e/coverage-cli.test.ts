import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireReleaseTree, runReleaseCli } from "./support.js";

/** The bundled CLI from the release tree, run as a process, as a GitLab job or a laptop runs it. */
let dir: string;

beforeAll(() => {
  requireReleaseTree();
  dir = mkdtempSync(join(tmpdir(), "rg-cli-"));
  writeFileSync(join(dir, "a.ts"), "1\n2\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], cwd = dir) => runReleaseCli(args, { cwd });
const corpus = (name: string) => fixturePath(`coverage/${name}`);

describe("release-gates CLI bundle", () => {
  it("runs the demo project's gate: exit 0 for staging, 1 for the stricter testnet", async () => {
    const service = join(repoRoot, "examples/sample-service");
    const staging = await run(["coverage", "--cwd", service, "--env", "staging", "--report-out", join(dir, "staging.json")]);
    expect(staging.code, staging.stderr).toBe(0);
    const testnet = await run(["coverage", "--cwd", service, "--env", "testnet", "--report-out", join(dir, "testnet.json")]);
    expect(testnet.code).toBe(1);
    expect(testnet.stdout).toMatch(/FAIL +path:src\/pricing\.js\.lines +88\.46 %/);
    expect(expectValidReport(JSON.parse(readFileSync(join(dir, "testnet.json"), "utf8"))).predicate.environment).toBe("testnet");
    expect(expectValidReport(JSON.parse(readFileSync(join(dir, "staging.json"), "utf8"))).predicate.status).toBe("pass");
  });

  // Each bad input: exit 2, one sentence on stderr naming the file, no stack trace.
  const cases: [string, () => void, RegExp][] = [
    [
      "a truncated Cobertura file",
      () => writeFileSync(join(dir, "report"), readFileSync(corpus("cobertura-coveragepy-windows-source-tests-included.xml"), "utf8").slice(0, 4000)),
      /^release-gates coverage: report, line \d+: expected a complete XML document, found one that ends early \(truncated\?\)/,
    ],
    [
      "a binary file",
      () => writeFileSync(join(dir, "report"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a])),
      /^release-gates coverage: report: expected a readable text coverage report, found binary data \(NUL bytes\)\n$/,
    ],
    [
      "a 2 MiB line",
      () => writeFileSync(join(dir, "report"), `SF:${"a".repeat(2 * 1024 * 1024)}\n`),
      /^release-gates coverage: report, line 1: expected lines shorter than 1048576 characters/,
    ],
    [
      "a file of another format",
      () => writeFileSync(join(dir, "report"), readFileSync(corpus("dotcover-xml-named-coverage-xml-porting-assistant.xml"))),
      /^release-gates coverage: report: expected a coverage report with file paths and line numbers, found a JetBrains dotCover XML report/,
    ],
    [
      "a path escaping the repository",
      () => writeFileSync(join(dir, "report"), "SF:../../../etc/passwd\nDA:1,1\nend_of_record\n"),
      /^release-gates coverage: expected coverage paths inside the repository, found "..\/..\/..\/etc\/passwd", which resolves outside it\n$/,
    ],
    [
      "a wrong format forced on lcov",
      () => writeFileSync(join(dir, "report"), "SF:a.ts\nDA:1,1\nend_of_record\n"),
      /^release-gates coverage: report, line 1: expected an XML document, found text starting with "SF:a.ts"\n$/,
    ],
  ];
  for (const [name, prepare, message] of cases) {
    it(`${name}: exit 2 with one sentence`, async () => {
      prepare();
      const args = ["coverage", "--report", "report", ...(name.startsWith("a wrong format") ? ["--report-format", "jacoco"] : [])];
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
