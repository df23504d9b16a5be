import type { GateRenderers } from "../kit/descriptor.js";
import type { CoverageExtra } from "./gate.js";
import { coverageMarkdownSections, renderCobertura, renderGitLabCoverageLine } from "./render.js";

export const coverageRenderers: GateRenderers<CoverageExtra> = {
  markdownSections: coverageMarkdownSections,
  // Printed in every output format so GitLab's `coverage:` regex always finds it.
  logLine: renderGitLabCoverageLine,
  documents: {
    "cobertura-out": (report, extra) => renderCobertura(extra.coverage, new Date(report.predicate.finishedAt)),
  },
};
