import { ConfigurationError, quoted } from "@release-gates/core";
import {
  type ChecklistHistory,
  diffContentId,
  type GitLabApprovalRule,
  type Permission,
  type PullRequestCommit,
  parseGitHubCodeownersErrors,
  parseGitHubDescriptionEdits,
  parseGitHubPermission,
  parseGitHubPullCommits,
  parseGitHubPullRequest,
  parseGitHubReviews,
  parseGitHubTeamMembers,
  parseGitLabApprovalState,
  parseGitLabApprovals,
  parseGitLabChecklistNotes,
  parseGitLabMemberPermission,
  parseGitLabMergeRequest,
  type ReviewFacts,
} from "@release-gates/core/signoff";
import type { GitHubClient } from "../github/client.js";
import type { GitLabClient } from "../gitlab/client.js";
import { ApiError } from "../http/rest.js";
import { changeDiffAt, changedPathsBetween, hasCommit } from "../local/git.js";

/** What a platform says about one pull or merge request, for the sign-off gate. */
export interface ReviewRead {
  facts: ReviewFacts;
  description: string;
  /** GitLab Premium's approval rules; undefined where the tier has none. */
  gitlabRules?: GitLabApprovalRule[];
  /** Said in the log: the tier detected, where the changed files came from. */
  notes: string[];
}

/**
 * A pull or merge request's reviews, team membership and CODEOWNERS errors,
 * from GitHub or GitLab: one interface, so the pipeline and the decision do
 * not know which platform answered.
 */
export interface ReviewSource {
  /** "GitHub pull request acme/app#12" */
  readonly description: string;
  read(): Promise<ReviewRead>;
  /** The paths the change touches. */
  changedFiles(): Promise<string[]>;
  /** A team's (GitLab: group's) members, or why they cannot be read. */
  teamMembers(team: string): Promise<string[] | { unresolved: string }>;
  /** The platform's own errors for the CODEOWNERS file (GitHub only). */
  codeownersErrors(): Promise<{ line: number; kind: string; source: string; path: string }[]>;
  /** How the description came to be, to tell who ticked each checklist item. */
  checklistHistory(): Promise<ChecklistHistory>;
}

/** The change's content at each commit, so an approval survives a base merge that changes nothing of it. */
async function withContentIds(commits: readonly { sha: string; at: string }[], baseRef: string | undefined, cwd: string): Promise<PullRequestCommit[]> {
  const sorted = [...commits].sort((a, b) => a.at.localeCompare(b.at));
  return Promise.all(
    sorted.map(async (commit) => {
      const diff = baseRef ? await changeDiffAt(baseRef, commit.sha, cwd) : undefined;
      return { ...commit, contentId: diff === undefined ? undefined : diffContentId(diff) };
    }),
  );
}

const notFound = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 403);

/** GitHub's REST API: reviews, commits, collaborator permissions, team members, CODEOWNERS errors. */
export class GitHubReviewSource implements ReviewSource {
  readonly description: string;
  private pull: Promise<ReturnType<typeof parseGitHubPullRequest> & { baseSha: string | undefined }> | undefined;

  constructor(
    private readonly client: GitHubClient,
    private readonly repository: string,
    private readonly number: number,
    private readonly cwd: string,
    private readonly baseRef: string | undefined,
  ) {
    this.description = `GitHub pull request ${repository}#${number}`;
  }

  private pullRequest() {
    this.pull ??= this.client.request<{ base?: { sha?: string } }>("GET", `/repos/${this.repository}/pulls/${this.number}`).then(({ data }) => ({
      ...parseGitHubPullRequest(data, `${this.description}`),
      baseSha: data.base?.sha,
    }));
    return this.pull;
  }

