/**
 * @release-gates/platform: the run of a gate from files to report (runGate,
 * the policy, git, files), the error classifier and the output writers. The
 * platforms live under @release-gates/platform/github and /gitlab, each gate's
 * pipeline under /gates/<id>, promote's adapters under /promote.
 */

export { type ClassifiedError, classifyError, debugRequested, type ErrorKind } from "./errors.js";
export { loadGateRunner } from "./gates/index.js";
export { ApiError, httpTimeoutMs, RestClient, type RestClientOptions, ServiceUnavailableError } from "./http/rest.js";
export { platformLinks } from "./kit/links.js";
export { shieldWorkflowCommands } from "./kit/log.js";
export { writeGateDocuments, writeOutputFile, writeReportFile } from "./kit/outputs.js";
export {
  type FrontEndRequest,
  frontEndRequest,
  type GateRequest,
  type GateResult,
  type GateRun,
  type GateRunner,
  type Gathered,
  type ReportInput,
  type RunPlatform,
  runGate,
} from "./kit/run-gate.js";
export {
  displayPath,
  expandGlobs,
  listFiles,
  projectDirectory,
  readHead,
  readOptionalTextFile,
  readTextFile,
  streamTextFile,
  tempFilePath,
} from "./local/files.js";
export { changedFilesSince, changedLinesSince, type GitFacts, git, gitFacts, hasCommit, trackedFiles, workTreeAndHead } from "./local/git.js";
export { loadPolicy } from "./local/policy.js";
export { extractZipEntry, forEachZipEntry, type ZipFileEntry, type ZipLimits } from "./local/zip.js";
