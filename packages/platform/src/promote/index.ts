/** @release-gates/platform/promote: the deployment history (ledger, GitHub, GitLab), Prometheus, and the promotion from files to decision. */

export { type DeploymentHistory, GitHubDeploymentHistory, GitLabDeploymentHistory, LedgerHistory } from "./history.js";
export { fillTemplate, measureCanary, measureSoakHealth, type PrometheusResourceQuery, queryResourceSamples, type SoakHealth } from "./prometheus.js";
export { type PromoteFrontEnd, promoteRequest } from "./request.js";
export { gatherPromoteContext, observe, type PromoteContext, type PromoteRequest, runPlan, runPromote } from "./run.js";
