import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SignoffSettings } from "@release-gates/core/signoff";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { startFakeApi } from "@release-gates/test-helpers/http-server";
import { githubPullRequestApi, gitlabMergeRequestApi, hoursIn, type PullRequestScenario, pullRequestHistory } from "@release-gates/test-helpers/review-api";
import { afterAll, describe, expect, it } from "vitest";
import { classifyError } from "../src/errors.js";
import { runSignoffGate, signoffRunner } from "../src/gates/signoff.js";
import { GitHubClient } from "../src/github/client.js";
import { GitLabClient } from "../src/gitlab/client.js";
import { GitHubReviewSource, GitLabReviewSource } from "../src/signoff/sources.js";

const repos: TestRepo[] = [];
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const repo of repos) repo.remove();
  for (const server of servers) await server.close();
});

function history() {
  const made = pullRequestHistory();
  repos.push(made.repo);
  return made;
}

function scenario(commits: PullRequestScenario["commits"], head: string, base: string, reviews: PullRequestScenario["reviews"]): PullRequestScenario {
  return {
    repository: "acme/app",
    number: 12,
    author: "octocat",
    baseSha: base,
    headSha: head,
    description: "- [x] Terms of service updated <!-- id: terms -->\n",
    commits,
    reviews,
    permissions: { alice: "write", bob: "maintain", dave: "read", octocat: "admin" },
    teams: { "acme/reviewers": ["alice", "bob"] },
  };
}

async function github(scenarioValue: PullRequestScenario) {
  const api = await startFakeApi(githubPullRequestApi(scenarioValue));
  servers.push(api);
  return { api, client: new GitHubClient(api.url, "ghs_token", { retryDelayMs: 1 }) };
}

const policy = (cwd: string, text: string) => writeFileSync(join(cwd, "release-gates.yml"), text);

