export interface GitLabContext {
  projectPath: string | undefined;
  commitSha: string | undefined;
  /** Set in merge request pipelines: the merge base the MR diff is shown against. */
  mergeRequestDiffBaseSha: string | undefined;
  mergeRequestIid: string | undefined;
  /** The branch a merge request targets, else the project's default branch. */
  baseBranch: string | undefined;
  apiUrl: string | undefined;
  projectId: string | undefined;
  jobToken: string | undefined;
}

/**
 * What a GitLab job knows about its pipeline, from the predefined CI_*
 * variables. GITLAB_CI is "true" on GitLab and "false" under gitlab-ci-local:
 * both are GitLab pipelines with the same variables.
 */
export function readGitLabContext(env: NodeJS.ProcessEnv): GitLabContext | undefined {
  if (env.GITLAB_CI === undefined) return undefined;
  return {
    projectPath: env.CI_PROJECT_PATH || undefined,
    commitSha: env.CI_COMMIT_SHA || undefined,
    mergeRequestDiffBaseSha: env.CI_MERGE_REQUEST_DIFF_BASE_SHA || undefined,
    mergeRequestIid: env.CI_MERGE_REQUEST_IID || undefined,
    baseBranch: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || env.CI_DEFAULT_BRANCH || undefined,
    apiUrl: env.CI_API_V4_URL || undefined,
    projectId: env.CI_PROJECT_ID || undefined,
    jobToken: env.CI_JOB_TOKEN || undefined,
  };
}
