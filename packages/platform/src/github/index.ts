/** @release-gates/platform/github: the runner's context, the REST client, pull request changes, artifacts, the comment, and the action that runs a gate. */
export { actionInput, logUntrusted, reportingErrors, runGateAction } from "./action.js";
export { type BaseArtifact, downloadBaseArtifact, fetchBaseArtifactReport } from "./artifacts.js";
export { GitHubClient } from "./client.js";
export { commentMarker, upsertPullRequestComment } from "./comment.js";
export { type GitHubContext, type PullRequestContext, readGitHubContext } from "./context.js";
export { type GateResultPublication, publishAnnotations, publishGateResult, publishSummary } from "./publish.js";
export { changedLinesFromApi, pullRequestChanges } from "./pull-request.js";
