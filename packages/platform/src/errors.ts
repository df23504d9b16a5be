import { ConfigurationError, describeInternalError } from "@release-gates/core";
import { ApiError } from "./http/rest.js";

/**
 * The kinds of error every front end tells apart: the user's configuration
 * (a bad input, policy or file, or a token without the permission a call
 * needs: exit 2, one sentence) and a bug in release-gates (exit 3).
 */
export type ErrorKind = "configuration" | "internal";

export interface ClassifiedError {
  kind: ErrorKind;
  /** What the user reads: one sentence for their mistakes, the wrapped error for a bug. */
  sentence: string;
  exitCode: 2 | 3;
}

/** What a platform call needs from its token, named as the user grants it. */
function missingGrant(error: ApiError): string {
  const path = error.path.split("?")[0] ?? "";
  if (error.service === "GitLab") {
    const write = error.method !== "GET";
    return write
      ? "the api scope (writing needs a project access token in RELEASE_GATES_GITLAB_TOKEN; CI_JOB_TOKEN cannot write)"
      : "the read_api scope (CI_JOB_TOKEN reads only what the project allows it to)";
  }
  if (/\/issues\/\d+\/comments|\/issues\/comments\//.test(path)) return "pull-requests: write (pull requests from forks get a read-only token)";
  if (/\/pulls\//.test(path)) return "pull-requests: read";
  if (/\/actions\//.test(path)) return "actions: read";
  if (/\/deployments/.test(path)) return error.method === "GET" ? "deployments: read" : "deployments: write";
  return "contents: read";
}

function permissionSentence(error: ApiError): string {
  if (error.status === 401) return `${error.message}: the token was refused; give a valid token (github-token, GITHUB_TOKEN, or the GitLab token variables).`;
  return `${error.message}: the token lacks ${missingGrant(error)}, or the repository is not reachable with it.`;
}

/**
 * Maps anything thrown to what the front ends do with it, the same for the
 * actions (`setFailed` with the sentence) and the CLI (stderr and the exit code).
 */
export function classifyError(error: unknown, gate: string): ClassifiedError {
  if (error instanceof ConfigurationError) return { kind: "configuration", sentence: error.message, exitCode: 2 };
  if (error instanceof ApiError && error.isPermissionProblem) return { kind: "configuration", sentence: permissionSentence(error), exitCode: 2 };
  return { kind: "internal", sentence: describeInternalError(gate, error), exitCode: 3 };
}
