import type { GateRenderers } from "../kit/descriptor.js";
import { renderBlockingFindings } from "../render/text.js";
import { plural } from "../report/checks.js";
import type { ObservabilityDetails } from "./evaluate.js";
import type { ObservabilityExtra } from "./gate.js";
import { observabilityMarkdownSections } from "./render.js";

export const observabilityRenderers: GateRenderers<ObservabilityExtra> = {
  markdownSections: observabilityMarkdownSections,
  terminal(report) {
    const details = report.predicate.details as unknown as ObservabilityDetails;
    const counts = details.counts;
    const headline = counts
      ? `${plural(counts.ruleFiles, "rule file")}, ${plural(counts.alerts, "alert")}, ${plural(counts.slos, "SLO")}, ${plural(counts.dashboards, "dashboard")}${details.missing.length ? `; missing: ${details.missing.join(", ")}` : ""}\n`
      : "";
    return headline + renderBlockingFindings(report.predicate.findings);
  },
};
