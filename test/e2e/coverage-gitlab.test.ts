import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { startFileServer } from "@release-gates/test-helpers/http-server";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  asGitLabProject,
  COMPONENT_PROJECT,
  COMPONENT_VERSION,
  cleanEnv,
  jobLog as readJobLog,
  repoRoot,
  runGitLabPipeline,
  runProcess,
  useTestRepos,
} from "./support.js";

/**
 * The coverage-gate component from the release tree, included with
 * `include: component:` and run by gitlab-ci-local's shell executor (under
 * Node 24, which it needs). The component lives on a GitLab we cannot reach,
 * so gitlab-ci-local's include cache is seeded with the release tree's
 * templates/, exactly where it would have downloaded them. The CLI is the
 * release tree's bundled package, packed to a tarball, as `npm exec` would
 * fetch it from the registry.
 */
const repos = useTestRepos();

async function project(inputs: Record<string, string>): Promise<TestRepo> {
  const repo = createTestRepo({}, join(repoRoot, "examples/sample-service"));
  repos.push(repo);
  const { cliPackage } = await asGitLabProject(repo);
  repo.write({
    ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/\n",
    ".gitlab-ci.yml": stringify({
      stages: ["test"],
      include: [{ component: `${COMPONENT_PROJECT}/coverage-gate@${COMPONENT_VERSION}`, inputs: { "cli-package": cliPackage, ...inputs } }],
    }),
  });
  return repo;
}

const pipeline = runGitLabPipeline;
const jobLog = (repo: TestRepo) => readJobLog(repo, "coverage-gate");
const artifact = (repo: TestRepo, path: string) => join(repo.dir, ".gitlab-ci-local/artifacts/coverage-gate", path);

describe.skipIf(skipWithout("rsync"))("coverage-gate GitLab component from the release tree", () => {
  it("passes on the sample service, prints the coverage line GitLab reads, and keeps the reports", async () => {
    const repo = await project({ threshold: "lines=80" });
    repo.commit("sample service");
    const result = await pipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // The component's `coverage:` regex, applied to the job log as GitLab applies it.
    const job = parse(readFileSync(join(repo.dir, ".gitlab-ci-local/expanded-gitlab-ci.yml"), "utf8"))["coverage-gate"];
    expect(new RegExp(job.coverage.slice(1, -1), "m").exec(jobLog(repo))?.[0]).toBe("Coverage: 89.23%");
    const report = expectValidReport(JSON.parse(readFileSync(artifact(repo, "release-gates/coverage-report.json"), "utf8")));
    expect(report.predicate.status).toBe("pass");
    expect(readFileSync(artifact(repo, "release-gates/coverage.cobertura.xml"), "utf8")).toContain('filename="src/cart.js"');
    expect(readFileSync(artifact(repo, "release-gates/coverage-summary.md"), "utf8")).toMatch(/^## ✅ coverage-gate: pass/);
    expect(job.artifacts.reports.coverage_report).toEqual({ coverage_format: "cobertura", path: "release-gates/coverage.cobertura.xml" });
  });

  it("in a merge request pipeline, untested changed lines fail the job against the MR's diff base", async () => {
    const repo = await project({ "patch-threshold": "80" });
    const base = repo.commit("sample service");
    writeFileSync(
      join(repo.dir, "src/currency.js"),
      `${readFileSync(join(repo.dir, "src/currency.js"), "utf8")}\nexport function isKnown(currency) {\n  if (!currency) return false;\n  return ["EUR", "USD", "GBP", "JPY"].includes(currency);\n}\n`,
    );
    const measured = await runProcess(
      process.execPath,
      ["--test", "--experimental-test-coverage", "--test-reporter=lcov", "--test-reporter-destination=coverage/lcov.info", "test/"],
      { cwd: repo.dir, env: cleanEnv() },
    );
    expect(measured.code).toBe(0);
    repo.commit("isKnown");
    const result = await pipeline(repo, { CI_MERGE_REQUEST_DIFF_BASE_SHA: base, CI_MERGE_REQUEST_IID: "4" });
    expect(result.code).not.toBe(0);
    expect(jobLog(repo)).toMatch(/^FAIL +patch +\d+(\.\d+)? % +≥ 80 %/m);
    expect(jobLog(repo)).toContain(`Patch coverage against ${base.slice(0, 12)}:`);
    const report = expectValidReport(JSON.parse(readFileSync(artifact(repo, "release-gates/coverage-report.json"), "utf8")));
    expect(report.predicate.findings.find((finding) => finding.id === "patch.uncovered")?.location).toMatchObject({ path: "src/currency.js" });
  });

  it("the drop check reads the target branch's report from a job's artifacts through the GitLab API", async () => {
    // The base had every line covered: the sample service's coverage is lower, so the drop fails.
    const gitlab = await startFileServer(Buffer.from("SF:src/cart.js\nDA:1,1\nend_of_record\nSF:src/pricing.js\nDA:1,1\nend_of_record\n"));
    try {
      const repo = await project({ "base-artifact-job": "unit-tests", "base-artifact-path": "coverage/lcov.info" });
      repo.commit("sample service");
      const result = await pipeline(repo, { CI_API_V4_URL: `${gitlab.url}/api/v4`, CI_DEFAULT_BRANCH: "main", CI_JOB_TOKEN: "job-token" });
      expect(result.code).not.toBe(0);
      expect(jobLog(repo)).toMatch(/^FAIL +drop\.lines/m);
      expect(gitlab.requests).toHaveLength(1);
      expect(gitlab.requests[0]?.path).toMatch(/^\/api\/v4\/projects\/[^/]+\/jobs\/artifacts\/main\/raw\/coverage\/lcov\.info\?job=unit-tests$/);
      expect(gitlab.requests[0]?.jobToken).toBe("job-token");
    } finally {
      await gitlab.close();
    }
  });

  it("an input is never run as shell: a command in it is a (missing) report path", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${IFS}" typed into a GitLab input
    const repo = await project({ report: "coverage/lcov.info;touch${IFS}pwned;$(touch${IFS}pwned2)" });
    repo.commit("sample service");
    const result = await pipeline(repo);
    expect(result.code).not.toBe(0);
    expect(existsSync(join(repo.dir, "pwned"))).toBe(false);
    expect(existsSync(join(repo.dir, "pwned2"))).toBe(false);
    expect(jobLog(repo)).toMatch(/No coverage report matched coverage\/lcov\.info;touch\$\{IFS\}pwned;\$\(touch\$\{IFS\}pwned2\)/);
  });
});
