import { resolve } from "node:path";
import {
  COVERAGE_FORMATS,
  ConfigurationError,
  type CoverageSettings,
  coverageMarkdownSections,
  parseThresholdList,
  renderCobertura,
  renderGitLabCoverageLine,
  renderMarkdown,
  renderText,
} from "@release-gates/core";
import {
  ApiError,
  downloadBranchArtifactFile,
  GitLabClient,
  type GitLabContext,
  readGitLabContext,
  runCoverageGate,
  writeTempReport,
} from "@release-gates/platform";
import { choiceOption, listOption, numberOption, parseCommandLine } from "./args.js";
import { type CommandIo, writeOutput } from "./io.js";

export const COVERAGE_HELP = `Usage: release-gates coverage [options]

Reads coverage reports, decides against the policy and writes the gate report.

Options:
  --report GLOB          coverage report(s); repeat or separate with spaces (default: the policy's, else common locations)
  --report-format F      skip detection: ${COVERAGE_FORMATS.join(", ")}
  --threshold LIST       global thresholds, e.g. lines=80,branches=70 (negative = most uncovered items allowed)
  --patch-threshold N    minimum coverage of the lines the change adds or modifies (default 80)
  --base-ref REF         measure patch coverage against REF's merge base (GitLab MR pipelines: automatic)
  --base-report FILE     coverage report of the base branch, for the drop check
  --base-artifact-job J  GitLab: take the base report from job J's artifacts on the target branch
                         (the MR's target, else the default branch), via the jobs/artifacts API
  --base-artifact-path P the report's path inside those artifacts
  --strip-prefix PATH    remove this prefix from report paths (repeatable)
  --policy FILE          policy file (default: release-gates.yml if present)
  --env NAME             apply this environment's settings from the policy
  --report-out FILE      write the gate report (JSON) here (default: release-gates/coverage-report.json)
  --cobertura-out FILE   also write the merged coverage as Cobertura XML (GitLab coverage_report)
  --summary-out FILE     also write the Markdown summary here
  --format F             what to print: text (default), markdown or json
  --cwd DIR              project directory (default: the current directory)
  -h, --help             this help

Exit codes: 0 pass (or warn), 1 gate failed, 2 bad usage or unreadable input, 3 internal error.
`;

export async function coverageCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandLine(args, {
    report: { type: "string", multiple: true },
    "report-format": { type: "string" },
    threshold: { type: "string" },
    "patch-threshold": { type: "string" },
    "base-ref": { type: "string" },
    "base-report": { type: "string" },
    "base-artifact-job": { type: "string" },
    "base-artifact-path": { type: "string" },
    "strip-prefix": { type: "string", multiple: true },
    policy: { type: "string" },
    env: { type: "string" },
    "report-out": { type: "string" },
    "cobertura-out": { type: "string" },
    "summary-out": { type: "string" },
    format: { type: "string" },
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(COVERAGE_HELP);
    return 0;
  }
  const format = choiceOption(values.format, "--format", ["text", "markdown", "json"] as const, "text");
  const overrides: Partial<CoverageSettings> = {};
  const reports = listOption(values.report);
  if (reports) overrides.reports = reports;
  if (values["report-format"] !== undefined)
    overrides.format = choiceOption(values["report-format"], "--report-format", ["auto", ...COVERAGE_FORMATS] as const, "auto");
  if (typeof values.threshold === "string") overrides.thresholds = { global: parseThresholdList(values.threshold, "--threshold") };
  const patchThreshold = numberOption(values["patch-threshold"], "--patch-threshold", 0, 100);
  if (patchThreshold !== undefined) overrides.patch = { threshold: patchThreshold } as CoverageSettings["patch"];
  if (typeof values["base-report"] === "string") overrides.baseReport = values["base-report"];
  const stripPrefixes = listOption(values["strip-prefix"]);
  if (stripPrefixes) overrides.stripPrefixes = stripPrefixes;

  const cwd = resolve(io.cwd, typeof values.cwd === "string" ? values.cwd : ".");
  const gitlab = readGitLabContext(io.env);
  const baseRef = (values["base-ref"] as string | undefined) ?? gitlab?.mergeRequestDiffBaseSha;
  const baseReportFile =
    typeof values["base-artifact-job"] === "string"
      ? await fetchGitLabBaseReport(values["base-artifact-job"], values["base-artifact-path"], gitlab)
      : undefined;
  const { report, coverage } = await runCoverageGate({
    cwd,
    policyPath: values.policy as string | undefined,
    environment: values.env as string | undefined,
    overrides,
    baseRef,
    baseReportFile,
    subject: { name: gitlab?.projectPath ?? io.env.GITHUB_REPOSITORY, commit: gitlab?.commitSha },
  });

  // Output paths are relative to where the command runs (like any CLI), defaults to the project.
  const reportOut = typeof values["report-out"] === "string" ? resolve(io.cwd, values["report-out"]) : resolve(cwd, "release-gates/coverage-report.json");
  await writeOutput(reportOut, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report, coverageMarkdownSections(report));
  if (typeof values["summary-out"] === "string") await writeOutput(resolve(io.cwd, values["summary-out"]), markdown);
  if (typeof values["cobertura-out"] === "string")
    await writeOutput(resolve(io.cwd, values["cobertura-out"]), renderCobertura(coverage, new Date(report.predicate.finishedAt)));

  if (format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === "markdown") io.stdout(markdown);
  else io.stdout(`${renderText(report)}Report: ${reportOut}\n`);
  // Printed in every format so GitLab's `coverage:` regex always finds it.
  io.stderr(`${renderGitLabCoverageLine(report)}\n`);
  return report.predicate.status === "fail" ? 1 : 0;
}

/** The target branch's report from a job's artifacts, written to a temp file for the gate to read. */
async function fetchGitLabBaseReport(job: string, path: unknown, gitlab: GitLabContext | undefined): Promise<{ path: string; display: string }> {
  if (typeof path !== "string") throw new ConfigurationError("expected the report's path inside the job's artifacts, found none", "--base-artifact-path");
  if (!gitlab?.apiUrl || !gitlab.projectId || !gitlab.jobToken || !gitlab.baseBranch) {
    throw new ConfigurationError(
      "expected a GitLab job (CI_API_V4_URL, CI_PROJECT_ID, CI_JOB_TOKEN and a target or default branch), found none of that in the environment",
      "--base-artifact-job",
    );
  }
  const display = `${path} from job ${job} on ${gitlab.baseBranch}`;
  try {
    const data = await downloadBranchArtifactFile(new GitLabClient(gitlab.apiUrl, gitlab.jobToken), gitlab.projectId, gitlab.baseBranch, job, path);
    return { path: await writeTempReport(data, path), display };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new ConfigurationError(
        `expected ${display} (the latest successful pipeline's artifacts), found none: keep the report as an artifact of ${job} on ${gitlab.baseBranch}`,
        "--base-artifact-job",
      );
    }
    throw error;
  }
}
