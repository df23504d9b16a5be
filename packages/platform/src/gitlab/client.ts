import { RestClient } from "../http/rest.js";

/** The GitLab REST API (CI_API_V4_URL), authenticated as the running job. */
export class GitLabClient extends RestClient {
  constructor(apiUrl: string, jobToken: string, retryDelayMs?: number) {
    super("GitLab", apiUrl, { "job-token": jobToken }, retryDelayMs);
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
