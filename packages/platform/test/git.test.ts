import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { afterEach, describe, expect, it } from "vitest";
import { changedLinesSince, gitFacts, trackedFiles, workTreeAndHead } from "../src/local/git.js";

let repo: TestRepo;
afterEach(() => repo?.remove());

const lines = (n: number, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join("\n") + "\n";

describe("changed lines from a real git repository", () => {
  it("a base missing from a shallow clone names the command that fetches it: origin/main is branch main of origin", async () => {
    repo = createTestRepo({ "a.txt": "a\n" });
    repo.commit("a");
    repo.git("remote", "add", "origin", "https://example.invalid/acme/app.git");
    const hint = async (ref: string) => ((await changedLinesSince(ref, repo.dir).catch((error: Error) => error)) as Error).message;
    expect(await hint("origin/main")).toContain("or git fetch origin main;");
    expect(await hint("v1.2.3")).toContain("or git fetch origin v1.2.3;");
  });

  it("measures a feature branch against the merge base, not the base's later commits", () => {
    repo = createTestRepo({ "src/a.ts": lines(10), "docs/readme.md": "# x\n" });
    repo.commit("base");
    repo.git("checkout", "-q", "-b", "feature");
    repo.write({ "src/a.ts": lines(10).replace("line 3\n", "line three\nline 3b\n"), "src/new.ts": lines(2) });
    const head = repo.commit("feature");
    repo.git("checkout", "-q", "main");
    repo.write({ "docs/readme.md": "# changed on main after the branch\n" });
    repo.commit("main moves on");

    return changedLinesSince("main", repo.dir, head).then((changes) => {
      expect([...changes.keys()].sort()).toEqual(["src/a.ts", "src/new.ts"]);
      expect([...(changes.get("src/a.ts") ?? [])]).toEqual([3, 4]);
      expect([...(changes.get("src/new.ts") ?? [])]).toEqual([1, 2]);
    });
  });

  it("without a head, compares the work tree (a developer's uncommitted edits count)", async () => {
    repo = createTestRepo({ "a.ts": lines(3) });
    repo.commit("base");
    repo.write({ "a.ts": `${lines(3)}line 4\n` });
    expect([...((await changedLinesSince("HEAD", repo.dir)).get("a.ts") ?? [])]).toEqual([4]);
  });

  it("paths are relative to a project in a subdirectory, and other directories are left out", async () => {
    repo = createTestRepo({ "services/api/src/a.ts": lines(2), "web/b.ts": lines(2) });
    repo.commit("base");
    repo.write({ "services/api/src/a.ts": lines(3), "web/b.ts": lines(3) });
    const changes = await changedLinesSince("HEAD", `${repo.dir}/services/api`);
    expect([...changes.keys()]).toEqual(["src/a.ts"]);
    expect(await trackedFiles(`${repo.dir}/services/api`)).toEqual(["src/a.ts"]);
  });

  it("a base ref missing from a shallow clone is a configuration error that says how to fetch it", async () => {
    repo = createTestRepo({ "a.ts": "x\n" });
    repo.commit("only");
    const error = await changedLinesSince("origin/main", repo.dir).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^base-ref: expected a commit or branch present in this clone, found "origin\/main", which is not: fetch it first \(actions\/checkout with fetch-depth: 0/,
    );
  });

  it("a ref that looks like an option is not taken as one", async () => {
    repo = createTestRepo({ "a.ts": "x\n" });
    repo.commit("only");
    await expect(changedLinesSince("--output=/tmp/pwned", repo.dir)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("knows a work tree and its HEAD in one call: none before the first commit, neither outside git", async () => {
    repo = createTestRepo({ "a.ts": "x\n" });
    expect(await workTreeAndHead(repo.dir)).toEqual({ inWorkTree: true, head: undefined });
    const sha = repo.commit("only");
    expect(await workTreeAndHead(repo.dir)).toEqual({ inWorkTree: true, head: sha });
    expect(await workTreeAndHead(join(repo.dir, ".git"))).toEqual({ inWorkTree: false, head: undefined });
    const outside = mkdtempSync(join(tmpdir(), "rg-no-git-"));
    expect(await workTreeAndHead(outside)).toEqual({ inWorkTree: false, head: undefined });
    const facts = gitFacts(repo.dir);
    expect([await facts.inWorkTree(), await facts.head()]).toEqual([true, sha]);
    rmSync(outside, { recursive: true });
  });
});