describe("the sign-off gate on a GitHub pull request (local API stand-in, real git history)", () => {
  it("an approval survives a base merge that leaves the change as it was; the change's files come from git; codeowners from the team API", async () => {
    const { repo, c1, m1, c2 } = history();
    const { client } = await github(
      scenario(
        [
          { sha: c1, at: hoursIn(10), author: "octocat" },
          { sha: c2, at: hoursIn(14), author: "octocat" },
        ],
        c2,
        m1,
        [
          { user: "alice", state: "APPROVED", at: hoursIn(11) },
          { user: "bob", state: "APPROVED", at: hoursIn(15) },
        ],
      ),
    );
    const source = new GitHubReviewSource(client, "acme/app", 12, repo.dir, undefined);
    expect(await source.changedFiles()).toEqual(["src/app.ts"]);
    const { report } = await runSignoffGate({ cwd: repo.dir, source, platform: "github", clock: () => new Date(hoursIn(20)) });
    expect(report.predicate.checks.map((check) => [check.id, check.status])).toEqual([
      ["reviews.approvals", "pass"],
      ["reviews.changes-requested", "pass"],
      ["codeowners", "pass"],
    ]);
    expect(report.predicate.inputs.map((input) => input.path)).toEqual([".github/CODEOWNERS"]);
  });

  it("an edit of the change after an approval makes it stale (content-change), and any-push makes even the base merge count", async () => {
    const { repo, c1, m1, c2 } = history();
    repo.write({ "src/app.ts": "export const answer = 43;\n" });
    const c3 = repo.commit("edit the change");
    const commits = [
      { sha: c1, at: hoursIn(10), author: "octocat" },
      { sha: c2, at: hoursIn(14), author: "octocat" },
      { sha: c3, at: hoursIn(16), author: "octocat" },
    ];
    const { client } = await github(
      scenario(commits, c3, m1, [
        { user: "alice", state: "APPROVED", at: hoursIn(11) },
        { user: "bob", state: "APPROVED", at: hoursIn(17) },
      ]),
    );
    const source = new GitHubReviewSource(client, "acme/app", 12, repo.dir, undefined);
    const { report } = await runSignoffGate({ cwd: repo.dir, source, platform: "github", clock: () => new Date(hoursIn(20)) });
    const approvals = report.predicate.checks.find((check) => check.id === "reviews.approvals");
    expect(approvals?.status).toBe("fail");
    expect(approvals?.message).toContain(`alice (stale: given on ${c1.slice(0, 12)}; the change's content moved after it (now ${c3.slice(0, 12)}))`);

    const { client: second } = await github(
      scenario(commits.slice(0, 2), c2, m1, [
        { user: "alice", state: "APPROVED", at: hoursIn(11) },
        { user: "bob", state: "APPROVED", at: hoursIn(15) },
      ]),
    );
    policy(repo.dir, "version: 1\ngates:\n  signoff:\n    reviews: { staleAfter: any-push }\n");
    const anyPush = await runSignoffGate({ cwd: repo.dir, source: new GitHubReviewSource(second, "acme/app", 12, repo.dir, undefined), platform: "github" });
    expect(anyPush.report.predicate.checks.find((check) => check.id === "reviews.approvals")?.status).toBe("fail");
  });

  it("a team GITHUB_TOKEN cannot read (404) is said with the scope that can; the policy's list stands in, marked as such", async () => {
    const { repo, c0, m1 } = history();
    repo.git("checkout", "-q", "-b", "contracts", c0);
    repo.write({ "contracts/Token.sol": "contract Token { uint supply; }\n" });
    const head = repo.commit("touch a contract");
    const { client } = await github(
      scenario([{ sha: head, at: hoursIn(10), author: "octocat" }], head, m1, [
        { user: "alice", state: "APPROVED", at: hoursIn(11) },
        { user: "bob", state: "APPROVED", at: hoursIn(11) },
      ]),
    );
    const source = () => new GitHubReviewSource(client, "acme/app", 12, repo.dir, undefined);
    const unresolved = await runSignoffGate({ cwd: repo.dir, source: source(), platform: "github" });
    const messages = unresolved.report.predicate.findings.map((finding) => finding.message);
    expect(messages).toContain("contracts/Token.sol needs 1 approval from @acme/security (.github/CODEOWNERS line 2); none of them approved");
    expect(messages.find((message) => message.includes("@acme/security are unknown"))).toContain(
      "GitHub answered 404: the token cannot read team membership (GITHUB_TOKEN never can; a token with read:org can)",
    );
    policy(repo.dir, 'version: 1\ngates:\n  signoff:\n    teams: { "@acme/security": [bob] }\n');
    const fallback = await runSignoffGate({ cwd: repo.dir, source: source(), platform: "github" });
    expect(fallback.report.predicate.checks.find((check) => check.id === "codeowners")?.status).toBe("pass");
    // The last matching rule owns the contract: @acme/reviewers' `*` does not apply to it.
    expect(fallback.report.predicate.details.teams).toEqual({ "@acme/security": "policy" });
  });

  it("the runner finds the pull request a pushed commit came from, and sets one commit status on it", async () => {
    const { repo, c1, m1, c2 } = history();
    const value = scenario(
      [
        { sha: c1, at: hoursIn(10), author: "octocat" },
        { sha: c2, at: hoursIn(14), author: "octocat" },
      ],
      c2,
      m1,
      [{ user: "alice", state: "APPROVED", at: hoursIn(15) }],
    );
    const { api, client } = await github({ ...value, pullsOfCommit: { [c2]: 12 } });
    const logged: string[] = [];
    const result = await signoffRunner.run(
      { cwd: repo.dir, values: {}, subject: { commit: c2 } },
      {
        kind: "github",
        client,
        log: (message) => logged.push(message),
        context: { repository: "acme/app", sha: c2, apiUrl: api.url, eventName: "push", pullRequest: undefined, defaultBranch: "main" },
      },
    );
    expect(result.report.predicate.details.reference).toBe("acme/app#12");
    const posted = api.requests.filter((request) => request.method === "POST");
    expect(posted).toEqual([
      {
        method: "POST",
        path: `/repos/acme/app/statuses/${c2}`,
        authorization: "token ghs_token",
        body: { state: "failure", context: "release-gates/signoff", description: expect.stringContaining("signoff-gate failed") },
      },
    ]);
  });

  it("no pull request for the commit: reviews are no-data, saying so", async () => {
    const { repo, c2, m1, c1 } = history();
    const { api, client } = await github(scenario([{ sha: c1, at: hoursIn(10) }], c2, m1, []));
    const result = await signoffRunner.run(
      { cwd: repo.dir, values: {}, subject: { commit: c2 } },
      {
        kind: "github",
        client,
        log: () => {},
        context: { repository: "acme/app", sha: c2, apiUrl: api.url, eventName: "push", pullRequest: undefined, defaultBranch: "main" },
      },
    );
    expect(result.report.predicate.checks[0]?.message).toBe(`No review to count: commit ${c2.slice(0, 12)} came from no pull request (pushed directly?).`);
  });
});

