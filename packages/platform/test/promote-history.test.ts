import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RecordedRequest, startFakeApi } from "@release-gates/test-helpers/http-server";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError } from "../src/errors.js";
import { GitHubClient } from "../src/github/client.js";
import { GitLabClient } from "../src/gitlab/client.js";
import { ApiError } from "../src/http/rest.js";
import { withFileLock } from "../src/local/lock.js";
import { GitHubDeploymentHistory, GitLabDeploymentHistory, LedgerHistory } from "../src/promote/history.js";
import { runPromote } from "../src/promote/run.js";

const C = "c".repeat(40);
const D = "d".repeat(40);
let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("GitHub Deployments as the history (documented response shapes)", () => {
  it("reads deployments page by page with their statuses; our payload carries traffic and break-glass", async () => {
    let flaky = 0;
    api = await startFakeApi(({ method, path }) => {
      if (method === "GET" && path === "/repos/acme/app/deployments?environment=mainnet&per_page=100") {
        return {
          status: 200,
          headers: { link: `<${api?.url}/repos/acme/app/deployments?environment=mainnet&per_page=100&page=2>; rel="next"` },
          body: [
            { id: 2, sha: C, environment: "mainnet", created_at: "2026-11-24T00:00:00Z", payload: { "release-gates": { event: "deployed", traffic: 25 } } },
          ],
        };
      }
      if (method === "GET" && path === "/repos/acme/app/deployments?environment=mainnet&per_page=100&page=2") {
        return { status: 200, body: [{ id: 1, sha: D, environment: "mainnet", created_at: "2026-10-01T00:00:00Z", payload: {} }] };
      }
      if (method === "GET" && path === "/repos/acme/app/deployments/2/statuses?per_page=100") {
        // A 5xx is retried.
        return (flaky += 1) === 1
          ? { status: 502, body: { message: "Bad gateway" } }
          : { status: 200, body: [{ state: "success", created_at: "2026-11-24T00:05:00Z" }] };
      }
      if (method === "GET" && path === "/repos/acme/app/deployments/1/statuses?per_page=100") {
        return {
          status: 200,
          body: [
            { state: "inactive", created_at: "2026-11-24T00:06:00Z" },
            { state: "success", created_at: "2026-10-01T00:03:00Z" },
          ],
        };
      }
      if (method === "GET" && path.startsWith("/repos/acme/app/deployments?environment=staging")) return { status: 200, body: [] };
      return undefined;
    });
    const history = new GitHubDeploymentHistory(new GitHubClient(api.url, "t", { retryDelayMs: 1 }), "acme/app");
    expect(await history.read(["staging", "mainnet"])).toEqual([
      { time: "2026-11-24T00:05:00Z", commit: C, environment: "mainnet", event: "deployed", traffic: 25 },
      { time: "2026-10-01T00:03:00Z", commit: D, environment: "mainnet", event: "deployed", traffic: 100 },
    ]);
  });

  it("records a deployment with our payload and a success status", async () => {
    api = await startFakeApi(({ method, path }) => {
      if (method === "POST" && path === "/repos/acme/app/deployments") return { status: 201, body: { id: 77 } };
      if (method === "POST" && path === "/repos/acme/app/deployments/77/statuses") return { status: 201, body: { id: 1, state: "success" } };
      return undefined;
    });
    const history = new GitHubDeploymentHistory(new GitHubClient(api.url, "t"), "acme/app");
    await history.record({
      time: "2026-11-24T00:00:00Z",
      commit: C,
      environment: "mainnet",
      event: "deployed",
      traffic: 5,
      note: "Promote to mainnet at 5 %.",
    });
    const [deployment, status] = api.requests as RecordedRequest[];
    expect(deployment?.body).toEqual({
      ref: C,
      environment: "mainnet",
      auto_merge: false,
      required_contexts: [],
      description: "Promote to mainnet at 5 %.",
      payload: { "release-gates": { event: "deployed", traffic: 5 } },
    });
    expect(status?.body).toEqual({ state: "success", description: "deployed at 5 % by release-gates", auto_inactive: false });
  });

  it("403 (a token without deployments: write) and 404 surface as API errors the front end explains", async () => {
    api = await startFakeApi(({ method }) =>
      method === "POST" ? { status: 403, body: { message: "Resource not accessible by integration" } } : { status: 404, body: { message: "Not Found" } },
    );
    const history = new GitHubDeploymentHistory(new GitHubClient(api.url, "t"), "acme/app");
    const denied = await history.record({ time: "2026-11-24T00:00:00Z", commit: C, environment: "x", event: "deployed", traffic: 100 }).catch((error) => error);
    expect(denied).toBeInstanceOf(ApiError);
    expect(denied.isPermissionProblem).toBe(true);
    expect((await history.read(["x"]).catch((error) => error)).status).toBe(404);
  });
});

