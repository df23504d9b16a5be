import { type ChangedLines, parseUnifiedDiff } from "@release-gates/core";
import { changedLinesSince, hasCommit } from "../local/git.js";
import type { GitHubClient } from "./client.js";
import type { PullRequestContext } from "./context.js";

interface PullRequestFile {
  filename: string;
  status: string;
  patch?: string;
}

/** Changed lines from the API's per-file patches (files too large for a patch are skipped by GitHub). */
export async function changedLinesFromApi(client: GitHubClient, repository: string, pullNumber: number): Promise<ChangedLines> {
  const files = await client.paginate<PullRequestFile>(`/repos/${repository}/pulls/${pullNumber}/files`);
  const changes: ChangedLines = new Map();
  for (const file of files) {
    if (!file.patch || file.status === "removed") continue;
    for (const [path, lines] of parseUnifiedDiff(file.patch, file.filename)) changes.set(path, lines);
  }
  return changes;
}

/**
 * A PR's changed lines: from the local clone when the base commit is there
 * (checkout with fetch-depth: 0), else from the API, which needs no history.
 */
export async function pullRequestChanges(
  pullRequest: PullRequestContext,
  cwd: string,
  client: GitHubClient | undefined,
  repository: string | undefined,
): Promise<{ changes: ChangedLines; via: "git" | "api" }> {
  if ((await hasCommit(pullRequest.baseSha, cwd)) && (await hasCommit(pullRequest.headSha, cwd))) {
    return { changes: await changedLinesSince(pullRequest.baseSha, cwd, pullRequest.headSha), via: "git" };
  }
  if (!client || !repository)
    throw new Error("the base commit is not in this clone and there is no token to ask the API: use actions/checkout with fetch-depth: 0 or pass github-token");
  return { changes: await changedLinesFromApi(client, repository, pullRequest.number), via: "api" };
}
