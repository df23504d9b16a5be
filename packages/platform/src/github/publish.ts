import * as core from "@actions/core";
import { type Finding, selectAnnotations } from "@release-gates/core";

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