describe("the sign-off gate on a GitLab merge request", () => {
  const mergeRequest = (rules?: { name: string; required: number; approvedBy: string[] }[]) =>
    gitlabMergeRequestApi({
      projectId: "42",
      iid: 5,
      author: "root",
      headSha: "c".repeat(40),
      commits: [{ sha: "c".repeat(40), at: hoursIn(10) }],
      approvals: [
        { user: "jdoe", id: 4, at: hoursIn(11) },
        { user: "amy", id: 5, at: hoursIn(12) },
      ],
      members: { 4: 30, 5: 40 },
      ...(rules ? { rules } : {}),
    });

  it("Free tier: approvals from the approvals endpoint, membership from the project's members; approval_state's 403 means no rules", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    repo.commit("base");
    const api = await startFakeApi(mergeRequest());
    servers.push(api);
    const source = new GitLabReviewSource(new GitLabClient(api.url, "glpat-token", "private-token", { retryDelayMs: 1 }), "42", 5, repo.dir, undefined);
    const read = await source.read();
    expect(read.gitlabRules).toBeUndefined();
    expect(read.notes[0]).toContain("the Free tier");
    expect(read.facts.permissions).toEqual({ jdoe: "write", amy: "maintain" });
    const settings = SignoffSettings.parse({ codeowners: { required: false } });
    expect(settings.reviews.approvals).toBe(2);
  });

  it("Premium: each approval rule is checked against the counted approvals", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    repo.commit("base");
    policy(repo.dir, "version: 1\ngates:\n  signoff:\n    codeowners: { required: false }\n");
    const api = await startFakeApi(mergeRequest([{ name: "Security", required: 2, approvedBy: ["jdoe"] }]));
    servers.push(api);
    const source = new GitLabReviewSource(new GitLabClient(api.url, "glpat-token", "private-token", { retryDelayMs: 1 }), "42", 5, repo.dir, undefined);
    const { report } = await runSignoffGate({ cwd: repo.dir, source, platform: "gitlab", clock: () => new Date(hoursIn(20)) });
    expect(report.predicate.checks.map((check) => [check.id, check.status])).toEqual([
      ["reviews.approvals", "pass"],
      ["reviews.changes-requested", "pass"],
      ["gitlab.approval-rules", "fail"],
    ]);
  });

  it("without a token that can read approvals the run stops with one sentence: CI_JOB_TOKEN cannot", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    repo.commit("base");
    const run = signoffRunner.run(
      { cwd: repo.dir, values: {} },
      {
        kind: "gitlab",
        log: () => {},
        context: {
          projectPath: "acme/app",
          commitSha: undefined,
          mergeRequestDiffBaseSha: undefined,
          mergeRequestIid: "5",
          baseBranch: "main",
          apiUrl: "http://127.0.0.1:9/api/v4",
          projectId: "42",
          jobToken: "job",
        },
      },
    );
    await expect(run).rejects.toThrow(
      "RELEASE_GATES_GITLAB_TOKEN: expected RELEASE_GATES_GITLAB_TOKEN (a project access token with read_api) to read the merge request's approvals, found it unset: CI_JOB_TOKEN cannot read approvals",
    );
  });
});

