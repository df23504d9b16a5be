import * as z from "zod";
import { validateAs } from "../validation.js";
import type { Permission, ReviewEvent } from "./reviews.js";

/** An instant in the platform's answer, as one comparable form (ISO 8601, UTC). */
const Instant = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), "a date and time")
  .transform((text) => new Date(text).toISOString());

const GitHubUser = z.object({ login: z.string().min(1), type: z.string().optional() }).loose();

const GitHubReview = z
  .object({
    user: GitHubUser.nullable(),
    state: z.enum(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"]),
    submitted_at: Instant.nullish(),
    commit_id: z.string().nullish(),
  })
  .loose();

/** `GET /repos/{owner}/{repo}/pulls/{n}/reviews`: every review, a deleted account's (user null) left out. */
export function parseGitHubReviews(body: unknown, source: string): ReviewEvent[] {
  return validateAs(z.array(GitHubReview), body, "reviews", source).flatMap((review) =>
    review.user
      ? [
          {
            user: review.user.login,
            bot: review.user.type === "Bot",
            state: review.state,
            at: review.submitted_at ?? undefined,
            commit: review.commit_id ?? undefined,
          },
        ]
      : [],
  );
}

/** `GET /repos/{owner}/{repo}/pulls/{n}`: who opened it, its head, its description. */
export function parseGitHubPullRequest(body: unknown, source: string) {
  const pull = validateAs(
    z.object({ user: GitHubUser, head: z.object({ sha: z.string().min(1) }).loose(), body: z.string().nullish() }).loose(),
    body,
    "pull request",
    source,
  );
  return { author: pull.user.login, headSha: pull.head.sha, description: pull.body ?? "" };
}

/** `GET /repos/{owner}/{repo}/pulls/{n}/commits`: the commits in order, with their committer dates. */
export function parseGitHubPullCommits(body: unknown, source: string): { sha: string; at: string }[] {
  const commits = validateAs(
    z.array(z.object({ sha: z.string().min(1), commit: z.object({ committer: z.object({ date: Instant }).loose().nullable() }).loose() }).loose()),
    body,
    "commits",
    source,
  );
  return commits.map((entry) => ({ sha: entry.sha, at: entry.commit.committer?.date ?? new Date(0).toISOString() }));
}

/** `GET /repos/{owner}/{repo}/collaborators/{user}/permission`: `permission` is the legacy level (admin, write, read, none); `role_name` keeps maintain and triage. */
export function parseGitHubPermission(body: unknown, source: string): Permission {
  const answer = validateAs(z.object({ permission: z.string(), role_name: z.string().optional() }).loose(), body, "permission", source);
  const role = answer.role_name?.toLowerCase();
  if (role === "maintain" || role === "triage") return role;
  const level = answer.permission.toLowerCase();
  return level === "admin" || level === "write" || level === "read" ? level : "none";
}

/** `GET /orgs/{org}/teams/{slug}/members`: the logins. */
export function parseGitHubTeamMembers(body: unknown, source: string): string[] {
  return validateAs(z.array(GitHubUser), body, "members", source).map((user) => user.login);
}

/** `GET /repos/{owner}/{repo}/codeowners/errors`. */
export function parseGitHubCodeownersErrors(body: unknown, source: string) {
  return validateAs(
    z.object({ errors: z.array(z.object({ line: z.number().int(), kind: z.string(), source: z.string().default(""), path: z.string() }).loose()) }).loose(),
    body,
    "codeowners errors",
    source,
  ).errors;
}

const GitLabUser = z.object({ username: z.string().min(1), id: z.number().int().optional(), bot: z.boolean().optional() }).loose();
/** The approvals endpoint wraps each user (`{user: {…}}`); `approval_state`'s rules list them bare. */
const GitLabApprover = z.union([z.object({ user: GitLabUser, approved_at: Instant.nullish() }).loose(), GitLabUser]);

function approverOf(entry: z.infer<typeof GitLabApprover>): { username: string; id: number | undefined; bot: boolean; approvedAt: string | undefined } {
  const user = "user" in entry ? (entry.user as z.infer<typeof GitLabUser>) : (entry as z.infer<typeof GitLabUser>);
  return {
    username: user.username,
    id: user.id,
    bot: user.bot === true,
    approvedAt: "user" in entry ? ((entry.approved_at as string | null | undefined) ?? undefined) : undefined,
  };
}

/** `GET /projects/:id/merge_requests/:iid/approvals` (every tier): who approved, and when where GitLab says. */
export function parseGitLabApprovals(body: unknown, source: string): { events: ReviewEvent[]; userIds: Record<string, number> } {
  const answer = validateAs(z.object({ approved_by: z.array(GitLabApprover).default([]) }).loose(), body, "approvals", source);
  const userIds: Record<string, number> = {};
  const events = answer.approved_by.map((entry) => {
    const user = approverOf(entry);
    if (user.id !== undefined) userIds[user.username] = user.id;
    return { user: user.username, bot: user.bot, state: "APPROVED" as const, at: user.approvedAt, commit: undefined };
  });
  return { events, userIds };
}

/** One approval rule of `approval_state` (Premium and up). */
export interface GitLabApprovalRule {
  name: string;
  required: number;
  approvedBy: string[];
  approved: boolean;
  type: string;
}

/** `GET /projects/:id/merge_requests/:iid/approval_state`: each rule, how many it needs, who approved it. */
export function parseGitLabApprovalState(body: unknown, source: string): GitLabApprovalRule[] {
  const answer = validateAs(
    z
      .object({
        rules: z.array(
          z
            .object({
              name: z.string(),
              rule_type: z.string().default("regular"),
              approvals_required: z.number().int().min(0),
              approved_by: z.array(GitLabApprover).default([]),
              approved: z.boolean().optional(),
            })
            .loose(),
        ),
      })
      .loose(),
    body,
    "approval state",
    source,
  );
  return answer.rules.map((rule) => ({
    name: rule.name,
    required: rule.approvals_required,
    approvedBy: rule.approved_by.map((entry) => approverOf(entry).username),
    approved: rule.approved ?? false,
    type: rule.rule_type,
  }));
}

/** `GET /projects/:id/merge_requests/:iid`: author, head, description. */
export function parseGitLabMergeRequest(body: unknown, source: string) {
  const request = validateAs(
    z.object({ author: GitLabUser, sha: z.string().min(1), description: z.string().nullish() }).loose(),
    body,
    "merge request",
    source,
  );
  return { author: request.author.username, headSha: request.sha, description: request.description ?? "" };
}

/** `GET /projects/:id/members/all/:user_id`: Developer (30) and up may push, which is GitLab's write access. */
export function parseGitLabMemberPermission(body: unknown, source: string): Permission {
  const level = validateAs(z.object({ access_level: z.number().int() }).loose(), body, "member", source).access_level;
  return level >= 50 ? "admin" : level >= 40 ? "maintain" : level >= 30 ? "write" : level >= 10 ? "read" : "none";
}

/** GraphQL's `pullRequest.userContentEdits`: each version of the description, its editor and time (`diff` holds the text; null where a revision was deleted). */
export function parseGitHubDescriptionEdits(body: unknown, source: string): { at: string; editor: string | undefined; body: string | undefined }[] {
  const answer = validateAs(
    z.object({
      repository: z.object({
        pullRequest: z.object({
          userContentEdits: z.object({
            nodes: z.array(
              z
                .object({ editedAt: Instant, editor: z.object({ login: z.string() }).nullable(), diff: z.string().nullable() })
                .loose()
                .nullable(),
            ),
          }),
        }),
      }),
    }),
    body,
    "description history",
    source,
  );
  return answer.repository.pullRequest.userContentEdits.nodes.flatMap((node) =>
    node ? [{ at: node.editedAt, editor: node.editor?.login, body: node.diff ?? undefined }] : [],
  );
}

const TICK_NOTE = /^marked the (?:checklist|task) item \*\*(.+)\*\* as (completed|incomplete)$/;

/** GitLab's system notes on a merge request: "marked the checklist item **…** as completed" (older versions say "task item"). */
export function parseGitLabChecklistNotes(body: unknown, source: string): { at: string; user: string; text: string; ticked: boolean }[] {
  const notes = validateAs(
    z.array(z.object({ body: z.string(), system: z.boolean().default(false), created_at: Instant, author: GitLabUser }).loose()),
    body,
    "notes",
    source,
  );
  return notes.flatMap((note) => {
    const tick = note.system ? TICK_NOTE.exec(note.body.trim()) : null;
    return tick ? [{ at: note.created_at, user: note.author.username, text: tick[1] as string, ticked: tick[2] === "completed" }] : [];
  });
}
