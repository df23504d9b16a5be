import { readFileSync } from "node:fs";
import { ConfigurationError, parseJsonText } from "@release-gates/core";

export interface PullRequestContext {
  number: number;
  baseSha: string;
  headSha: string;
  baseRef: string;
  /** A fork's PR gets a read-only token: comments will be refused. */
  fromFork: boolean;
}

export interface GitHubContext {
  repository: string | undefined;
  sha: string | undefined;
  apiUrl: string;
  eventName: string | undefined;
  pullRequest: PullRequestContext | undefined;
  /** The repository's default branch, from the event payload. */
  defaultBranch: string | undefined;
}

interface EventPayload {
  repository?: { default_branch?: string };
  pull_request?: {
    number?: number;
    base?: { sha?: string; ref?: string; repo?: { full_name?: string } };
    head?: { sha?: string; repo?: { full_name?: string } | null };
  };
}

/** What the runner tells a step about its run, from GITHUB_* variables and the event file. */
export function readGitHubContext(env: NodeJS.ProcessEnv): GitHubContext {
  let payload: EventPayload = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = parseJsonText(readFileSync(env.GITHUB_EVENT_PATH, "utf8"), "the runner's event (JSON)", env.GITHUB_EVENT_PATH) as EventPayload;
    } catch (error) {
      throw new ConfigurationError(`expected the runner's event file to be readable JSON, found ${(error as Error).message}`, env.GITHUB_EVENT_PATH);
    }
  }
  const pr = payload.pull_request;
  const pullRequest =
    pr?.number && pr.base?.sha && pr.head?.sha
      ? {
          number: pr.number,
          baseSha: pr.base.sha,
          headSha: pr.head.sha,
          baseRef: pr.base.ref ?? pr.base.sha,
          fromFork: Boolean(pr.head.repo?.full_name && pr.base.repo?.full_name && pr.head.repo.full_name !== pr.base.repo.full_name),
        }
      : undefined;
  return {
    repository: env.GITHUB_REPOSITORY,
    // On pull_request events GITHUB_SHA is a merge commit nobody promotes: the head is the subject.
    sha: pullRequest?.headSha ?? env.GITHUB_SHA,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    eventName: env.GITHUB_EVENT_NAME,
    pullRequest,
    defaultBranch: payload.repository?.default_branch,
  };
}
