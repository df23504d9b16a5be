import type { Finding } from "../report/schema.js";

/** GitHub shows at most 10 annotations of each level per step (50 per job). */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationSelection {
  selected: Finding[];
  /** Findings with a location that did not fit, per level. */
  omitted: Record<Finding["severity"], number>;
}

const span = (finding: Finding) => (finding.location?.endLine ?? finding.location?.startLine ?? 0) - (finding.location?.startLine ?? 0);

/**
 * Picks the findings worth an annotation: located ones only, errors first,
 * then the widest ranges (the biggest untested blocks), at most `perLevel`
 * of each level, so the ones shown are the ones that matter.
 */
export function selectAnnotations(findings: readonly Finding[], perLevel = ANNOTATIONS_PER_LEVEL): AnnotationSelection {
  const omitted = { error: 0, warning: 0, notice: 0 };
  const selected: Finding[] = [];
  const byLevel = { error: [] as Finding[], warning: [] as Finding[], notice: [] as Finding[] };
  for (const finding of findings) if (finding.location) byLevel[finding.severity].push(finding);
  for (const level of ["error", "warning", "notice"] as const) {
    const ranked = byLevel[level].sort(
      (a, b) =>
        span(b) - span(a) || (a.location?.path ?? "").localeCompare(b.location?.path ?? "") || (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0),
    );
    selected.push(...ranked.slice(0, perLevel));
    omitted[level] = Math.max(0, ranked.length - perLevel);
  }
  return { selected, omitted };
}

const escapeData = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** GitHub workflow commands (`::warning file=…,line=…::message`), one per selected finding. */
export function renderWorkflowCommands(findings: readonly Finding[], title: string): string[] {
  return findings.map((finding) => {
    const properties = [`title=${escapeProperty(title)}`];
    if (finding.location) {
      properties.unshift(`file=${escapeProperty(finding.location.path)}`);
      if (finding.location.startLine) properties.push(`line=${finding.location.startLine}`);
      if (finding.location.endLine) properties.push(`endLine=${finding.location.endLine}`);
    }
    return `::${finding.severity} ${properties.join(",")}::${escapeData(finding.message)}`;
  });
}
