import { resolve } from "node:path";
import { ConfigurationError, type FrontEnd, optionLabel } from "@release-gates/core";
import { decisionTime, parseRecordedAnalysis } from "@release-gates/core/promote";
import { GitHubClient } from "../github/client.js";
import { type GitLabClient, gitlabClientFromEnv } from "../gitlab/client.js";
import { projectInput, readTextFile } from "../local/files.js";
import { type DeploymentHistory, GitHubDeploymentHistory, GitLabDeploymentHistory } from "./history.js";
import { DirectoryReports, type GateReportSource, GitHubArtifactReports, GitLabArtifactReports } from "./reports.js";
import type { PromoteRequest } from "./run.js";

/** Where promote runs: the front end (for the names in messages), its directory and environment, and what a GitHub runner knows. */
export interface PromoteFrontEnd {
  frontEnd: FrontEnd;
  /** Where relative paths start (the working directory option is relative to it). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The runner's context and the action's token; the CLI reads GITHUB_* variables instead. */
  github?: { apiUrl: string; repository: string | undefined; token: string | undefined; commit: string | undefined };
}

/** GitHub's client and repository, from the action's context or, on the command line, GITHUB_* variables. */
function githubAccess(at: PromoteFrontEnd, where: string, needs: string): { client: GitHubClient; repository: string } {
  const { env } = at;
  const github = at.github ?? { apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", repository: env.GITHUB_REPOSITORY, token: env.GITHUB_TOKEN };
  if (!github.repository || !github.token) {
    throw new ConfigurationError(
      at.github
        ? `expected a token and GITHUB_REPOSITORY to ${needs}, found none`
        : "expected GITHUB_REPOSITORY and GITHUB_TOKEN in the environment, found them unset",
      where,
    );
  }
  return { client: new GitHubClient(github.apiUrl, github.token), repository: github.repository };
}

/** GitLab's client and project from the CI_* variables; RELEASE_GATES_GITLAB_TOKEN (a project access token) wins over CI_JOB_TOKEN. */
function gitlabAccess(env: NodeJS.ProcessEnv, where: string): { client: GitLabClient; projectId: string } {
  const client = env.CI_API_V4_URL ? gitlabClientFromEnv(env.CI_API_V4_URL, env) : undefined;
  if (!client || !env.CI_PROJECT_ID)
    throw new ConfigurationError("expected CI_API_V4_URL, CI_PROJECT_ID and a token (RELEASE_GATES_GITLAB_TOKEN or CI_JOB_TOKEN), found them unset", where);
  return { client, projectId: env.CI_PROJECT_ID };
}

/** The history adapter the `history` option names; undefined is the ledger (at `ledgerPath`). */
function deploymentHistory(kind: unknown, at: PromoteFrontEnd): DeploymentHistory | undefined {
  const where = `${optionLabel({ name: "history" }, at.frontEnd)} ${kind}`;
  if (kind === "github") {
    const { client, repository } = githubAccess(at, where, "read and write deployments");
    return new GitHubDeploymentHistory(client, repository);
  }
  if (kind === "gitlab") {
    const { client, projectId } = gitlabAccess(at.env, where);
    return new GitLabDeploymentHistory(client, projectId, at.env.CI_COMMIT_REF_NAME ?? "main");
  }
  return undefined;
}

/** Artifact names (GitHub) and job names (GitLab) whose artifacts hold reports, unless `report-artifacts` says otherwise. */
export const DEFAULT_REPORT_ARTIFACTS = { github: "*-report", gitlab: "*-gate" } as const;

/** Where the reports are read from, as the `reports-from` option names it. */
function reportSource(values: Record<string, unknown>, cwd: string, at: PromoteFrontEnd): GateReportSource {
  const kind = (values["reports-from"] as string | undefined) ?? "directory";
  const where = `${optionLabel({ name: "reports-from" }, at.frontEnd)} ${kind}`;
  const pattern = values["report-artifacts"] as string | undefined;
  if (kind === "github") {
    const { client, repository } = githubAccess(at, where, "read the workflow runs' artifacts");
    return new GitHubArtifactReports(client, repository, pattern ?? DEFAULT_REPORT_ARTIFACTS.github);
  }
  if (kind === "gitlab") {
    const { client, projectId } = gitlabAccess(at.env, where);
    return new GitLabArtifactReports(client, projectId, pattern ?? DEFAULT_REPORT_ARTIFACTS.gitlab);
  }
  return new DirectoryReports(cwd, (values.reports as string | undefined) ?? "release-gates");
}

/** What promote and plan both read, from the options as any front end gave them. */
export async function promoteRequest(values: Record<string, unknown>, at: PromoteFrontEnd): Promise<PromoteRequest> {
  const cwd = resolve(at.cwd, (values["working-directory"] as string | undefined) ?? ".");
  const analysis = values.analysis as string | undefined;
  const recordedAnalysis = analysis
    ? parseRecordedAnalysis((await readTextFile(projectInput(cwd, analysis).path, analysis, "recorded canary measurements (JSON)")).text, analysis)
    : undefined;
  return {
    cwd,
    policyPath: values.policy as string | undefined,
    commit: (values.commit as string | undefined) ?? at.github?.commit,
    reports: reportSource(values, cwd, at),
    ledgerPath: values.ledger as string | undefined,
    history: deploymentHistory(values.history ?? "ledger", at),
    recordedAnalysis,
    now: decisionTime(values.now as string | undefined, at.frontEnd),
    frontEnd: at.frontEnd,
  };
}
