import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeApi } from "@release-gates/test-helpers/http-server";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubClient } from "../src/github/client.js";
import { commentMarker, upsertPullRequestComment } from "../src/github/comment.js";
import { readGitHubContext } from "../src/github/context.js";
import { changedLinesFromApi } from "../src/github/pull-request.js";
import { ApiError } from "../src/http/rest.js";

let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("GitHub REST adapter against a local server with GitHub's response shapes", () => {
  it("follows Link rel=next through every page of PR files and reads each patch", async () => {
    api = await startFakeApi(({ path }) => {
      if (path === "/repos/acme/app/pulls/7/files?per_page=100") {
        return {
          status: 200,
          headers: {
            link: `<${api?.url}/repositories/1/pulls/7/files?per_page=100&page=2>; rel="next", <${api?.url}/repositories/1/pulls/7/files?per_page=100&page=2>; rel="last"`,
          },
          body: [{ sha: "1", filename: "src/a.ts", status: "modified", additions: 1, deletions: 1, changes: 2, patch: "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c" }],
        };
      }
      if (path === "/repositories/1/pulls/7/files?per_page=100&page=2") {
        return {
          status: 200,
          body: [
            { sha: "2", filename: "src/new.ts", status: "added", additions: 2, deletions: 0, changes: 2, patch: "@@ -0,0 +1,2 @@\n+x\n+y" },
            { sha: "3", filename: "img.png", status: "added", additions: 0, deletions: 0, changes: 0 },
            { sha: "4", filename: "old.ts", status: "removed", additions: 0, deletions: 3, changes: 3, patch: "@@ -1,3 +0,0 @@\n-a\n-b\n-c" },
          ],
        };
      }
      return undefined;
    });
    const changes = await changedLinesFromApi(new GitHubClient(api.url, "t0ken"), "acme/app", 7);
    expect(Object.fromEntries([...changes].map(([path, lines]) => [path, [...lines]]))).toEqual({ "src/a.ts": [2], "src/new.ts": [1, 2] });
    expect(api.requests.every((request) => request.authorization === "token t0ken")).toBe(true);
  });

  it("retries a 5xx and gives up on a 4xx with GitHub's message", async () => {
    let calls = 0;
    api = await startFakeApi(({ path }) => {
      if (path.startsWith("/flaky")) return (calls += 1) < 3 ? { status: 502, body: { message: "Bad Gateway" } } : { status: 200, body: [] };
      return { status: 403, body: { message: "Resource not accessible by integration" } };
    });
    const client = new GitHubClient(api.url, "t", { retryDelayMs: 1 });
    expect(await client.paginate("/flaky")).toEqual([]);
    expect(calls).toBe(3);
    const error = await client.request("POST", "/repos/acme/app/issues/1/comments", { body: "x" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.isPermissionProblem).toBe(true);
    expect(error.message).toBe("GitHub API POST /repos/acme/app/issues/1/comments answered 403: Resource not accessible by integration");
  });

  it("keeps one comment per gate: created on the first push, edited in place on the next", async () => {
    const comments: { id: number; body: string }[] = [{ id: 1, body: "LGTM" }];
    api = await startFakeApi(({ method, path, body }) => {
      if (method === "GET" && path.startsWith("/repos/acme/app/issues/7/comments")) return { status: 200, body: comments };
      if (method === "POST" && path === "/repos/acme/app/issues/7/comments") {
        comments.push({ id: 99, body: (body as { body: string }).body });
        return { status: 201, body: comments.at(-1) };
      }
      if (method === "PATCH" && path === "/repos/acme/app/issues/comments/99") {
        (comments[1] as { body: string }).body = (body as { body: string }).body;
        return { status: 200, body: comments[1] };
      }
      return undefined;
    });
    const client = new GitHubClient(api.url, "t");
    expect(await upsertPullRequestComment(client, "acme/app", 7, "coverage-gate", "first")).toBe("created");
    expect(await upsertPullRequestComment(client, "acme/app", 7, "coverage-gate", "second")).toBe("updated");
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toBe(`${commentMarker("coverage-gate")}\nsecond`);
  });
});

describe("the runner's context", () => {
  it("a pull_request event gives the head commit as subject, and spots forks", () => {
    const dir = mkdtempSync(join(tmpdir(), "rg-event-"));
    const event = join(dir, "event.json");
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: {
          number: 7,
          base: { sha: "b".repeat(40), ref: "main", repo: { full_name: "acme/app" } },
          head: { sha: "h".repeat(40), repo: { full_name: "someone/app" } },
        },
      }),
    );
    const context = readGitHubContext({
      GITHUB_EVENT_PATH: event,
      GITHUB_SHA: "m".repeat(40),
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_API_URL: "http://127.0.0.1:1/",
    });
    expect(context.sha).toBe("h".repeat(40));
    expect(context.pullRequest).toMatchObject({ number: 7, baseRef: "main", fromFork: true });
    expect(context.apiUrl).toBe("http://127.0.0.1:1");
  });

  it("a push event has no pull request", () => {
    expect(readGitHubContext({ GITHUB_SHA: "abc" })).toMatchObject({ sha: "abc", pullRequest: undefined, apiUrl: "https://api.github.com" });
  });

  it("an unreadable event file is a configuration error naming it", () => {
    expect(() => readGitHubContext({ GITHUB_EVENT_PATH: "/nonexistent/event.json" })).toThrow(/^\/nonexistent\/event\.json: expected the runner's event file/);
  });
});