  async read(): Promise<ReviewRead> {
    const pull = await this.pullRequest();
    const base = `/repos/${this.repository}/pulls/${this.number}`;
    const reviews = parseGitHubReviews(await this.client.paginate(`${base}/reviews`), `${this.description} reviews`);
    const rawCommits = await this.client.paginate<{ sha: string; author?: { login?: string } | null; committer?: { login?: string } | null }>(
      `${base}/commits`,
    );
    const listed = parseGitHubPullCommits(rawCommits, `${this.description} commits`);
    const head = rawCommits.find((commit) => commit.sha === pull.headSha) ?? rawCommits.at(-1);
    // GitHub's API does not name who pushed: the head commit's author and committer stand in (web-flow is GitHub's own committer).
    const pushers = [head?.author?.login, head?.committer?.login].filter((login): login is string => Boolean(login) && login !== "web-flow");
    const permissions: Record<string, Permission> = {};
    for (const user of new Set(reviews.filter((review) => !review.bot).map((review) => review.user))) {
      try {
        const { data } = await this.client.request("GET", `/repos/${this.repository}/collaborators/${encodeURIComponent(user)}/permission`);
        permissions[user] = parseGitHubPermission(data, `${this.description}: permission of ${user}`);
      } catch (error) {
        // 404: not a collaborator (an outside reviewer), which is no write access.
        if (error instanceof ApiError && error.status === 404) permissions[user] = "none";
        else throw error;
      }
    }
    const baseRef = this.baseRef ?? pull.baseSha;
    const commits = await withContentIds(listed, baseRef, this.cwd);
    return {
      facts: {
        platform: "github",
        reference: `${this.repository}#${this.number}`,
        author: pull.author,
        lastPushers: [...new Set(pushers)],
        headSha: pull.headSha,
        commits,
        reviews,
        permissions,
      },
      description: pull.description,
      notes: [],
    };
  }

  async changedFiles(): Promise<string[]> {
    const pull = await this.pullRequest();
    const baseRef = this.baseRef ?? pull.baseSha;
    if (baseRef && (await hasCommit(baseRef, this.cwd)) && (await hasCommit(pull.headSha, this.cwd)))
      return changedPathsBetween(baseRef, pull.headSha, this.cwd);
    const files = await this.client.paginate<{ filename: string; previous_filename?: string }>(`/repos/${this.repository}/pulls/${this.number}/files`);
    return [...new Set(files.flatMap((file) => (file.previous_filename ? [file.filename, file.previous_filename] : [file.filename])))];
  }

  async teamMembers(team: string): Promise<string[] | { unresolved: string }> {
    const [, org, slug] = /^@([^/]+)\/(.+)$/.exec(team) ?? [];
    if (!org || !slug) return { unresolved: `${quoted(team)} is not @org/team` };
    try {
      return parseGitHubTeamMembers(
        await this.client.paginate(`/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/members`),
        `members of ${team}`,
      );
    } catch (error) {
      if (notFound(error))
        return {
          unresolved: `GitHub answered ${(error as ApiError).status}: the token cannot read team membership (GITHUB_TOKEN never can; a token with read:org can)`,
        };
      throw error;
    }
  }

  /** The description's versions from GraphQL's `userContentEdits` (newest first there; the oldest is the original). */
  async checklistHistory(): Promise<ChecklistHistory> {
    const pull = await this.pullRequest();
    const [owner, name] = this.repository.split("/");
    const data = await this.client.graphql(
      "query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { userContentEdits(first: 100) { nodes { editedAt editor { login } diff } } } } }",
      { owner, name, number: this.number },
    );
    return { kind: "versions", author: pull.author, versions: parseGitHubDescriptionEdits(data, `${this.description}: description history`) };
  }

  async codeownersErrors() {
    const pull = await this.pullRequest();
    try {
      const { data } = await this.client.request("GET", `/repos/${this.repository}/codeowners/errors?ref=${encodeURIComponent(pull.headSha)}`);
      return parseGitHubCodeownersErrors(data, `${this.description}: CODEOWNERS errors`);
    } catch (error) {
      if (notFound(error)) return [];
      throw error;
    }
  }
}

/**
 * GitLab's REST API. The approvals endpoint exists on every tier (who
 * approved); approval rules (`approval_state`) only from Premium, detected by
 * asking. CI_JOB_TOKEN cannot read approvals: a token with read_api is needed.
 */
export class GitLabReviewSource implements ReviewSource {
  readonly description: string;
  private readonly base: string;
  private request: Promise<ReturnType<typeof parseGitLabMergeRequest>> | undefined;

