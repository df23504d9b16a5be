import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const corpus = (path: string) => fixturePath(`security/${path}`);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rg-security-"));
  copyFileSync(corpus("generated/audit-demo/package-lock.json"), join(dir, "package-lock.json"));
  copyFileSync(corpus("generated/audit-demo/npm-sbom.spdx.json"), join(dir, "sbom.spdx.json"));
  cpSync(corpus("advisories"), join(dir, "osv"), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["security", ...args], { cwd: dir, env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("release-gates security, in process", () => {
  it("the text output lists the blocking findings, most severe first, and points at the report", async () => {
    const result = await cli(["--sbom", "package-lock.json", "--advisories", "osv"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL +dependencies\.blocking +10 /);
    expect(result.stdout).toMatch(/Blocking findings:\n {2}✗ jsonwebtoken@0\.1\.0 has GHSA-c7hr-j4mj-j2w6, CVE-2015-9235 \(critical\)/);
    expect(result.stdout).toContain(`Report: ${join(dir, "release-gates/security-report.json")}`);
    expectValidReport(JSON.parse(readFileSync(join(dir, "release-gates/security-report.json"), "utf8")));
  });

  it("npm's own SPDX SBOM marks minimist as a dev dependency through DEV_DEPENDENCY_OF; with both scopes it blocks", async () => {
    const runtime = await cli(["--sbom", "sbom.spdx.json", "--advisories", "osv", "--format", "json"]);
    const both = await cli(["--sbom", "sbom.spdx.json", "--advisories", "osv", "--scope", "runtime development", "--format", "json"]);
    const minimist = (stdout: string) =>
      JSON.parse(stdout).predicate.findings.find((finding: { id: string }) => finding.id === "GHSA-xvch-5gv4-984h").properties.decision;
    expect(minimist(runtime.stdout)).toBe("out-of-scope");
    expect(minimist(both.stdout)).toBe("blocking");
  });

  it("markdown output and the summary file hold the vulnerable-dependency table", async () => {
    const result = await cli([
      "--sbom",
      "package-lock.json",
      "--advisories",
      "osv",
      "--format",
      "markdown",
      "--summary-out",
      "summary.md",
      "--fail-on",
      "critical",
      "--accept-from",
      "low",
    ]);
    expect(result.stdout).toContain(
      "| ❌ fix or accept | `express-jwt` | 0.1.3 | [GHSA-6g6m-m6h5-w9gf](https://osv.dev/vulnerability/GHSA-6g6m-m6h5-w9gf) | high 7.7 | 6.0.0 | runtime |",
    );
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toBe(result.stdout);
  });

  it("writes GitLab's dependency_scanning report for the part that ran, and no secret_detection report for a scan that did not", async () => {
    const result = await cli([
      "--sbom",
      "package-lock.json",
      "--advisories",
      "osv",
      "--dependency-scanning-out",
      "gl-ds.json",
      "--secret-detection-out",
      "gl-sd.json",
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, "gl-ds.json"), "utf8")).vulnerabilities).toHaveLength(13);
    expect(existsSync(join(dir, "gl-sd.json"))).toBe(false);
  });

  it("--help explains the options; a bad scope is one sentence and exit 2", async () => {
    expect((await cli(["--help"])).stdout).toContain("--risk-register FILE");
    const bad = await cli(["--sbom", "package-lock.json", "--advisories", "osv", "--scope", "production"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^release-gates security: --scope: \[0\]: expected one of "runtime"\|"development", found string "production"\n$/);
  });
});