describe("GitLab deployments as the history", () => {
  it("reads successful and failed deployments across pages, and records one", async () => {
    api = await startFakeApi(({ method, path, body }) => {
      if (method === "GET" && path === "/api/v4/projects/acme%2Fapp/deployments?environment=staging&order_by=created_at&sort=desc&per_page=100") {
        return {
          status: 200,
          headers: { link: `<${api?.url}/api/v4/projects/acme%2Fapp/deployments?environment=staging&page=2>; rel="next"` },
          body: [
            { id: 3, sha: C, status: "success", created_at: "2026-11-24T00:00:00Z", updated_at: "2026-11-24T00:04:00Z", environment: { name: "staging" } },
          ],
        };
      }
      if (method === "GET" && path === "/api/v4/projects/acme%2Fapp/deployments?environment=staging&page=2") {
        return {
          status: 200,
          body: [{ id: 2, sha: D, status: "failed", created_at: "2026-11-01T00:00:00Z", updated_at: "2026-11-01T00:02:00Z", environment: { name: "staging" } }],
        };
      }
      if (method === "POST" && path === "/api/v4/projects/acme%2Fapp/deployments") return { status: 201, body: { id: 4, ...(body as object) } };
      return undefined;
    });
    const history = new GitLabDeploymentHistory(new GitLabClient(`${api.url}/api/v4`, "job-token"), "acme/app", "main");
    expect(await history.read(["staging"])).toEqual([
      { time: "2026-11-24T00:04:00Z", commit: C, environment: "staging", event: "deployed", traffic: 100 },
      { time: "2026-11-01T00:02:00Z", commit: D, environment: "staging", event: "failed", traffic: 100 },
    ]);
    await history.record({ time: "2026-11-25T00:00:00Z", commit: C, environment: "testnet", event: "deployed", traffic: 100 });
    expect(api.requests.at(-1)).toMatchObject({ method: "POST", body: { environment: "testnet", sha: C, ref: "main", tag: false, status: "success" } });
  });
});

describe("GitLab deployments: errors", () => {
  it("a 5xx is retried, a 403 on recording (a job token cannot create deployments) is an API error to explain", async () => {
    let calls = 0;
    api = await startFakeApi(({ method }) => {
      if (method === "GET") return (calls += 1) === 1 ? { status: 503, body: { message: "503 Service Unavailable" } } : { status: 200, body: [] };
      return { status: 403, body: { message: "403 Forbidden" } };
    });
    const history = new GitLabDeploymentHistory(new GitLabClient(`${api.url}/api/v4`, "job-token", "job-token", { retryDelayMs: 1 }), "42", "main");
    expect(await history.read(["staging"])).toEqual([]);
    expect(calls).toBe(2);
    const denied = await history
      .record({ time: "2026-11-25T00:00:00Z", commit: C, environment: "staging", event: "deployed", traffic: 100 })
      .catch((error) => error);
    expect(denied).toBeInstanceOf(ApiError);
    expect(denied.message).toBe("GitLab API POST /projects/42/deployments answered 403: 403 Forbidden");
  });
});