  constructor(
    private readonly client: GitLabClient,
    private readonly projectId: string,
    private readonly iid: number,
    private readonly cwd: string,
    private readonly baseRef: string | undefined,
  ) {
    this.description = `GitLab merge request !${iid}`;
    this.base = `/projects/${encodeURIComponent(projectId)}/merge_requests/${iid}`;
  }

  private mergeRequest() {
    this.request ??= this.client.request("GET", this.base).then(({ data }) => parseGitLabMergeRequest(data, this.description));
    return this.request;
  }

  async read(): Promise<ReviewRead> {
    const request = await this.mergeRequest();
    const { events, userIds } = parseGitLabApprovals((await this.client.request("GET", `${this.base}/approvals`)).data, `${this.description} approvals`);
    const notes: string[] = [];
    let gitlabRules: GitLabApprovalRule[] | undefined;
    try {
      gitlabRules = parseGitLabApprovalState((await this.client.request("GET", `${this.base}/approval_state`)).data, `${this.description} approval state`);
      notes.push(`GitLab approval rules read (${gitlabRules.length}).`);
    } catch (error) {
      if (!notFound(error)) throw error;
      notes.push("No GitLab approval rules (approval_state answered 403/404: the Free tier); approvals counted from the approvals endpoint.");
    }
    const commits = await this.client.paginate<{ id: string; committed_date?: string; created_at?: string }>(`${this.base}/commits`);
    const permissions: Record<string, Permission> = {};
    for (const [user, id] of Object.entries(userIds)) {
      try {
        const { data } = await this.client.request("GET", `/projects/${encodeURIComponent(this.projectId)}/members/all/${id}`);
        permissions[user] = parseGitLabMemberPermission(data, `${this.description}: membership of ${user}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) permissions[user] = "none";
        else throw error;
      }
    }
    const dated = commits.map((commit) => ({ sha: commit.id, at: new Date(commit.committed_date ?? commit.created_at ?? 0).toISOString() }));
    return {
      facts: {
        platform: "gitlab",
        reference: `!${this.iid}`,
        author: request.author,
        lastPushers: [],
        headSha: request.headSha,
        commits: await withContentIds(dated, this.baseRef, this.cwd),
        reviews: events,
        permissions,
      },
      description: request.description,
      ...(gitlabRules ? { gitlabRules } : {}),
      notes,
    };
  }

  async changedFiles(): Promise<string[]> {
    const request = await this.mergeRequest();
    if (this.baseRef && (await hasCommit(this.baseRef, this.cwd)) && (await hasCommit(request.headSha, this.cwd)))
      return changedPathsBetween(this.baseRef, request.headSha, this.cwd);
    const diffs = await this.client.paginate<{ new_path: string; old_path: string }>(`${this.base}/diffs`);
    return [...new Set(diffs.flatMap((diff) => [diff.new_path, diff.old_path]))];
  }

  async teamMembers(team: string): Promise<string[] | { unresolved: string }> {
    try {
      const members = await this.client.paginate<{ username: string }>(`/groups/${encodeURIComponent(team.replace(/^@/, ""))}/members/all`);
      return members.map((member) => member.username);
    } catch (error) {
      if (notFound(error))
        return { unresolved: `GitLab answered ${(error as ApiError).status} for the group's members (the token needs read_api on the group)` };
      throw error;
    }
  }

  async codeownersErrors() {
    return [];
  }

  /** GitLab writes a system note when someone ticks or unticks a checklist item: who, which, when. */
  async checklistHistory(): Promise<ChecklistHistory> {
    const request = await this.mergeRequest();
    const notes = await this.client.paginate(`${this.base}/notes?sort=asc`);
    return { kind: "events", author: request.author, events: parseGitLabChecklistNotes(notes, `${this.description}: notes`) };
  }
}

/** A token that can read approvals, or one sentence saying which. */
export function gitlabApprovalsToken(env: NodeJS.ProcessEnv): string {
  const token = env.RELEASE_GATES_GITLAB_TOKEN;
  if (!token)
    throw new ConfigurationError(
      "expected RELEASE_GATES_GITLAB_TOKEN (a project access token with read_api) to read the merge request's approvals, found it unset: CI_JOB_TOKEN cannot read approvals",
      "RELEASE_GATES_GITLAB_TOKEN",
    );
  return token;
}
