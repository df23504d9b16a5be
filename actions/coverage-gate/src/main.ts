import { resolve } from "node:path";
import * as core from "@actions/core";
import {
  type ChangedLines,
  COVERAGE_FORMATS,
  ConfigurationError,
  type CoverageDetails,
  type CoverageSettings,
  coverageMarkdownSections,
  METRICS,
  parseThresholdList,
  renderMarkdown,
} from "@release-gates/core";
import {
  downloadBaseArtifact,
  GitHubClient,
  publishGateResult,
  pullRequestChanges,
  readGitHubContext,
  runCoverageGate,
  runGateAction,
  writeTempReport,
} from "@release-gates/platform";

const GATE = "coverage-gate";

function readOverrides(): Partial<CoverageSettings> {
  const overrides: Partial<CoverageSettings> = {};
  const reports = core.getMultilineInput("report");
  if (reports.length > 0) overrides.reports = reports;
  const format = core.getInput("report-format");
  if (format) {
    if (!(COVERAGE_FORMATS as readonly string[]).includes(format))
      throw new ConfigurationError(`expected one of ${COVERAGE_FORMATS.join(", ")}, found ${JSON.stringify(format)}`, "input report-format");
    overrides.format = format as CoverageSettings["format"];
  }
  const threshold = core.getInput("threshold");
  if (threshold) overrides.thresholds = { global: parseThresholdList(threshold, "input threshold") };
  const patch = core.getInput("patch-threshold");
  if (patch) {
    const value = Number(patch);
    if (!Number.isFinite(value) || value < 0 || value > 100)
      throw new ConfigurationError(`expected a percentage from 0 to 100, found ${JSON.stringify(patch)}`, "input patch-threshold");
    overrides.patch = { threshold: value } as CoverageSettings["patch"];
  }
  const baseReport = core.getInput("base-report");
  if (baseReport) overrides.baseReport = baseReport;
  const strip = core.getMultilineInput("strip-prefix");
  if (strip.length > 0) overrides.stripPrefixes = strip;
  return overrides;
}

/** Gathers the run's inputs, lets the gate decide, and publishes what it decided. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runGateAction(GATE, async () => {
    const cwd = resolve(core.getInput("working-directory") || ".");
    const context = readGitHubContext(env);
    const token = core.getInput("github-token");
    const client = token ? new GitHubClient(context.apiUrl, token) : undefined;

    let changes: ChangedLines | undefined;
    let changesBase: string | undefined;
    const baseRef = core.getInput("base-ref");
    if (!baseRef && context.pullRequest) {
      const found = await pullRequestChanges(context.pullRequest, cwd, client, context.repository);
      changes = found.changes;
      changesBase = context.pullRequest.baseRef;
      core.info(`Changed lines of pull request #${context.pullRequest.number} read from ${found.via === "git" ? "the local clone" : "the GitHub API"}.`);
    }

    let baseReportFile: { path: string; display: string } | undefined;
    const baseArtifact = core.getInput("base-artifact");
    if (baseArtifact) {
      const branch = context.pullRequest?.baseRef ?? context.defaultBranch;
      if (!client || !context.repository || !branch) {
        throw new ConfigurationError(
          "expected a token, the repository and a base branch to fetch the artifact from, found the run's context incomplete",
          "input base-artifact",
        );
      }
      const artifact = await downloadBaseArtifact(client, context.repository, branch, baseArtifact, core.getInput("base-artifact-path") || undefined);
      baseReportFile = { path: await writeTempReport(artifact.data, artifact.source), display: artifact.source };
      core.info(`Base coverage report: ${artifact.source} (commit ${artifact.commit.slice(0, 12)} on ${branch}).`);
    }

    const { report } = await runCoverageGate({
      cwd,
      policyPath: core.getInput("policy") || undefined,
      environment: core.getInput("environment") || undefined,
      overrides: readOverrides(),
      baseRef: baseRef || undefined,
      changes,
      changesBase,
      baseReportFile,
      subject: { name: context.repository, commit: context.sha },
    });

    const details = report.predicate.details as unknown as CoverageDetails;
    await publishGateResult({
      gate: GATE,
      title: "Coverage gate",
      report,
      markdown: renderMarkdown(report, coverageMarkdownSections(report)),
      reportPath: resolve(cwd, core.getInput("report-out") || "release-gates/coverage-report.json"),
      outputs: { ...Object.fromEntries(METRICS.map((metric) => [metric, details.totals?.[metric].pct])), "patch-coverage": details.patch?.pct },
      context,
      client,
      comment: core.getBooleanInput("comment"),
    });
  });
}
