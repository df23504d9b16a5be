import { fixture } from "./fixtures.js";
import { createTestRepo, type TestRepo } from "./git-repo.js";
import type { RecordedRequest, Route } from "./http-server.js";

const json = (name: string) => JSON.parse(fixture(`signoff/${name}`));

/** An instant `hour` hours into 2026-11-20 (UTC), for scenarios that order commits and reviews. */
export const hoursIn = (hour: number) => `2026-11-2${Math.floor(hour / 24)}T${String(hour % 24).padStart(2, "0")}:00:00Z`;

/** One review as a scenario states it. */
export interface ScenarioReview {
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  at: string;
  bot?: boolean;
}

/** A pull request as GitHub would describe it: who, what, when, and what the token may read. */
export interface PullRequestScenario {
  repository: string;
  number: number;
  author: string;
  baseSha: string;
  headSha: string;
  description?: string;
  /** In order, with the time each reached the pull request. */
  commits: { sha: string; at: string; author?: string }[];
  reviews: ScenarioReview[];
  /** Collaborator permissions; a user absent here is not a collaborator (404). */
  permissions: Record<string, string>;
  /** Team slugs (`acme/security`) and their members; a team absent here answers 404, as GITHUB_TOKEN gets. */
  teams?: Record<string, string[]>;
  /** Pull requests associated with a commit (`GET /commits/{sha}/pulls`), for push events. */
  pullsOfCommit?: Record<string, number>;
  /** The description's versions (GraphQL userContentEdits), oldest first; the last is the current description. */
  descriptionEdits?: { at: string; editor: string; body: string }[];
}

/**
 * GitHub's REST answers for one pull request, in the documented shapes (the
 * review, permission and CODEOWNERS-errors examples of GitHub's OpenAPI
 * description, with the scenario's people, states and times). Statuses
 * posted are accepted and recorded by the server.
 */
export function githubPullRequestApi(scenario: PullRequestScenario): Route {
  const documentedReview = (json("api-github-pulls-list-reviews.openapi-example.pull-request-review-items.json") as Record<string, unknown>[])[0] as Record<
    string,
    unknown
  >;
  const documentedPermission = json("api-github-repos-get-collaborator-permission-level.openapi-example.admin.json") as Record<string, unknown>;
  const user = (login: string, type = "User") => ({ ...(documentedReview.user as object), login, type });
  const repo = `/repos/${scenario.repository}`;
  const pull = `${repo}/pulls/${scenario.number}`;
  return ({ method, path }: RecordedRequest) => {
    const url = path.split("?")[0] as string;
    if (method === "POST" && url.startsWith(`${repo}/statuses/`)) return { status: 201, body: { state: "success" } };
    if (method === "POST" && url === "/graphql") {
      const nodes = [...(scenario.descriptionEdits ?? [])].reverse().map((edit) => ({ editedAt: edit.at, editor: { login: edit.editor }, diff: edit.body }));
      return { status: 200, body: { data: { repository: { pullRequest: { userContentEdits: { nodes } } } } } };
    }
    if (method !== "GET") return undefined;
    if (url === pull)
      return {
        status: 200,
        body: {
          number: scenario.number,
          user: user(scenario.author),
          body: scenario.description ?? null,
          head: { sha: scenario.headSha, ref: "feature" },
          base: { sha: scenario.baseSha, ref: "main" },
        },
      };
    if (url === `${pull}/reviews`)
      return {
        status: 200,
        body: scenario.reviews.map((review, index) => ({
          ...documentedReview,
          id: 80 + index,
          user: user(review.user, review.bot ? "Bot" : "User"),
          state: review.state,
          submitted_at: review.at,
          commit_id: scenario.headSha,
        })),
      };
    if (url === `${pull}/commits`)
      return {
        status: 200,
        body: scenario.commits.map((commit) => ({
          sha: commit.sha,
          commit: { author: { date: commit.at }, committer: { date: commit.at }, message: "change" },
          author: commit.author ? user(commit.author) : null,
          committer: user("web-flow"),
        })),
      };
    const permission = new RegExp(`^${repo}/collaborators/([^/]+)/permission$`).exec(url);
    if (permission) {
      const level = scenario.permissions[decodeURIComponent(permission[1] as string)];
      return level
        ? { status: 200, body: { ...documentedPermission, permission: level === "maintain" ? "write" : level, role_name: level } }
        : { status: 404, body: { message: "Not Found" } };
    }
    const team = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/.exec(url);
    if (team) {
      const members = scenario.teams?.[`${team[1]}/${team[2]}`];
      return members ? { status: 200, body: members.map((login) => user(login)) } : { status: 404, body: { message: "Not Found" } };
    }
    if (url === `${repo}/codeowners/errors`) return { status: 200, body: { errors: [] } };
    const associated = new RegExp(`^${repo}/commits/([0-9a-f]+)/pulls$`).exec(url);
    if (associated) {
      const number = scenario.pullsOfCommit?.[associated[1] as string];
      return { status: 200, body: number ? [{ number, merged_at: scenario.commits.at(-1)?.at, merge_commit_sha: associated[1] }] : [] };
    }
    return undefined;
  };
}

