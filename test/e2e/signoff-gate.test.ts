import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { cleanEnv, node24, releaseTree, runBundledAction, runProcess, useTestRepos } from "./support.js";

const repos = useTestRepos();

function project(): TestRepo {
  const repo = createTestRepo({ "README.md": "a project\n" });
  repo.commit("project");
  repos.push(repo);
  return repo;
}

describe("signoff-gate from the release tree", () => {
  it("the CLI bundle writes a valid report", async () => {
    const repo = project();
    const result = await runProcess(process.execPath, [join(releaseTree, "cli/dist/index.js"), "signoff"], { cwd: repo.dir, env: cleanEnv() });
    expect([0, 1], result.stderr).toContain(result.code);
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/signoff-report.json"), "utf8")));
  });

  it("the action bundle, as the runner runs it under Node 24, sets its status", async () => {
    const repo = project();
    const run = await runBundledAction("signoff-gate", { node: node24, workspace: repo.dir, event: {}, eventName: "push", inputs: { comment: "false" } });
    expect(run.outputs.status, run.stdout + run.stderr).toMatch(/^(pass|warn|fail)$/);
    expect(existsSync(join(repo.dir, "release-gates/signoff-report.json"))).toBe(true);
  });
});