describe("sign-offs proven from git history", () => {
  it("an entry counts when its signer's commit wrote it; one written by someone else does not", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    const head = repo.commit("base");
    policy(
      repo.dir,
      "version: 1\ngates:\n  signoff:\n    codeowners: { required: false }\n    reviews: { approvals: 0 }\n    signoffs:\n      required: [{ role: qa, count: 1 }]\n",
    );
    repo.write({ "release/signoffs.yml": `signoffs:\n  - role: qa\n    person: carol@acme.example\n    date: 2026-11-24\n    commit: ${head.slice(0, 10)}\n` });
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "qa sign-off", "--author", "Mallory <mallory@acme.example>");
    const refused = await runSignoffGate({ cwd: repo.dir, subject: { commit: head }, clock: () => new Date("2026-11-25T00:00:00Z") });
    expect(refused.report.predicate.details.rejectedSignoffs).toEqual([
      expect.objectContaining({ line: 2, why: expect.stringContaining('is by "mallory@acme.example", not by carol@acme.example') }),
    ]);
    // Carol adds her own entry in her own commit: it counts; the one Mallory wrote for her still does not.
    writeFileSync(
      join(repo.dir, "release/signoffs.yml"),
      `signoffs:\n  - role: qa\n    person: carol@acme.example\n    date: 2026-11-24\n    commit: ${head.slice(0, 10)}\n  - role: qa\n    person: carol@acme.example\n    date: 2026-11-24\n    commit: ${head.slice(0, 12)}\n`,
    );
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "qa sign-off", "--author", "Carol <carol@acme.example>");
    const accepted = await runSignoffGate({ cwd: repo.dir, subject: { commit: head }, clock: () => new Date("2026-11-25T00:00:00Z") });
    expect(accepted.report.predicate.checks.find((check) => check.id === "signoffs")?.status).toBe("pass");
    expect((accepted.report.predicate.details.rejectedSignoffs as { line: number }[]).map((entry) => entry.line)).toEqual([2]);
    expect(accepted.report.predicate.inputs.map((input) => input.format)).toEqual(["signoffs"]);
  });
});

describe("who ticked the description's checklist, from the platform's history", () => {
  const policyText =
    "version: 1\ngates:\n  signoff:\n    codeowners: { required: false }\n    reviews: { approvals: 0 }\n    checklist:\n      required: [{ id: terms, from: [dan] }]\n";

  it("GitHub: GraphQL's edit history names the editor who ticked it", async () => {
    const { repo, c1, m1, c2 } = history();
    policy(repo.dir, policyText);
    const ticked = "- [x] Terms of service updated <!-- id: terms -->\n";
    const { api, client } = await github({
      ...scenario([{ sha: c1, at: hoursIn(10) }], c2, m1, []),
      description: ticked,
      descriptionEdits: [
        { at: hoursIn(9), editor: "octocat", body: "- [ ] Terms of service updated <!-- id: terms -->\n" },
        { at: hoursIn(12), editor: "dan", body: ticked },
      ],
    });
    const { report } = await runSignoffGate({ cwd: repo.dir, source: new GitHubReviewSource(client, "acme/app", 12, repo.dir, undefined), platform: "github" });
    expect(report.predicate.checks.find((check) => check.id === "checklist")?.status).toBe("pass");
    expect(report.predicate.details.checklist).toEqual([{ id: "terms", ticked: true, found: true, tickedBy: "dan" }]);
    expect(api.requests.find((request) => request.path === "/graphql")?.body).toMatchObject({ variables: { owner: "acme", name: "app", number: 12 } });
  });

  it("GitLab: the system note of the tick names who did it", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    repo.commit("base");
    policy(repo.dir, policyText);
    const api = await startFakeApi(
      gitlabMergeRequestApi({
        projectId: "42",
        iid: 5,
        author: "root",
        headSha: "c".repeat(40),
        description: "- [x] Terms of service updated <!-- id: terms -->\n",
        commits: [{ sha: "c".repeat(40), at: hoursIn(10) }],
        approvals: [],
        members: {},
        notes: [{ at: hoursIn(12), user: "mallory", body: "marked the checklist item **Terms of service updated** as completed" }],
      }),
    );
    servers.push(api);
    const source = new GitLabReviewSource(
      new GitLabClient(`${api.url}/api/v4`, "glpat-token", "private-token", { retryDelayMs: 1 }),
      "42",
      5,
      repo.dir,
      undefined,
    );
    const { report } = await runSignoffGate({ cwd: repo.dir, source, platform: "gitlab" });
    expect(report.predicate.findings.map((finding) => finding.message)).toContain(
      'checklist item "Terms of service updated" must be ticked by dan; mallory ticked it',
    );
  });
});

