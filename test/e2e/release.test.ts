import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, releaseTree, repoRoot, requireReleaseTree, runProcess } from "./support.js";

/**
 * The release script against a bare repository standing in for GitHub: a
 * source repository with the script and a package.json, the release tree
 * built by `npm test`, and `origin` a local bare repository.
 */
let dir: string;
let source: string;
let origin: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
  }).trim();
const atOrigin = (ref: string) => git(origin, "rev-parse", `${ref}^{commit}`);

function setVersion(version: string, change: string) {
  writeFileSync(join(source, "package.json"), `${JSON.stringify({ name: "release-gates", private: true, version })}\n`);
  writeFileSync(join(source, "CHANGES.txt"), `${change}\n`);
  git(source, "add", "-A");
  git(source, "commit", "-q", "-m", change);
  git(source, "push", "-q", "origin", "HEAD:main");
}

const release = (version: string, ...extra: string[]) =>
  runProcess(
    process.execPath,
    [join(source, "scripts/release.mjs"), version, "--tree", releaseTree, "--notes", join(dir, `notes-${version}.md`), "--push", ...extra],
    {
      cwd: source,
      env: cleanEnv(),
    },
  );

beforeAll(() => {
  requireReleaseTree();
  dir = mkdtempSync(join(tmpdir(), "rg-release-"));
  origin = join(dir, "origin.git");
  source = join(dir, "source");
  git(dir, "init", "-q", "--bare", origin);
  mkdirSync(join(source, "scripts"), { recursive: true });
  cpSync(join(repoRoot, "scripts/release.mjs"), join(source, "scripts/release.mjs"));
  git(source, "init", "-q", "-b", "main");
  git(source, "remote", "add", "origin", origin);
  setVersion("1.0.0", "the first version");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scripts/release.mjs, pushing to a bare repository", () => {
  it("the first release: the release tree is the tag's whole tree, v1 and v1.0 point at it, and there is no parent", async () => {
    const result = await release("1.0.0");
    expect(result.code, result.stderr).toBe(0);
    const commit = atOrigin("v1.0.0");
    for (const ref of ["1.0.0", "v1", "v1.0", "refs/heads/releases/v1"]) expect(atOrigin(ref), ref).toBe(commit);
    const files = git(origin, "ls-tree", "--name-only", commit).split("\n");
    expect(files).toEqual(expect.arrayContaining(["coverage-gate", "perf-gate", "security-gate", "promote", "lib", "templates", "cli", "schema", "README.md"]));
    expect(files).not.toContain("package.json");
    expect(git(origin, "show", `${commit}:coverage-gate/action.yml`)).toContain("main: ../lib/coverage-gate.mjs");
    expect(git(origin, "rev-list", "--parents", "-n", "1", commit).split(" ")).toHaveLength(1);
    expect(git(origin, "log", "-1", "--format=%B", commit)).toContain(`Built from ${git(source, "rev-parse", "HEAD")}.`);
    expect(readFileSync(join(dir, "notes-1.0.0.md"), "utf8")).toContain("The first release.");
  });

  it("a minor release: its parent is the previous release, v1 moves, v1.0 stays, the notes list the changes", async () => {
    const first = atOrigin("v1.0.0");
    setVersion("1.1.0", "add the observability gate");
    const result = await release("1.1.0");
    expect(result.code, result.stderr).toBe(0);
    const commit = atOrigin("v1.1.0");
    expect(git(origin, "rev-list", "--parents", "-n", "1", commit).split(" ")[1]).toBe(first);
    expect(atOrigin("v1")).toBe(commit);
    expect(atOrigin("v1.1")).toBe(commit);
    expect(atOrigin("v1.0")).toBe(first);
    expect(git(origin, "log", "--format=%s", "releases/v1")).toBe("release-gates v1.1.0\nrelease-gates v1.0.0");
    expect(readFileSync(join(dir, "notes-1.1.0.md"), "utf8")).toMatch(/Changes since v1\.0\.0:\n\n- add the observability gate \([0-9a-f]+\)\n/);
  });

  it("a patch of an older line moves only that line's tag", async () => {
    const newest = atOrigin("v1");
    setVersion("1.0.1", "fix a crash on empty reports");
    const result = await release("1.0.1");
    expect(result.code, result.stderr).toBe(0);
    expect(atOrigin("v1.0")).toBe(atOrigin("v1.0.1"));
    expect(atOrigin("v1")).toBe(newest);
  });

  it("the tag a maintainer pushes on the source commit is moved to the release commit, and the run it triggers again does nothing", async () => {
    setVersion("1.2.0", "tagged by hand");
    git(source, "tag", "v1.2.0");
    git(source, "push", "-q", "origin", "v1.2.0");
    const result = await release("1.2.0");
    expect(result.code, result.stderr).toBe(0);
    expect(git(origin, "cat-file", "-t", "v1.2.0")).toBe("tag");
    expect(git(origin, "show", `${atOrigin("v1.2.0")}:coverage-gate/action.yml`)).toContain("coverage-gate");
    const again = await release("1.2.0");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^v1\.2\.0 is released already/);
  });

  it("a version package.json does not say, and a dirty work tree, are refused before anything is pushed", async () => {
    const wrong = await release("9.9.9");
    expect(wrong).toMatchObject({ code: 2 });
    expect(wrong.stderr).toBe("release: expected package.json to say 9.9.9, found 1.2.0: run npm run set-version -- 9.9.9 and commit first\n");
    writeFileSync(join(source, "CHANGES.txt"), "uncommitted\n");
    const dirty = await release("1.2.0");
    expect(dirty.stderr).toBe("release: expected a clean work tree, found uncommitted changes\n");
    expect(() => atOrigin("v9.9.9")).toThrow();
  });
});
