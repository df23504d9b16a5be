/** @release-gates/core/signoff: the sign-off gate's settings, descriptor, readers and decision. */
export {
  CODEOWNERS_LOCATIONS,
  type Codeowners,
  type CodeownersSyntax,
  codeownersSyntaxOf,
  ownersOf,
  parseCodeowners,
  platformCodeownersFindings,
} from "./codeowners.js";
export { type EntryAuthorship, evaluateSignoff, type SignoffDetails, type SignoffEvaluation, type SignoffInputs, type TeamMembers } from "./evaluate.js";
export { type SignoffExtra, signoffGate } from "./gate.js";
export { type ChecklistHistory, type ChecklistItem, parseChecklist, parseSignoffFile, type SignoffRecord, whoTicked } from "./records.js";
export {
  type GitLabApprovalRule,
  parseGitHubCodeownersErrors,
  parseGitHubDescriptionEdits,
  parseGitHubPermission,
  parseGitHubPullCommits,
  parseGitHubPullRequest,
  parseGitHubReviews,
  parseGitHubTeamMembers,
  parseGitLabApprovalState,
  parseGitLabApprovals,
  parseGitLabChecklistNotes,
  parseGitLabMemberPermission,
  parseGitLabMergeRequest,
} from "./responses.js";
export { diffContentId, type Permission, type PullRequestCommit, type ReviewEvent, type ReviewFacts, reduceReviews } from "./reviews.js";
export { isTeam, SignoffSettings } from "./settings.js";
