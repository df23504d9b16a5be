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

  it("a service refusing a request it understood is the service's answer, exit 4", () => {
    const classified = classifyError(new ApiError("GitHub", 422, "POST", "/repos/a/b/deployments", "Conflict merging main into topic"), "promote");
    expect(classified).toEqual({
      kind: "unavailable",
      sentence: "GitHub API POST /repos/a/b/deployments answered 422: Conflict merging main into topic.",
      exitCode: 4,
    });
  });

  /** A Node system error as fs throws it. */
  const systemError = (code: string, syscall: string, path: string) =>
    Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path, errno: -1 });

  it.each([
    ["EISDIR", "open", "could not open /w/out: it is a directory, not a file."],
    ["EEXIST", "mkdir", "could not create the directory /w/out: something already exists there."],
    ["EACCES", "open", "could not open /w/out: permission denied."],
    ["ENOTDIR", "open", "could not open /w/out: a part of the path is a file, not a directory."],
  ])("a path that cannot be used (%s) is the user's, exit 2", (code, syscall, sentence) => {
    expect(classifyError(systemError(code, syscall, "/w/out"), "perf-gate")).toEqual({ kind: "configuration", sentence, exitCode: 2 });
  });

  it.each([
    ["ENOSPC", "could not write /w/report.json: the disk is full."],
    ["EIO", "could not write /w/report.json: the disk reported an input/output error."],
  ])("the machine failing (%s) is exit 4, never a bug", (code, sentence) => {
    expect(classifyError(systemError(code, "write", "/w/report.json"), "perf-gate")).toEqual({ kind: "unavailable", sentence, exitCode: 4 });
  });

  it("an input nested beyond the call stack is the input's, not a crash", () => {
    const deep = (depth: number): unknown => (depth === 0 ? 1 : [deep(depth - 1)]);
    let thrown: unknown;
    try {
      JSON.stringify(deep(1_000_000));
    } catch (error) {
      thrown = error;
    }
    expect(classifyError(thrown, "coverage-gate")).toMatchObject({ kind: "configuration", exitCode: 2 });
  });

  it("anything else is a bug in release-gates, exit 3, whatever was thrown; the stack only when debugging", () => {
    for (const thrown of [new TypeError("x is undefined"), "a string", undefined]) {
      const classified = classifyError(thrown, "coverage-gate", false);
      expect(classified).toMatchObject({ kind: "internal", exitCode: 3 });
      expect(classified.sentence).toMatch(/^release-gates\/coverage-gate failed: /);
      expect(classified.sentence).not.toContain("    at ");
    }
    expect(classifyError(new TypeError("x is undefined"), "coverage-gate", true).sentence).toContain("    at ");
  });
});
