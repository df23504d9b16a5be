import { startMisbehavingServer } from "@release-gates/test-helpers/http-server";
import { afterEach, describe, expect, it } from "vitest";
import { classifyError } from "../src/errors.js";
import { GitHubClient } from "../src/github/client.js";
import { GitLabClient } from "../src/gitlab/client.js";
import { httpTimeoutMs, RestClient, ServiceUnavailableError } from "../src/http/rest.js";

type Server = Awaited<ReturnType<typeof startMisbehavingServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** What the user reads and the exit code when a call fails the way it failed here. */
async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, "the call should have failed").toBeDefined();
  return { error, ...classifyError(error, "coverage-gate", false) };
}

const fast = { retryDelayMs: 1 };

describe("a service having a bad day is one sentence and exit 4", () => {
  it("GitHub's secondary rate limit (429 with Retry-After) is waited for, then the call succeeds", async () => {
    const asked: number[] = [];
    server = await startMisbehavingServer((_request, response, call) => {
      asked.push(Date.now());
      if (call === 1) {
        response.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        response.end('{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}');
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end("[]");
    });
    const client = new GitHubClient(server.url, "ghs_token", fast);
    expect(await client.paginate("/repos/acme/app/pulls/1/files")).toEqual([]);
    expect(server.calls()).toBe(2);
    // Retry-After: 1 means a second, not the 1 ms retry delay.
    expect((asked[1] ?? 0) - (asked[0] ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("a rate limit that resets beyond a minute is not waited for: it fails at once, saying when (exhausted primary limit: 403)", async () => {
    server = await startMisbehavingServer((_request, response) => {
      response.writeHead(403, {
        "content-type": "application/json",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      });
      response.end('{"message":"API rate limit exceeded for installation ID 1."}');
    });
    const { kind, exitCode, sentence } = await failure(new GitHubClient(server.url, "t", fast).request("GET", "/rate"));
    expect({ kind, exitCode }).toEqual({ kind: "unavailable", exitCode: 4 });
    expect(sentence).toMatch(
      /^GitHub API GET \/rate could not be used: it is rate-limited \(403\) and asked to retry in 3[56]\d\d s \(check GITHUB_API_URL, or try again later\)\.$/,
    );
    expect(server.calls()).toBe(1);
  });

  it("a 429 asking for an hour is not waited for either", async () => {
    server = await startMisbehavingServer((_request, response) => {
      response.writeHead(429, { "retry-after": "3600", "content-type": "application/json" });
      response.end('{"message":"You have exceeded a secondary rate limit."}');
    });
    const { exitCode, sentence } = await failure(new GitHubClient(server.url, "t", fast).request("GET", "/rate"));
    expect(exitCode).toBe(4);
    expect(sentence).toBe(
      "GitHub API GET /rate could not be used: it is rate-limited (429) and asked to retry in 3600 s (check GITHUB_API_URL, or try again later).",
    );
    expect(server.calls()).toBe(1);
  });

  it("503 on every attempt: three attempts, then unavailable", async () => {
    server = await startMisbehavingServer((_request, response) => {
      response.writeHead(503, { "content-type": "text/html" });
      response.end("<html>Service Unavailable</html>");
    });
    const { exitCode, sentence } = await failure(new GitLabClient(`${server.url}/api/v4`, "job", "job-token", fast).request("GET", "/projects/7"));
    expect(exitCode).toBe(4);
    expect(sentence).toBe("GitLab API GET /projects/7 could not be used: it answered 503 3 times (check CI_API_V4_URL, or try again later).");
    expect(server.calls()).toBe(3);
  });

  it.each([
    ["an HTML page", "<!DOCTYPE html><html><body>Sign in</body></html>", "an HTML page (a proxy or a sign-in page?)"],
    ["broken JSON", '{"total_count": 3, "items": [', "text that is not JSON"],
  ])("200 with %s instead of JSON is the service not answering as its API", async (_name, body, said) => {
    server = await startMisbehavingServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(body);
    });
    const { exitCode, sentence } = await failure(new GitHubClient(server.url, "t", fast).request("GET", "/repos/acme/app"));
    expect(exitCode).toBe(4);
    expect(sentence).toContain(`it answered ${said} instead of its API's JSON`);
  });

  it("a redirect loop ends, named", async () => {
    server = await startMisbehavingServer((request, response) => {
      response.writeHead(302, { location: request.url ?? "/" });
      response.end();
    });
    const { exitCode, sentence } = await failure(new GitHubClient(server.url, "t", fast).request("GET", "/loop"));
    expect(exitCode).toBe(4);
    expect(sentence).toMatch(/^GitHub API GET \/loop could not be used: it redirected too many times/);
  });

  it("a server that drips one byte a second ends at the deadline, body included", async () => {
    server = await startMisbehavingServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const drip = setInterval(() => response.write(" "), 200);
      response.on("close", () => clearInterval(drip));
    });
    const client = new RestClient("Prometheus", server.url, {}, { ...fast, timeoutMs: 600, addressSource: "the policy's prometheus.url" });
    const started = Date.now();
    const { exitCode, sentence } = await failure(client.request("GET", "/api/v1/query_range?query=up"));
    expect(exitCode).toBe(4);
    expect(sentence).toBe(
      "Prometheus API GET /api/v1/query_range could not be used: it did not finish answering in time (1 s; RELEASE_GATES_HTTP_TIMEOUT sets the limit) (check the policy's prometheus.url, or try again later).",
    );
    // Not retried: a service that is too slow once is too slow three times.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a dropped connection is retried, then named", async () => {
    server = await startMisbehavingServer((request) => request.socket.destroy());
    const { exitCode, sentence } = await failure(new GitHubClient(server.url, "t", fast).request("GET", "/x"));
    expect(exitCode).toBe(4);
    expect(sentence).toContain("the connection was dropped");
    expect(server.calls()).toBe(3);
  });

  it("a refused connection names the address's setting", async () => {
    server = await startMisbehavingServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const { error, exitCode, sentence } = await failure(new GitHubClient(url, "t", fast).request("GET", "/repos/acme/app"));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(exitCode).toBe(4);
    expect(sentence).toBe("GitHub API GET /repos/acme/app could not be used: the connection was refused (check GITHUB_API_URL, or try again later).");
  });

  it("a GITHUB_API_URL that is not a URL is the user's, exit 2", () => {
    for (const bad of ["api.github.example", "ftp://github.example/api", ""]) {
      const thrown = (() => {
        try {
          new GitHubClient(bad, "t");
        } catch (error) {
          return error;
        }
      })();
      expect(classifyError(thrown, "coverage-gate")).toMatchObject({ kind: "configuration", exitCode: 2 });
      expect(classifyError(thrown, "coverage-gate").sentence).toMatch(/^GITHUB_API_URL: expected an http\(s\) URL, found /);
    }
  });

  it("a token never appears in what the user reads", async () => {
    server = await startMisbehavingServer((_request, response) => {
      response.writeHead(500);
      response.end("internal");
    });
    const { sentence } = await failure(new GitHubClient(server.url, "ghs_s3cr3tT0ken", fast).request("GET", "/repos/acme/app?access_token=x"));
    expect(sentence).not.toContain("ghs_s3cr3tT0ken");
    expect(sentence).not.toContain("access_token");
  });
});

describe("the deadline of a call", () => {
  it("RELEASE_GATES_HTTP_TIMEOUT sets it, for API calls and downloads alike", () => {
    expect(httpTimeoutMs("api", {})).toBe(60_000);
    expect(httpTimeoutMs("download", {})).toBe(600_000);
    expect(httpTimeoutMs("api", { RELEASE_GATES_HTTP_TIMEOUT: "30s" })).toBe(30_000);
    expect(httpTimeoutMs("download", { RELEASE_GATES_HTTP_TIMEOUT: "2m" })).toBe(120_000);
  });

  it("a value that is not a duration is the user's, naming the variable", () => {
    expect(() => httpTimeoutMs("api", { RELEASE_GATES_HTTP_TIMEOUT: "soon" })).toThrow(/^RELEASE_GATES_HTTP_TIMEOUT: /);
  });
});
