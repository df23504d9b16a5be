import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { GATES } from "@release-gates/core";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { startFakeApi } from "@release-gates/test-helpers/http-server";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

let repo: TestRepo;
afterEach(() => repo?.remove());

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { cwd, env, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function project(): TestRepo {
  return createTestRepo({
    "src/a.ts": "1\n2\n3\n4\n",
    "coverage/lcov.info": "SF:src/a.ts\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,0\nBRDA:2,0,0,1\nBRDA:2,0,1,-\nend_of_record\n",
  });
}

describe("release-gates coverage, in process", () => {
  it("a forced --report-format applies to the reports given, not to the policy's base report in another format", async () => {
    repo = project();
    repo.write({ "release-gates.yml": "version: 1\ngates:\n  coverage:\n    baseReport: coverage/lcov.info\n    maxDrop: { lines: 5 }\n" });
    repo.commit("x");
    expect((await cli(["coverage", "--report", "coverage/lcov.info", "--cobertura-out", "own.cobertura.xml"], repo.dir)).code).toBe(1);
    const forced = await cli(["coverage", "--report", "own.cobertura.xml", "--report-format", "cobertura", "--format", "json"], repo.dir);
    expect(forced.stderr).toBe("Coverage: 75%\n");
    expect(JSON.parse(forced.stdout).predicate.inputs.map((input: { format: string }) => input.format)).toEqual(["cobertura", "lcov"]);
  });

  it("exit 1 when the policy is not met, with the table and GitLab's coverage line", async () => {
    repo = project();
    repo.commit("x");
    const result = await cli(["coverage"], repo.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^coverage-gate: FAIL\n/);
    expect(result.stdout).toMatch(/FAIL +global\.lines +75 % +≥ 80 %/);
    expect(result.stderr).toBe("Coverage: 75%\n");
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/coverage-report.json"), "utf8")));
  });

  it("exit 0 when thresholds are met; empty flag values count as not given", async () => {
    repo = project();
    repo.commit("x");
    const result = await cli(["coverage", "--threshold", "lines=75,branches=50", "--patch-threshold", "", "--base-ref", "", "--report", ""], repo.dir);
    expect(result.code).toBe(0);
  });

  it("json and markdown formats, and the extra outputs", async () => {
    repo = project();
    repo.commit("x");
    const json = await cli(["coverage", "--format", "json", "--threshold", "70", "--cobertura-out", "out/c.xml", "--summary-out", "out/s.md"], repo.dir);
    expect(expectValidReport(JSON.parse(json.stdout)).predicate.status).toBe("pass");
    expect(readFileSync(join(repo.dir, "out/c.xml"), "utf8")).toContain('<class name="src/a.ts" filename="src/a.ts"');
    expect(readFileSync(join(repo.dir, "out/s.md"), "utf8")).toMatch(/^## ✅ coverage-gate: pass/);
    const markdown = await cli(["coverage", "--format", "markdown", "--report-out", "r.json"], repo.dir);
    expect(markdown.stdout).toContain("| Result | Check | Measured | Threshold | Why |");
    expect(existsSync(join(repo.dir, "r.json"))).toBe(true);
  });

  it("GitLab merge request pipelines measure patch coverage against the MR's diff base", async () => {
    repo = project();
    const base = repo.commit("base");
    repo.write({ "src/a.ts": "1\n2\n3\n4 changed\n" });
    repo.commit("change");
    const result = await cli(["coverage", "--format", "json", "--threshold", "50"], repo.dir, {
      GITLAB_CI: "true",
      CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
      CI_PROJECT_PATH: "acme/app",
      CI_COMMIT_SHA: "c".repeat(40),
    });
    const report = expectValidReport(JSON.parse(result.stdout));
    expect(report.subject).toEqual([{ name: "acme/app", digest: { gitCommit: "c".repeat(40) } }]);
    expect(report.predicate.checks.find((check) => check.id === "patch")).toMatchObject({ status: "fail", measured: 0 });
  });

  it("a GitLab token that may not read the artifacts is the user's configuration: exit 2 naming read_api, not a bug", async () => {
    repo = project();
    repo.commit("x");
    const api = await startFakeApi(() => ({ status: 403, body: { message: "403 Forbidden" } }));
    try {
      const result = await cli(["coverage", "--base-artifact-job", "test", "--base-artifact-path", "coverage/lcov.info"], repo.dir, {
        GITLAB_CI: "true",
        CI_API_V4_URL: api.url,
        CI_PROJECT_ID: "7",
        CI_JOB_TOKEN: "job-token",
        CI_DEFAULT_BRANCH: "main",
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^release-gates coverage: GitLab API GET .* answered 403: 403 Forbidden: the token lacks the read_api scope/);
      expect(result.stderr).not.toContain("bug");
    } finally {
      await api.close();
    }
  });

  it.each([
    [
      ["coverage", "--threshold", "lines=abc"],
      'release-gates coverage: --threshold: expected lines to be a percentage up to 100 (or a negative count of uncovered items), found "abc"\n',
    ],
    [["coverage", "--format", "xml"], 'release-gates coverage: --format: expected one of text, markdown, json, found "xml"\n'],
    [["coverage", "--patch-threshold", "200"], "release-gates coverage: --patch-threshold: expected a number at most 100, found number 200\n"],
    [
      ["coverage", "--report-format", "ncover"],
      'release-gates coverage: --report-format: expected one of auto, lcov, cobertura, clover, jacoco, istanbul, istanbul-summary, go, found "ncover"\n',
    ],
    [["coverage", "--bogus"], "release-gates coverage: command line: Unknown option '--bogus'; run with --help for the options\n"],
    [["coverage", "--env", "prod"], 'release-gates coverage: --env: expected one of the policy\'s environments (none defined), found "prod"\n'],
  ])("%j is a usage error (exit 2, one sentence)", async (args, message) => {
    repo = project();
    repo.commit("x");
    expect(await cli(args, repo.dir)).toEqual({ code: 2, stdout: "", stderr: message });
  });

  it("help, version and unknown commands", async () => {
    expect((await cli(["--help"], "/")).stdout).toMatch(/^Usage: release-gates <command>/);
    expect((await cli(["coverage", "--help"], "/")).stdout).toMatch(/^Usage: release-gates coverage/);
    expect((await cli(["--version"], "/")).stdout).toBe("1.0.0\n");
    expect(await cli(["deploy"], "/")).toMatchObject({
      code: 2,
      stderr: `release-gates: expected a command (${GATES.map((gate) => gate.command).join(", ")}, promote, plan, init), found "deploy"; run release-gates --help\n`,
    });
    expect((await cli([], "/")).code).toBe(2);
  });
});
