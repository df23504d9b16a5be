import { readFileSync } from "node:fs";
import { join } from "node:path";
import { skipWithout } from "@release-gates/test-helpers/machine-tools";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { githubPullRequestApi, gitlabMergeRequestApi, hoursIn, type PullRequestScenario, pullRequestHistory } from "@release-gates/test-helpers/review-api";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  asGitLabProject,
  COMPONENT_PROJECT,
  COMPONENT_VERSION,
  cleanEnv,
  jobLog,
  node24,
  runBundledAction,
  runGitLabPipeline,
  runReleaseCli,
  useFakeApis,
  useTestRepos,
} from "./support.js";

const repos = useTestRepos();
const api = useFakeApis();

/** The pull request of a real history: approved by alice before the base merge and by bob after it; octocat wrote it. */
function pullRequest(repository: string, reviewers: string[] = ["alice", "bob"]) {
  const history = pullRequestHistory();
  repos.push(history.repo);
  const scenario: PullRequestScenario = {
    repository,
    number: 12,
    author: "octocat",
    baseSha: history.m1,
    headSha: history.c2,
    commits: [
      { sha: history.c1, at: hoursIn(10), author: "octocat" },
      { sha: history.c2, at: hoursIn(14), author: "octocat" },
    ],
    reviews: reviewers.map((user, index) => ({ user, state: "APPROVED", at: hoursIn(11 + index * 4) })),
    permissions: { alice: "write", bob: "maintain", octocat: "admin" },
    teams: { "acme/reviewers": ["alice", "bob"] },
  };
  return { ...history, scenario };
}

describe("signoff-gate CLI from the release tree", () => {
  it("reads a pull request's reviews from GitHub (--pull-request with GITHUB_REPOSITORY and GITHUB_TOKEN): two counted approvals pass", async () => {
    const { repo, scenario } = pullRequest("acme/app");
    const github = await api(githubPullRequestApi(scenario));
    const env = cleanEnv({ GITHUB_API_URL: github.url, GITHUB_REPOSITORY: "acme/app", GITHUB_TOKEN: "ghp_test" });
    const result = await runReleaseCli(["signoff", "--pull-request", "12", "--format", "text"], { cwd: repo.dir, env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS +reviews\.approvals +2 approvals +≥ 2 approvals/m);
    expect(result.stdout).toContain("acme/app#12: 2 of 2 approvals counted, 1 of 1 requirements met");
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/signoff-report.json"), "utf8")));
    expect(github.requests.every((request) => request.authorization === "token ghp_test")).toBe(true);
  });

  it("one approval of two fails with exit 1 and says who did not count; no pull request at all is no-data, which fails", async () => {
    const { repo, scenario } = pullRequest("acme/app", ["alice", "octocat"]);
    const github = await api(githubPullRequestApi(scenario));
    const env = cleanEnv({ GITHUB_API_URL: github.url, GITHUB_REPOSITORY: "acme/app", GITHUB_TOKEN: "ghp_test" });
    const failed = await runReleaseCli(["signoff", "--pull-request", "12", "--format", "text"], { cwd: repo.dir, env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("octocat (author: nobody approves their own change)");
    const none = await runReleaseCli(["signoff", "--format", "text"], { cwd: repo.dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("No review to count: the run has no pull or merge request");
  });

  it("a bad flag value is the user's mistake: exit 2, naming the flag", async () => {
    const { repo } = pullRequest("acme/app");
    const result = await runReleaseCli(["signoff", "--stale-after", "sometimes"], { cwd: repo.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--stale-after");
  });
});

describe("signoff-gate action bundle", () => {
  for (const [label, node] of [
    ["Node 20", process.execPath],
    ["Node 24", node24],
  ] as const) {
    it(`on pull_request: outputs, the reviewers table, and one commit status on the head (${label})`, async () => {
      const { repo, scenario, c2, m1 } = pullRequest("acme/service");
      const github = await api(githubPullRequestApi(scenario));
      const event = {
        pull_request: {
          number: 12,
          base: { sha: m1, ref: "main", repo: { full_name: "acme/service" } },
          head: { sha: c2, repo: { full_name: "acme/service" } },
        },
      };
      const run = await runBundledAction("signoff-gate", {
        node,
        workspace: repo.dir,
        event,
        eventName: "pull_request",
        inputs: { comment: "false" },
        apiUrl: github.url,
        sha: c2,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.outputs).toMatchObject({ status: "pass", approvals: "2", missing: "" });
      expect(run.summary).toContain("### Reviewers of acme/service#12");
      expect(run.summary).toContain("| alice | approved | 2026-11-20 11:00 | write | ✅ counted |");
      const statuses = github.requests.filter((request) => request.method === "POST");
      expect(statuses).toHaveLength(1);
      expect(statuses[0]).toMatchObject({ path: `/repos/acme/service/statuses/${c2}`, body: { state: "success", context: "release-gates/signoff" } });
    });
  }
});

describe.skipIf(skipWithout("rsync"))("signoff-gate GitLab component", () => {
  it("reads a merge request's approvals with RELEASE_GATES_GITLAB_TOKEN through gitlab-ci-local, and keeps the report", async () => {
    const { repo, c2 } = pullRequest("acme/service");
    const gitlab = await api(
      gitlabMergeRequestApi({
        projectId: "42",
        iid: 5,
        author: "octocat",
        headSha: c2,
        commits: [{ sha: c2, at: hoursIn(14) }],
        changed: ["src/app.ts"],
        approvals: [
          { user: "alice", id: 4, at: hoursIn(15) },
          { user: "bob", id: 5, at: hoursIn(16) },
        ],
        members: { 4: 30, 5: 40 },
      }),
    );
    const { cliPackage } = await asGitLabProject(repo);
    repo.write({
      ".gitignore": ".gitlab-ci-local/\n.pack/\nrelease-gates/\n",
      // GitLab looks for CODEOWNERS at the root, docs/ and .gitlab/: this project keeps GitHub's location.
      "release-gates.yml": 'version: 1\ngates:\n  signoff:\n    codeowners: { path: .github/CODEOWNERS }\n    teams: { "@acme/reviewers": [alice, bob] }\n',
      ".gitlab-ci.yml": stringify({
        stages: ["test"],
        include: [{ component: `${COMPONENT_PROJECT}/signoff-gate@${COMPONENT_VERSION}`, inputs: { "cli-package": cliPackage } }],
      }),
    });
    repo.commit("pipeline");
    const result = await runGitLabPipeline(repo, {
      CI_API_V4_URL: `${gitlab.url}/api/v4`,
      CI_PROJECT_ID: "42",
      CI_MERGE_REQUEST_IID: "5",
      RELEASE_GATES_GITLAB_TOKEN: "glpat-test",
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(jobLog(repo, "signoff-gate")).toMatch(/^PASS +reviews\.approvals +2 approvals/m);
    expect(jobLog(repo, "signoff-gate")).toContain("the Free tier");
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, ".gitlab-ci-local/artifacts/signoff-gate/release-gates/signoff-report.json"), "utf8")));
  });
});