describe("what the platforms refuse, in one sentence", () => {
  it("GitHub 401 on the pull request: the token was refused; GitLab 403 on the approvals: the read_api scope", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    repo.commit("base");
    const github = await startFakeApi(() => ({ status: 401, body: { message: "Bad credentials" } }));
    servers.push(github);
    const refused = runSignoffGate({
      cwd: repo.dir,
      source: new GitHubReviewSource(new GitHubClient(github.url, "ghs_expired", { retryDelayMs: 1 }), "acme/app", 12, repo.dir, undefined),
    });
    const githubError = await refused.catch((error: unknown) => error);
    expect(classifyError(githubError, "signoff-gate")).toMatchObject({
      exitCode: 2,
      sentence:
        "GitHub API GET /repos/acme/app/pulls/12 answered 401: Bad credentials: the token was refused; give a valid token (github-token, GITHUB_TOKEN, or the GitLab token variables).",
    });
    const gitlab = await startFakeApi(({ path }) =>
      path.endsWith("/approvals")
        ? { status: 403, body: { message: "403 Forbidden" } }
        : { status: 200, body: { author: { username: "root" }, sha: "c".repeat(40) } },
    );
    servers.push(gitlab);
    const forbidden = await runSignoffGate({
      cwd: repo.dir,
      source: new GitLabReviewSource(new GitLabClient(gitlab.url, "glpat-readonly", "private-token", { retryDelayMs: 1 }), "42", 5, repo.dir, undefined),
    }).catch((error: unknown) => error);
    expect(classifyError(forbidden, "signoff-gate").sentence).toMatch(/approvals answered 403: 403 Forbidden: the token lacks the read_api scope/);
  });
});

describe("break-glass through a front end's options", () => {
  it("all four options turn the failures into warnings; some of them is the user's mistake, naming the missing ones", async () => {
    const repo = createTestRepo({ "README.md": "x\n" });
    repos.push(repo);
    repo.commit("base");
    const values = { "override-reason": "INC-42 hotfix", "requested-by": "alice", "approved-by": "sue", "override-expires": "2099-01-01T00:00:00Z" };
    const result = await signoffRunner.run({ cwd: repo.dir, values }, { kind: "local", log: () => {} });
    expect(result.report.predicate.status).toBe("warn");
    expect(result.report.predicate.findings.find((finding) => finding.id === "break-glass")?.message).toContain("requested by alice, approved by sue");
    const partial = signoffRunner.run({ cwd: repo.dir, values: { "override-reason": "x" }, frontEnd: "cli" }, { kind: "local", log: () => {} });
    await expect(partial).rejects.toThrow(
      /expected all of --override-reason, --requested-by, --approved-by, --override-expires for a break-glass override, found only --override-reason/,
    );
  });
});
