import { resolve } from "node:path";
import { ConfigurationError, type FrontEnd, optionLabel } from "@release-gates/core";
import { decisionTime, parseRecordedAnalysis } from "@release-gates/core/promote";
import { GitHubClient } from "../github/client.js";
import { GitLabClient } from "../gitlab/client.js";
import { projectInput, readTextFile } from "../local/files.js";
import { type DeploymentHistory, GitHubDeploymentHistory, GitLabDeploymentHistory } from "./history.js";
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

/** The history adapter the `history` option names, from the CI platform's variables or the runner's context. */
function deploymentHistory(kind: unknown, at: PromoteFrontEnd): DeploymentHistory | undefined {
  const where = `${optionLabel({ name: "history" }, at.frontEnd)} ${kind}`;
  const { env } = at;
  if (kind === "github") {
    const github = at.github ?? { apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", repository: env.GITHUB_REPOSITORY, token: env.GITHUB_TOKEN };
    if (!github.repository || !github.token) {
      throw new ConfigurationError(
        at.github
          ? "expected a token and GITHUB_REPOSITORY to read and write deployments, found none"
          : "expected GITHUB_REPOSITORY and GITHUB_TOKEN in the environment, found them unset",
        where,
      );
    }
    return new GitHubDeploymentHistory(new GitHubClient(github.apiUrl, github.token), github.repository);
  }
  if (kind === "gitlab") {
    const token = env.RELEASE_GATES_GITLAB_TOKEN ?? env.CI_JOB_TOKEN;
    if (!env.CI_API_V4_URL || !env.CI_PROJECT_ID || !token)
      throw new ConfigurationError("expected CI_API_V4_URL, CI_PROJECT_ID and a token (RELEASE_GATES_GITLAB_TOKEN or CI_JOB_TOKEN), found them unset", where);
    const client = new GitLabClient(env.CI_API_V4_URL, token, env.RELEASE_GATES_GITLAB_TOKEN ? "private-token" : "job-token");
    return new GitLabDeploymentHistory(client, env.CI_PROJECT_ID, env.CI_COMMIT_REF_NAME ?? "main");
  }
  // The ledger: the default, at `ledgerPath`.
  return undefined;
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
    reportsDir: values.reports as string | undefined,
    ledgerPath: values.ledger as string | undefined,
    history: deploymentHistory(values.history ?? "ledger", at),
    recordedAnalysis,
    now: decisionTime(values.now as string | undefined, at.frontEnd),
    frontEnd: at.frontEnd,
  };
}
