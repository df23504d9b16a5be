/** @release-gates/platform/security: the security gate's parts that read the project (audits, secrets, the generated SBOM). */
export { checkReviewEvidence, type ReviewEvidence } from "./audits.js";
export { generateNpmSbom } from "./sbom.js";
export { checkSecrets } from "./secrets.js";
