import { ConfigurationError } from "@release-gates/core";
import { describe, expect, it } from "vitest";
import { classifyError } from "../src/errors.js";
import { ApiError } from "../src/http/rest.js";

describe("one error classifier for the actions and the CLI", () => {
  it("a configuration error is the user's: its sentence, exit 2", () => {
    expect(classifyError(new ConfigurationError('expected a number, found "x"', "--min-rps"), "perf-gate")).toEqual({
      kind: "configuration",
      sentence: '--min-rps: expected a number, found "x"',
      exitCode: 2,
    });
  });

  it.each([
    [new ApiError("GitHub", 403, "POST", "/repos/a/b/issues/3/comments", "Resource not accessible by integration"), "pull-requests: write"],
    [new ApiError("GitHub", 404, "GET", "/repos/a/b/actions/runs?branch=main", "Not Found"), "actions: read"],
    [new ApiError("GitHub", 403, "POST", "/repos/a/b/deployments", "Resource not accessible by integration"), "deployments: write"],
    [new ApiError("GitHub", 404, "GET", "/repos/a/b/pulls/3/files", "Not Found"), "pull-requests: read"],
    [new ApiError("GitLab", 403, "GET", "/projects/7/jobs/artifacts/main/raw/lcov.info?job=test", "403 Forbidden"), "read_api"],
    [new ApiError("GitLab", 403, "POST", "/projects/7/deployments", "403 Forbidden"), "api scope"],
  ])("a platform refusing the token is configuration, naming what is missing: %s", (error, missing) => {
    const classified = classifyError(error, "coverage-gate");
    expect(classified.kind).toBe("configuration");
    expect(classified.exitCode).toBe(2);
    expect(classified.sentence).toContain(missing);
    expect(classified.sentence).not.toContain("bug");
  });

  it("a refused token (401) says so", () => {
    expect(classifyError(new ApiError("GitLab", 401, "GET", "/projects/7/deployments", "401 Unauthorized"), "promote").sentence).toContain(
      "the token was refused",
    );
  });

  it("anything else is a bug in release-gates, exit 3, whatever was thrown", () => {
    for (const thrown of [new TypeError("x is undefined"), "a string", undefined]) {
      const classified = classifyError(thrown, "coverage-gate");
      expect(classified).toMatchObject({ kind: "internal", exitCode: 3 });
      expect(classified.sentence).toMatch(/^release-gates\/coverage-gate failed: /);
    }
  });
});
