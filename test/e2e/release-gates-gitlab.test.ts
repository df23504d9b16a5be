import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { asGitLabProject, COMPONENT_PROJECT, COMPONENT_VERSION, jobLog, repoRoot, runGitLabPipeline, useTestRepos } from "./support.js";

/**
 * The composed release-gates component as the GitLab example sets it up for
 * the sample service: the tests, then plan, the gates the next environment
 * requires, and promote, run by gitlab-ci-local's shell executor from the
 * release tree's templates and CLI.
 */
const repos = useTestRepos();

async function sampleService(inputs: Record<string, unknown> = {}): Promise<TestRepo> {
  const repo = createTestRepo({}, join(repoRoot, "examples/sample-service"));
  repos.push(repo);
  const { cliPackage } = await asGitLabProject(repo);
  const example = parse(readFileSync(join(repoRoot, "examples/gitlab/release-gates.gitlab-ci.yml"), "utf8"));
  // The example as users copy it, pointed at the pretend GitLab's component and the packed CLI, with a harmless deploy.
  example.include[0].component = `${COMPONENT_PROJECT}/release-gates@${COMPONENT_VERSION}`;
  example.include[0].inputs = { ...example.include[0].inputs, "cli-package": cliPackage, ...inputs };
  example.deploy.script = example.deploy.script.map((line: string) => line.replace("./deploy.sh", "echo deploying to"));
  // The shell executor runs the jobs with this machine's Node, like node:22-alpine would.
  repo.write({ ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/*.json\n", ".gitlab-ci.yml": stringify(example) });
  repo.commit("the sample service with the release process");
  return repo;
}

describe.skipIf(skipWithout("rsync"))("the release-gates component on the sample service", () => {
  it("a new commit goes to development, which requires no gate: the gate jobs say so and promote promotes", async () => {
    const repo = await sampleService({ record: false });
    const result = await runGitLabPipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(jobLog(repo, "coverage-gate")).toContain("coverage is not required for development: nothing to run");
    expect(jobLog(repo, "release-gates-promote")).toMatch(/PROMOTE: promote to development at 100 %/);
    expect(jobLog(repo, "deploy")).toContain("deploying to development 100");
  });

  it("aimed at staging, the coverage gate runs with staging's settings on the tests' report, and promote uses its report", async () => {
    const repo = await sampleService({ environment: "staging", record: false });
    const result = await runGitLabPipeline(repo);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = expectValidReport(
      JSON.parse(readFileSync(join(repo.dir, ".gitlab-ci-local/artifacts/coverage-gate/release-gates/coverage-report.json"), "utf8")),
    );
    expect(report.predicate).toMatchObject({ gate: "coverage-gate", environment: "staging" });
    expect(jobLog(repo, "perf-gate")).toContain("perf is not required for staging: nothing to run");
    const promote = jobLog(repo, "release-gates-promote");
    expect(promote).toMatch(/PROMOTE: promote to staging at 100 %/);
    expect(promote).toMatch(/used coverage \((pass|warn), staging settings, [^)]+\): release-gates\/coverage-report\.json/);
  });
});
