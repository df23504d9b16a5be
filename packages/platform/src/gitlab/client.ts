import { RestClient } from "../http/rest.js";

/**
 * The GitLab REST API (CI_API_V4_URL), authenticated as the running job
 * (`job-token`, enough to read) or with a project access token
 * (`private-token`, needed to create deployments).
 */
export class GitLabClient extends RestClient {
  constructor(apiUrl: string, token: string, kind: "job-token" | "private-token" = "job-token", retryDelayMs?: number) {
    super("GitLab", apiUrl, { [kind]: token }, retryDelayMs);
  }
}

/** Artifacts are reports, not builds: anything bigger is a mistake. */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

/**
 * One file from the latest successful pipeline of `ref` (GitLab's "download a
 * single artifact file by reference name" endpoint), e.g. the target
 * branch's coverage report for the drop check.
 */
export async function downloadBranchArtifactFile(client: GitLabClient, projectId: string, ref: string, job: string, path: string): Promise<Buffer> {
  const file = path.replace(/^\.\//, "").split("/").map(encodeURIComponent).join("/");
  return client.download(
    `/projects/${encodeURIComponent(projectId)}/jobs/artifacts/${encodeURIComponent(ref)}/raw/${file}?job=${encodeURIComponent(job)}`,
    MAX_ARTIFACT_BYTES,
  );
}
