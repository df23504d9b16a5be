import type { GateRenderers } from "../kit/descriptor.js";
import { escapeCell, fileReference, type RenderLinks, section, table } from "../render/markdown.js";
import { renderBlockingFindings } from "../render/text.js";
import type { GateReport } from "../report/schema.js";
import type { SignoffDetails } from "./evaluate.js";
import type { SignoffExtra } from "./gate.js";

const details = (report: GateReport) => report.predicate.details as unknown as Partial<SignoffDetails>;

/** Every reviewer with a standing opinion: counted, or why not. */
function reviewersSection(report: GateReport): string[] {
  const reviewers = details(report).reviewers ?? [];
  if (reviewers.length === 0) return [];
  const rows = reviewers.map(
    (reviewer) =>
      `| ${escapeCell(reviewer.user)} | ${reviewer.opinion} | ${reviewer.at?.slice(0, 16).replace("T", " ") ?? "—"} | ${reviewer.permission ?? "—"} | ${reviewer.counted ? "✅ counted" : `❌ ${escapeCell(reviewer.ignored ?? "")}${reviewer.detail ? `: ${escapeCell(reviewer.detail)}` : ""}`} |`,
  );
  return [
    section(
      `Reviewers of ${escapeCell(details(report).reference ?? "the change")}`,
      table(["Reviewer", "Opinion", "Given", "Permission", "Counts"], rows),
      rows.length,
    ),
  ];
}

/** Each requirement (code owner rule, path rule, GitLab rule, sign-off) and who met it. */
function requirementsSection(report: GateReport): string[] {
  const requirements = details(report).requirements ?? [];
  if (requirements.length === 0) return [];
  const rows = requirements.map(
    (requirement) =>
      `| ${requirement.met ? "✅" : "❌"} | ${requirement.kind} | ${escapeCell(requirement.name)} | ${requirement.by.length} of ${requirement.needed} | ${escapeCell(requirement.by.join(", ") || "—")} | ${escapeCell(requirement.paths ? requirement.paths.slice(0, 5).join(", ") + (requirement.paths.length > 5 ? ` and ${requirement.paths.length - 5} more` : "") : "—")} |`,
  );
  return [section("Requirements", table(["", "Kind", "Requirement", "Met", "By", "Paths"], rows), rows.length)];
}

/** Sign-off entries that did not count, at their line. */
function rejectedSection(report: GateReport, links: RenderLinks | undefined): string[] {
  const rejected = details(report).rejectedSignoffs ?? [];
  if (rejected.length === 0) return [];
  const file = report.predicate.inputs.find((input) => input.format === "signoffs")?.path;
  const rows = rejected.map(
    (entry) =>
      `| ${file ? fileReference(file, entry.line, links) : `line ${entry.line}`} | ${escapeCell(entry.item ? `${entry.role}: ${entry.item}` : entry.role)} | ${escapeCell(entry.person)} | ${escapeCell(entry.why)} |`,
  );
  return [section("Sign-offs that did not count", table(["Entry", "Sign-off", "Person", "Why"], rows), rows.length)];
}

export const signoffRenderers: GateRenderers<SignoffExtra> = {
  markdownSections: (report, links) => [...reviewersSection(report), ...requirementsSection(report), ...rejectedSection(report, links)],
  terminal(report) {
    const found = details(report);
    const headline = found.approvals
      ? `${found.reference ?? "no pull or merge request"}: ${found.approvals.counted} of ${found.approvals.required} approvals counted${found.requirements?.length ? `, ${found.requirements.filter((requirement) => requirement.met).length} of ${found.requirements.length} requirements met` : ""}\n`
      : "";
    return headline + renderBlockingFindings(report.predicate.findings);
  },
};
