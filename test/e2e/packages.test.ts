import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, jobLog, releaseTree, requireReleaseTree, requireTestTools, runGitLabPipeline, runProcess } from "./support.js";

const VERSION = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version as string;

describe("@release-gates/cli as npm would publish it", () => {
  let project: string;
  let files: string[];
  beforeAll(async () => {
    requireReleaseTree();
    project = mkdtempSync(join(tmpdir(), "rg-cli-consumer-"));
    const packed = await runProcess("npm", ["pack", "--json", "--pack-destination", project], { cwd: join(releaseTree, "cli"), env: cleanEnv() });
    const [{ filename, files: listed }] = JSON.parse(packed.stdout);
    files = listed.map((file: { path: string }) => file.path);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    // No dependencies: the install never reaches the registry.
    const installed = await runProcess("npm", ["install", "--offline", "--no-audit", "--no-fund", join(project, filename)], { cwd: project, env: cleanEnv() });
    expect(installed.code, installed.stderr).toBe(0);
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("is the bundle (lazily loaded chunks, no dependencies) with its README and licence, published publicly with provenance", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js"]));
    expect(
      files.filter(
        (file) =>
          !["LICENSE", "README.md", "package.json"].includes(file) && !/^dist\/[\w./-]+\.(js|mjs|map)$/.test(file) && file !== "dist/THIRD_PARTY_NOTICES.txt",
      ),
    ).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, "node_modules/@release-gates/cli/package.json"), "utf8"));
    expect(manifest).toMatchObject({ version: VERSION, publishConfig: { access: "public", provenance: true }, bin: { "release-gates": "dist/index.js" } });
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\//);
  });

  it("runs from the project's node_modules/.bin", async () => {
    const version = await runProcess(join(project, "node_modules/.bin/release-gates"), ["--version"], { cwd: project, env: cleanEnv() });
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = await runProcess(join(project, "node_modules/.bin/release-gates"), ["coverage", "--help"], { cwd: project, env: cleanEnv() });
    expect(help.stdout).toMatch(/^Usage: release-gates coverage \[options\]/);
  });
});

describe.skipIf(skipWithout("rsync"))("the release tree as a GitLab CI/CD catalog project", () => {
  let repo: TestRepo;
  beforeAll(() => {
    requireReleaseTree();
    requireTestTools();
    repo = createTestRepo({});
    cpSync(releaseTree, repo.dir, { recursive: true });
    repo.commit("the release tree");
  });
  afterAll(() => repo?.remove());

  it("on its version tag, checks the CLI and that every component pins it, then runs the release job", async () => {
    const result = await runGitLabPipeline(repo, { CI_COMMIT_TAG: VERSION });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(jobLog(repo, "components")).toMatch(/templates\/coverage-gate\.yml/);
    expect(jobLog(repo, "release")).toContain(`Publishing release-gates ${VERSION} to the CI/CD catalog`);
  });

  it("a tag that is not the tree's version fails the check before anything is released", async () => {
    rmSync(join(repo.dir, ".gitlab-ci-local"), { recursive: true, force: true });
    const result = await runGitLabPipeline(repo, { CI_COMMIT_TAG: "9.9.9" });
    expect(result.code).not.toBe(0);
    expect(() => jobLog(repo, "release")).toThrow();
  });
});
