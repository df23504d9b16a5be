import { ConfigurationError, describeInternalError } from "@release-gates/core";
import { ApiError, ServiceUnavailableError } from "./http/rest.js";

/**
 * The kinds of error every front end tells apart:
 * - configuration: the user's input, policy or file, or a token without the
 *   permission a call needs (exit 2);
 * - unavailable: a service or the machine failed under the gate (an outage,
 *   the network, a full disk); retrying later may help (exit 4);
 * - internal: a bug in release-gates (exit 3).
 */
export type ErrorKind = "configuration" | "unavailable" | "internal";

export interface ClassifiedError {
  kind: ErrorKind;
  /** What the user reads: one sentence, or for a bug the wrapped error. */
  sentence: string;
  exitCode: 2 | 3 | 4;
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
  if (/\/pulls\//.test(path) || path.endsWith("/graphql")) return "pull-requests: read";
  if (/\/statuses\//.test(path)) return "statuses: write";
  if (/\/actions\//.test(path)) return "actions: read";
  if (/\/deployments/.test(path)) return error.method === "GET" ? "deployments: read" : "deployments: write";
  return "contents: read";
}

function permissionSentence(error: ApiError): string {
  if (error.status === 401) return `${error.message}: the token was refused; give a valid token (github-token, GITHUB_TOKEN, or the GitLab token variables).`;
  return `${error.message}: the token lacks ${missingGrant(error)}, or the repository is not reachable with it.`;
}

/** A system error from Node (fs, child processes): `code`, `syscall` and often `path`. */
interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as Partial<SystemError>).code === "string" && /^E[A-Z]+$/.test((error as Partial<SystemError>).code as string);
}

/** The file problems that are the user's paths, and those that are the machine's. */
const PATH_PROBLEMS: Record<string, string> = {
  EISDIR: "it is a directory, not a file",
  ENOTDIR: "a part of the path is a file, not a directory",
  EEXIST: "something already exists there",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  ENOENT: "it does not exist",
  EROFS: "the file system is read-only",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "the path loops through symbolic links",
};
const MACHINE_PROBLEMS: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EIO: "the disk reported an input/output error",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open on the machine",
  ENOMEM: "the machine is out of memory",
};

function systemErrorSentence(error: SystemError, reason: string): string {
  const action =
    { open: "open", read: "read", write: "write", mkdir: "create the directory", rename: "replace", scandir: "list" }[error.syscall ?? ""] ?? "use";
  return error.path ? `could not ${action} ${error.path}: ${reason}.` : `${reason} (${error.syscall ?? error.code}).`;
}

/** Stacks only when asked: `--debug` on the CLI, RUNNER_DEBUG=1 (re-run with debug logging) on GitHub, CI_DEBUG_TRACE on GitLab. */
export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RUNNER_DEBUG === "1" || env.CI_DEBUG_TRACE === "true" || env.RELEASE_GATES_DEBUG === "1";
}

/**
 * Maps anything thrown to what the front ends do with it, the same for the
 * actions (`setFailed` with the sentence) and the CLI (stderr and the exit
 * code). A stack trace is shown for bugs only, and only when debugging.
 */
export function classifyError(error: unknown, gate: string, debug = debugRequested()): ClassifiedError {
  if (error instanceof ConfigurationError) return { kind: "configuration", sentence: error.message, exitCode: 2 };
  if (error instanceof ApiError && error.isPermissionProblem) return { kind: "configuration", sentence: permissionSentence(error), exitCode: 2 };
  if (error instanceof ServiceUnavailableError) return { kind: "unavailable", sentence: error.message, exitCode: 4 };
  // The service understood and refused (a 409, a 422): it says why, and it is not ours to fix.
  if (error instanceof ApiError) return { kind: "unavailable", sentence: `${error.message}.`, exitCode: 4 };
  if (isSystemError(error)) {
    const path = PATH_PROBLEMS[error.code];
    if (path) return { kind: "configuration", sentence: systemErrorSentence(error, path), exitCode: 2 };
    const machine = MACHINE_PROBLEMS[error.code];
    if (machine) return { kind: "unavailable", sentence: systemErrorSentence(error, machine), exitCode: 4 };
  }
  if (error instanceof RangeError && /call stack/.test(error.message))
    return { kind: "configuration", sentence: "an input is nested too deeply to read.", exitCode: 2 };
  return { kind: "internal", sentence: describeInternalError(gate, error, debug), exitCode: 3 };
}
