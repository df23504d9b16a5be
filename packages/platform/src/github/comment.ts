import type { GitHubClient } from "./client.js";

interface IssueComment {
  id: number;
  body?: string;
}

/** Hidden marker that finds our comment again on the next push. */
export const commentMarker = (gate: string) => `<!-- release-gates:${gate} -->`;

/**
 * Keeps one comment per gate on a pull request, edited in place on every push
 * instead of adding a new one each time.
 */
export async function upsertPullRequestComment(
  client: GitHubClient,
  repository: string,
  pullNumber: number,
  gate: string,
  body: string,
): Promise<"created" | "updated"> {
  const marker = commentMarker(gate);
  const text = `${marker}\n${body}`;
  const comments = await client.paginate<IssueComment>(`/repos/${repository}/issues/${pullNumber}/comments`);
  const existing = comments.find((comment) => comment.body?.includes(marker));
  if (existing) {
    await client.request("PATCH", `/repos/${repository}/issues/comments/${existing.id}`, { body: text });
    return "updated";
  }
  await client.request("POST", `/repos/${repository}/issues/${pullNumber}/comments`, { body: text });
  return "created";
}
