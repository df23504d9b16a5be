import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RecordedRequest, startFakeApi } from "@release-gates/test-helpers/http-server";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubClient } from "../src/github/client.js";
import { GitLabClient } from "../src/gitlab/client.js";
import { ApiError } from "../src/http/rest.js";
import { GitHubDeploymentHistory, GitLabDeploymentHistory, LedgerHistory } from "../src/promote/history.js";

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
    const history = new GitHubDeploymentHistory(new GitHubClient(api.url, "t", 1), "acme/app");
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
    const history = new GitLabDeploymentHistory(new GitLabClient(`${api.url}/api/v4`, "job-token", "job-token", 1), "42", "main");
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
