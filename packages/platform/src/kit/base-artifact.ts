import { fetchBaseArtifactReport } from "../github/artifacts.js";
import { fetchBranchArtifactReport } from "../gitlab/client.js";
import type { FrontEndRequest, RunPlatform } from "./run-gate.js";

/**
 * The base branch's copy of a report, when the run's options name where it
 * is: a GitHub artifact of the base branch's latest successful run
 * (`base-artifact`), or a GitLab job's artifacts on the target branch
 * (`base-artifact-job`), at `base-artifact-path`. Downloaded to a temp file.
 */
export async function fetchBaseReportFromArtifacts(
  request: FrontEndRequest<unknown>,
  platform: RunPlatform,
  what: string,
): Promise<{ path: string; display: string } | undefined> {
  const path = request.values["base-artifact-path"] as string | undefined;
  if (platform.kind === "github") {
    const artifact = request.values["base-artifact"] as string | undefined;
    return artifact ? fetchBaseArtifactReport(platform, { name: artifact, path, input: "base-artifact", what }) : undefined;
  }
  const job = request.values["base-artifact-job"] as string | undefined;
  if (!job) return undefined;
  return fetchBranchArtifactReport(platform.kind === "gitlab" ? platform.context : undefined, {
    job,
    path,
    jobOption: "--base-artifact-job",
    pathOption: "--base-artifact-path",
  });
}
