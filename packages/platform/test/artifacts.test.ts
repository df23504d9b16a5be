import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { startFakeApi, startFileServer as startRawServer } from "@release-gates/test-helpers/http-server";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { afterEach, describe, expect, it } from "vitest";
import { downloadBaseArtifact } from "../src/github/artifacts.js";
import { GitHubClient } from "../src/github/client.js";
import { downloadBranchArtifactFile, GitLabClient } from "../src/gitlab/client.js";

const servers: Awaited<ReturnType<typeof startFakeApi>>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
const serve = async (...args: Parameters<typeof startFakeApi>) => {
  const server = await startFakeApi(...args);
  servers.push(server);
  return server;
};

describe("the base branch's report from a GitHub artifact", () => {
  const lcov = "SF:src/a.ts\nDA:1,1\nDA:2,1\nend_of_record\n";

  async function github(artifacts: Record<number, { id: number; name: string; expired: boolean }[]>) {
    // The archive lives on another origin, as GitHub redirects to blob storage: no token may go there.
    const storage = await startRawServer(pythonZip({ "coverage/lcov.info": lcov, "coverage/other.txt": "x" }));
    const api = await serve(({ path }) => {
      if (path.startsWith("/repos/acme/app/actions/runs?branch=main&status=success"))
        return {
          status: 200,
          body: {
            total_count: 2,
            workflow_runs: [
              { id: 1, head_sha: "1".repeat(40) },
              { id: 2, head_sha: "2".repeat(40) },
            ],
          },
        };
      const run = /^\/repos\/acme\/app\/actions\/runs\/(\d+)\/artifacts\?name=(\w+)$/.exec(path);
      if (run) {
        const named = (artifacts[Number(run[1])] ?? []).filter((artifact) => artifact.name === run[2]);
        return {
          status: 200,
          body: {
            total_count: named.length,
            artifacts: named.map((artifact) => ({ ...artifact, archive_download_url: `${api.url}/repos/acme/app/actions/artifacts/${artifact.id}/zip` })),
          },
        };
      }
      if (path === "/repos/acme/app/actions/artifacts/77/zip") return { status: 302, headers: { location: `${storage.url}/blob/77.zip?sig=abc` } };
      return undefined;
    });
    return { api, storage };
  }

  it("takes the newest successful run that still has the artifact, and never sends the token to blob storage", async () => {
    const { api, storage } = await github({ 1: [{ id: 76, name: "coverage", expired: true }], 2: [{ id: 77, name: "coverage", expired: false }] });
    const artifact = await downloadBaseArtifact(new GitHubClient(api.url, "ghs_secret"), "acme/app", "main", "coverage", "coverage/lcov.info");
    expect(readFileSync(artifact.path, "utf8")).toBe(lcov);
    expect(artifact).toMatchObject({ runId: 2, commit: "2".repeat(40), source: "artifact coverage of run 2/coverage/lcov.info" });
    expect(storage.requests).toEqual([{ path: "/blob/77.zip?sig=abc", authorization: undefined }]);
    await storage.close();
  });

  it("several files and no path, or no artifact at all, are configuration errors that say what to do", async () => {
    const { api, storage } = await github({ 2: [{ id: 77, name: "coverage", expired: false }] });
    const client = new GitHubClient(api.url, "t");
    await expect(downloadBaseArtifact(client, "acme/app", "main", "coverage", undefined)).rejects.toThrow(
      "artifact coverage of run 2: expected one file in the artifact or base-artifact-path to pick one, found coverage/lcov.info, coverage/other.txt",
    );
    const none = await downloadBaseArtifact(client, "acme/app", "main", "lcov", undefined).catch((error) => error);
    expect(none).toBeInstanceOf(ConfigurationError);
    expect(none.message).toBe(
      'input base-artifact: expected an unexpired artifact named "lcov" from one of the last 2 successful runs on main, found none: upload it on pushes to main with actions/upload-artifact',
    );
    await storage.close();
  });
});

describe("the target branch's report from GitLab job artifacts", () => {
  it("asks the single-file endpoint with the job token and gets the raw file", async () => {
    const gitlab = await startRawServer(Buffer.from("SF:a\nend_of_record\n"));
    const destination = join(mkdtempSync(join(tmpdir(), "rg-artifact-")), "lcov.info");
    await downloadBranchArtifactFile(
      new GitLabClient(`${gitlab.url}/api/v4`, "job-token-1"),
      { projectId: "acme/app", ref: "main", job: "unit-tests", path: "./coverage/lcov.info" },
      destination,
    );
    expect(readFileSync(destination, "utf8")).toBe("SF:a\nend_of_record\n");
    expect(gitlab.requests).toEqual([
      { path: "/api/v4/projects/acme%2Fapp/jobs/artifacts/main/raw/coverage/lcov.info?job=unit-tests", authorization: undefined, jobToken: "job-token-1" },
    ]);
    await gitlab.close();
  });
});
