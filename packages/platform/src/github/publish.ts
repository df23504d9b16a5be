import * as core from "@actions/core";
import { effectiveStatus, type Finding, type GateReport, selectAnnotations } from "@release-gates/core";
import { ApiError } from "../http/rest.js";
import { writeReportFile } from "../kit/outputs.js";
import type { GitHubClient } from "./client.js";
import { upsertPullRequestComment } from "./comment.js";
import type { GitHubContext } from "./context.js";

/**
 * Annotations through the real @actions/core, capped to GitHub's 10 per level
 * per step; what did not fit is counted in one notice instead of dropped silently.
 */
export function publishAnnotations(findings: readonly Finding[], title: string): number {
  const { selected, omitted } = selectAnnotations(findings);
  for (const finding of selected) {
    const properties = { title, file: finding.location?.path, startLine: finding.location?.startLine, endLine: finding.location?.endLine };
    if (finding.severity === "error") core.error(finding.message, properties);
    else if (finding.severity === "warning") core.warning(finding.message, properties);
    else core.notice(finding.message, properties);
  }
  const hidden = omitted.error + omitted.warning + omitted.notice;
  if (hidden > 0) core.info(`${hidden} more findings were not annotated (GitHub shows 10 per level per step): see the job summary and the report file.`);
  return selected.length;
}

/** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
export async function publishSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(markdown, true).write();
}

export interface GateResultPublication {
  /** `coverage-gate`, `perf-gate`…: names the PR comment. */
  gate: string;
  /** Annotation title. */
  title: string;
  report: GateReport;
  markdown: string;
  reportPath: string;
  /** Gate-specific step outputs; `status` and `report-path` are always set. */
  outputs: Record<string, string | number | null | undefined>;
  context: GitHubContext;
  client: GitHubClient | undefined;
  comment: boolean;
}

/**
 * Everything an action leaves behind, the same for every gate: the report
 * file, step outputs, annotations, one PR comment kept up to date (a refused
 * comment is a warning and a note in the summary, never a failure), the job
 * summary, and a failed step when the gate failed.
 */
export async function publishGateResult(publication: GateResultPublication): Promise<void> {
  const { report, context, client } = publication;
  await writeReportFile(publication.reportPath, report);
  core.setOutput("status", report.predicate.status);
  for (const [name, value] of Object.entries(publication.outputs)) core.setOutput(name, value ?? "");
  core.setOutput("report-path", publication.reportPath);

  publishAnnotations(report.predicate.findings, publication.title);
  let note = "";
  if (publication.comment && context.pullRequest && client && context.repository) {
    try {
      const action = await upsertPullRequestComment(client, context.repository, context.pullRequest.number, publication.gate, publication.markdown);
      core.info(`Pull request comment ${action}.`);
    } catch (error) {
      const why =
        error instanceof ApiError && error.isPermissionProblem
          ? context.pullRequest.fromFork
            ? "pull requests from forks get a read-only token"
            : "the token lacks pull-requests: write"
          : `the GitHub API could not be reached: ${(error as Error).message}`;
      note = `\n> The summary could not be posted as a pull request comment (${why}); it is shown here instead.\n`;
      core.warning(
        `Could not comment on pull request #${context.pullRequest.number}: ${why}${error instanceof ApiError ? ` (${error.status})` : ""}. The job summary has the result.`,
      );
    }
  }
  await publishSummary(publication.markdown + note);
  if (report.predicate.status === "fail") {
    // The headline, then each failing check's reason on its own line (the annotation shows the line breaks).
    const failing = report.predicate.checks.filter((check) => effectiveStatus(check) === "fail").map((check) => `- ${check.message}`);
    core.setFailed([report.predicate.summary, ...failing].join("\n"));
  }
}