/** A merge request as GitLab would describe it, Free tier or Premium. */
export interface MergeRequestScenario {
  projectId: string;
  iid: number;
  author: string;
  headSha: string;
  description?: string;
  commits: { sha: string; at: string }[];
  /** The paths the merge request changes (its diffs). */
  changed?: string[];
  approvals: { user: string; id: number; at?: string }[];
  /** Access levels by user id; absent: not a member (404). */
  members: Record<number, number>;
  /** System notes, e.g. "marked the checklist item **…** as completed". */
  notes?: { at: string; user: string; body: string }[];
  /** Premium's approval rules; absent: the Free tier (approval_state answers 403). */
  rules?: { name: string; required: number; approvedBy: string[] }[];
}

/** GitLab's REST answers for one merge request, in the documented shapes (the approvals and approval_state examples). */
export function gitlabMergeRequestApi(scenario: MergeRequestScenario): Route {
  const documented = json("api-gitlab-mr-approvals.docs-example.json") as Record<string, unknown> & { approved_by: { user: Record<string, unknown> }[] };
  const documentedState = json("api-gitlab-mr-approval-state.docs-example.json") as { rules: Record<string, unknown>[] };
  const person = (username: string, id: number) => ({ ...(documented.approved_by[0]?.user as object), username, id, name: username });
  const base = `/projects/${encodeURIComponent(scenario.projectId)}/merge_requests/${scenario.iid}`;
  return ({ method, path }: RecordedRequest) => {
    // GitLab's API lives under /api/v4 on the instance; the client may be given either.
    const url = (path.split("?")[0] as string).replace(/^\/api\/v4(?=\/)/, "");
    if (method !== "GET") return undefined;
    if (url === base)
      return { status: 200, body: { iid: scenario.iid, author: person(scenario.author, 99), sha: scenario.headSha, description: scenario.description ?? "" } };
    if (url === `${base}/approvals`)
      return {
        status: 200,
        body: {
          ...documented,
          iid: scenario.iid,
          approved_by: scenario.approvals.map((approval) => ({
            user: person(approval.user, approval.id),
            ...(approval.at ? { approved_at: approval.at } : {}),
          })),
        },
      };
    if (url === `${base}/approval_state`)
      return scenario.rules
        ? {
            status: 200,
            body: {
              approval_rules_overwritten: false,
              rules: scenario.rules.map((rule) => ({
                ...documentedState.rules[0],
                name: rule.name,
                approvals_required: rule.required,
                approved_by: rule.approvedBy.map((username, index) => person(username, 1000 + index)),
                approved: rule.approvedBy.length >= rule.required,
              })),
            },
          }
        : { status: 403, body: { message: "403 Forbidden" } };
    if (url === `${base}/notes`)
      return {
        status: 200,
        body: (scenario.notes ?? []).map((note, index) => ({
          id: index + 1,
          body: note.body,
          system: true,
          created_at: note.at,
          author: person(note.user, 200 + index),
        })),
      };
    if (url === `${base}/diffs`) return { status: 200, body: (scenario.changed ?? []).map((path) => ({ old_path: path, new_path: path, diff: "" })) };
    if (url === `${base}/commits`)
      return { status: 200, body: [...scenario.commits].reverse().map((commit) => ({ id: commit.sha, committed_date: commit.at, created_at: commit.at })) };
    const member = new RegExp(`^/projects/${encodeURIComponent(scenario.projectId)}/members/all/(\\d+)$`).exec(url);
    if (member) {
      const level = scenario.members[Number(member[1])];
      return level ? { status: 200, body: { id: Number(member[1]), access_level: level } } : { status: 404, body: { message: "404 Not found" } };
    }
    return undefined;
  };
}

/**
 * A real repository with a pull request's history: the change (c1), the
 * base branch moving on (m1) and merged into the change without touching it
 * (c2). CODEOWNERS gives everything to @acme/reviewers and contracts/ to
 * @acme/security.
 */
export function pullRequestHistory(): { repo: TestRepo; c0: string; c1: string; m1: string; c2: string } {
  const repo = createTestRepo({
    ".github/CODEOWNERS": "* @acme/reviewers\ncontracts/ @acme/security\n",
    "src/app.ts": "export const answer = 41;\n",
    "contracts/Token.sol": "contract Token {}\n",
  });
  const c0 = repo.commit("base");
  repo.git("checkout", "-q", "-b", "feature");
  repo.write({ "src/app.ts": "export const answer = 42;\n" });
  const c1 = repo.commit("the change");
  repo.git("checkout", "-q", "main");
  repo.write({ "docs/notes.md": "notes\n" });
  const m1 = repo.commit("main moves on");
  repo.git("checkout", "-q", "feature");
  repo.git("merge", "-q", "--no-edit", "main");
  const c2 = repo.git("rev-parse", "HEAD");
  return { repo, c0, c1, m1, c2 };
}
