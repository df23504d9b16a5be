export interface GitLabContext {
  projectPath: string | undefined;
  commitSha: string | undefined;
  /** Set in merge request pipelines: the merge base the MR diff is shown against. */
  mergeRequestDiffBaseSha: string | undefined;
  mergeRequestIid: string | undefined;
}

/** What a GitLab job knows about its pipeline, from the predefined CI_* variables. */
export function readGitLabContext(env: NodeJS.ProcessEnv): GitLabContext | undefined {
  if (env.GITLAB_CI !== "true") return undefined;
  return {
    projectPath: env.CI_PROJECT_PATH || undefined,
    commitSha: env.CI_COMMIT_SHA || undefined,
    mergeRequestDiffBaseSha: env.CI_MERGE_REQUEST_DIFF_BASE_SHA || undefined,
    mergeRequestIid: env.CI_MERGE_REQUEST_IID || undefined,
  };
}
