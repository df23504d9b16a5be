/** @release-gates/platform/gitlab: the job's context and the REST client (job artifacts). */

export { downloadBranchArtifactFile, fetchBranchArtifactReport, GitLabClient } from "./client.js";
export { type GitLabContext, readGitLabContext } from "./context.js";
