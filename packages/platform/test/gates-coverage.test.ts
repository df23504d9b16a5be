import { ConfigurationError } from "@release-gates/core";
import { fixture } from "@release-gates/test-helpers/fixtures";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { afterEach, describe, expect, it } from "vitest";
import { type CoverageRunRequest, runCoverageGate as runGate } from "../src/gates/coverage.js";

/** Every report a test produces must satisfy the report contract. */
async function runCoverageGate(request: CoverageRunRequest) {
  const result = await runGate(request);
  expectValidReport(result.report);
  return result;
}

const corpus = (name: string) => fixture(`coverage/${name}`);
let repo: TestRepo;
afterEach(() => repo?.remove());

/** The klaster-sdk files as a repository, so its real lcov/clover/istanbul reports resolve. */
function klasterRepo(): TestRepo {
  const lcov = corpus("lcov-jest-klaster-sdk-relative-paths.info");
  const sources = Object.fromEntries([...lcov.matchAll(/^SF:(.+)$/gm)].map(([, path]) => [path, "1\n2\n3\n4\n5\n6\n7\n8\n"]));
  return createTestRepo(sources);
}

describe("the coverage gate from files to report", () => {
  it("merges the same run's lcov (relative paths) and clover (absolute macOS paths) and decides", async () => {
    repo = klasterRepo();
    repo.write({
      "coverage/lcov.info": corpus("lcov-jest-klaster-sdk-relative-paths.info"),
      "coverage/clover.xml": corpus("clover-jest-klaster-sdk-absolute-paths.xml"),
    });
    const sha = repo.commit("sources and reports");
    const { report } = await runCoverageGate({ cwd: repo.dir, overrides: { reports: ["coverage/*.{info,xml}"] } });
    expectValidReport(report);
    expect(report.subject).toEqual([{ name: repo.dir.split("/").pop(), digest: { gitCommit: sha } }]);
    expect(report.predicate.inputs.map((input) => input.format)).toEqual(["clover", "lcov"]);
    expect(report.predicate.checks.find((check) => check.id === "global.lines")).toMatchObject({ status: "fail", measured: 52.43, threshold: 80 });
    expect(report.predicate.status).toBe("fail");
  });

  it("patch coverage comes from a real git diff against the base branch", async () => {
    repo = klasterRepo();
    repo.write({ "coverage/lcov.info": corpus("lcov-jest-klaster-sdk-relative-paths.info") });
    repo.commit("base");
    repo.git("checkout", "-q", "-b", "feature");
    // error.service.ts: line 4 is covered, line 8 is not (DA:4,1 / DA:8,0).
    repo.write({ "src/error.service.ts": "1\n2\n3\n4 changed\n5\n6\n7\n8 changed\n" });
    repo.commit("feature");
    const { report } = await runCoverageGate({ cwd: repo.dir, baseRef: "main", overrides: { thresholds: { global: { lines: 50 } } } });
    expect(report.predicate.checks.find((check) => check.id === "patch")).toMatchObject({ status: "fail", measured: 50 });
    expect(report.predicate.findings.filter((finding) => finding.id === "patch.uncovered")).toEqual([
      {
        id: "patch.uncovered",
        severity: "warning",
        message: "Line 8 was changed but no test runs it.",
        location: { path: "src/error.service.ts", startLine: 8, endLine: 8 },
      },
    ]);
  });

  it("the policy file in the project is read; a named one that is missing is an error", async () => {
    repo = klasterRepo();
    repo.write({
      "coverage/lcov.info": corpus("lcov-jest-klaster-sdk-relative-paths.info"),
      "release-gates.yml": "gates:\n  coverage:\n    thresholds:\n      global: { lines: 50 }\n",
    });
    repo.commit("policy");
    const { report } = await runCoverageGate({ cwd: repo.dir });
    expect(report.predicate.status).toBe("pass");
    const error = await runCoverageGate({ cwd: repo.dir, policyPath: "policies/release.yml" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe("policies/release.yml: expected a readable policy file, found no such file");
  });

  it("no report at all fails closed with where it looked", async () => {
    repo = createTestRepo({ "src/a.ts": "x\n" });
    repo.commit("no coverage");
    const { report } = await runCoverageGate({ cwd: repo.dir });
    expect(report.predicate.status).toBe("fail");
    expect(report.predicate.checks[0]?.message).toMatch(/No coverage report matched coverage\/lcov\.info/);
    // No commit digest is lost: the subject is still the commit.
    expect(report.subject[0]?.digest.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("a base report drives the drop check", async () => {
    repo = createTestRepo({ "src/a.ts": "x\n" });
    repo.write({ "head.info": "SF:src/a.ts\nDA:1,1\nDA:2,0\nend_of_record\n", "base.info": "SF:src/a.ts\nDA:1,1\nDA:2,1\nend_of_record\n" });
    repo.commit("reports");
    const { report } = await runCoverageGate({
      cwd: repo.dir,
      overrides: { reports: ["head.info"], baseReport: "base.info", thresholds: { global: { lines: 10 } } },
    });
    expect(report.predicate.checks.find((check) => check.id === "drop.lines")).toMatchObject({ status: "fail", measured: 50 });
    const missing = await runCoverageGate({ cwd: repo.dir, overrides: { reports: ["head.info"], baseReport: "nope.info" } }).catch((caught) => caught);
    expect(missing.message).toBe("nope.info: expected a base coverage report, found no such file");
  });
});