describe("the local ledger as the history", () => {
  it("appends lines and reads them back; a missing file is an empty history", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rg-ledger-"));
    try {
      const ledger = new LedgerHistory(join(dir, "deep/ledger.ndjson"), "deep/ledger.ndjson");
      expect(await ledger.read()).toEqual([]);
      await ledger.record({ time: "2026-11-24T00:00:00Z", commit: C, environment: "staging", event: "deployed", traffic: 100 });
      expect(readFileSync(join(dir, "deep/ledger.ndjson"), "utf8").split("\n")).toHaveLength(2);
      expect((await ledger.read())[0]).toMatchObject({ environment: "staging" });
      expect(ledger.description).toBe("the ledger deep/ledger.ndjson");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the ledger under failures and parallel runs", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const entry = { time: "2026-11-24T00:00:00Z", commit: C, environment: "staging", event: "deployed" as const, traffic: 100 };

  it("an unterminated last line (an append that never finished) is not counted, and the next record drops it", async () => {
    dir = mkdtempSync(join(tmpdir(), "rg-ledger-"));
    const path = join(dir, "ledger.ndjson");
    writeFileSync(path, `${JSON.stringify(entry)}\n{"time":"2026-11-25T00:00:00Z","commit":"${D}","envir`);
    const ledger = new LedgerHistory(path, "ledger.ndjson");
    expect(await ledger.read()).toEqual([entry]);
    await ledger.record({ ...entry, commit: D });
    expect(readFileSync(path, "utf8")).toBe(`${JSON.stringify(entry)}\n${JSON.stringify({ ...entry, commit: D })}\n`);
  });

  it("a record that cannot be written leaves the ledger as it was", async () => {
    dir = mkdtempSync(join(tmpdir(), "rg-ledger-"));
    const path = join(dir, "ledger.ndjson");
    writeFileSync(path, `${JSON.stringify(entry)}\n`);
    // The temporary file the record writes first cannot be created: the write fails as on a full disk.
    mkdirSync(join(dir, `.ledger.ndjson.${process.pid}.partial`));
    const error = await new LedgerHistory(path, "ledger.ndjson").record({ ...entry, commit: D }).catch((caught: unknown) => caught);
    expect(classifyError(error, "promote")).toMatchObject({ exitCode: 2, sentence: `could not open ${path}: it is a directory, not a file.` });
    expect(readFileSync(path, "utf8")).toBe(`${JSON.stringify(entry)}\n`);
  });

  it("five parallel promote runs record the step once; the others see it and wait", async () => {
    dir = mkdtempSync(join(tmpdir(), "rg-ledger-"));
    writeFileSync(join(dir, "release-gates.yml"), "version: 1\nenvironments:\n  - name: staging\n  - name: production\n    after: { staging: 1d }\n");
    const now = new Date("2026-11-24T00:00:00Z");
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => runPromote({ cwd: dir, commit: C, now, target: "next", record: true, ledgerPath: "ledger.ndjson" })),
    );
    expect(runs.map((run) => run.promotion.decision).sort()).toEqual(["promote", "wait", "wait", "wait", "wait"]);
    const lines = readFileSync(join(dir, "ledger.ndjson"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
  });

  it("a lock held past the wait is one sentence naming its holder, exit 4; a dead holder's lock is taken over", async () => {
    dir = mkdtempSync(join(tmpdir(), "rg-ledger-"));
    const path = join(dir, "ledger.ndjson");
    let acquired!: () => void;
    const holding = new Promise<void>((done) => (acquired = done));
    const held = withFileLock(path, () => {
      acquired();
      return new Promise((done) => setTimeout(done, 300));
    });
    await holding;
    const error = await withFileLock(path, async () => "never", 50).catch((caught: unknown) => caught);
    await held;
    const classified = classifyError(error, "promote");
    expect(classified.exitCode).toBe(4);
    expect(classified.sentence).toMatch(
      new RegExp(`^${path}\\.lock is held by process ${process.pid} on .+ since .+: wait for it to finish, or delete the lock file`),
    );
    // A run killed while holding the lock: its process no longer exists.
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, host: (await import("node:os")).hostname(), since: "2026-11-24T00:00:00Z" }));
    expect(await withFileLock(path, async () => "mine", 2_000)).toBe("mine");
  });
});
