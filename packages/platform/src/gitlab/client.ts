import { ConfigurationError } from "@release-gates/core";
import { ApiError, RestClient, type RestClientOptions } from "../http/rest.js";
import { tempFilePath } from "../local/files.js";
import type { GitLabContext } from "./context.js";

/**
 * The GitLab REST API (CI_API_V4_URL), authenticated as the running job
 * (`job-token`, enough to read) or with a project access token
 * (`private-token`, needed to create deployments).
 */
export class GitLabClient extends RestClient {
  constructor(apiUrl: string, token: string, kind: "job-token" | "private-token" = "job-token", options: RestClientOptions = {}) {
    super("GitLab", apiUrl, { [kind]: token }, { addressSource: "CI_API_V4_URL", ...options });
  }
}

/**
 * A client with the token a job reads GitLab's API with: RELEASE_GATES_GITLAB_TOKEN
 * (a project access token) over the job's own token, each with its header;
 * undefined when there is neither.
 */
export function gitlabClientFromEnv(apiUrl: string, env: NodeJS.ProcessEnv, jobToken = env.CI_JOB_TOKEN): GitLabClient | undefined {
  const token = env.RELEASE_GATES_GITLAB_TOKEN ?? jobToken;
  return token ? new GitLabClient(apiUrl, token, env.RELEASE_GATES_GITLAB_TOKEN ? "private-token" : "job-token") : undefined;
}

/** Artifacts are reports, not builds: anything bigger is a mistake. */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

/**
 * One file from the latest successful pipeline of `ref` (GitLab's "download a
 * single artifact file by reference name" endpoint), e.g. the target
 * branch's coverage report for the drop check.
 */
export async function downloadBranchArtifactFile(
  client: GitLabClient,
  where: { projectId: string; ref: string; job: string; path: string },
  destination: string,
): Promise<void> {
  const file = where.path.replace(/^\.\//, "").split("/").map(encodeURIComponent).join("/");
  await client.downloadToFile(
    `/projects/${encodeURIComponent(where.projectId)}/jobs/artifacts/${encodeURIComponent(where.ref)}/raw/${file}?job=${encodeURIComponent(where.job)}`,
    destination,
    MAX_ARTIFACT_BYTES,
  );
}

/**
 * The target branch's copy of a report from a job's artifacts (the MR's
 * target, else the default branch), written to a temp file for the gate to
 * read like any other report.
 */
export async function fetchBranchArtifactReport(
  context: GitLabContext | undefined,
  artifact: { job: string; path: string | undefined; jobOption: string; pathOption: string },
): Promise<{ path: string; display: string }> {
  const { job, path } = artifact;
  if (!path) throw new ConfigurationError("expected the report's path inside the job's artifacts, found none", artifact.pathOption);
  if (!context?.apiUrl || !context.projectId || !context.jobToken || !context.baseBranch) {
    throw new ConfigurationError(
      "expected a GitLab job (CI_API_V4_URL, CI_PROJECT_ID, CI_JOB_TOKEN and a target or default branch), found none of that in the environment",
      artifact.jobOption,
    );
  }
  const display = `${path} from job ${job} on ${context.baseBranch}`;
  try {
    const destination = await tempFilePath(path);
    const client = new GitLabClient(context.apiUrl, context.jobToken);
    await downloadBranchArtifactFile(client, { projectId: context.projectId, ref: context.baseBranch, job, path }, destination);
    return { path: destination, display };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new ConfigurationError(
        `expected ${display} (the latest successful pipeline's artifacts), found none: keep the report as an artifact of ${job} on ${context.baseBranch}`,
        artifact.jobOption,
      );
    }
    throw error;
  }
}
