import type { GateRenderers } from "../kit/descriptor.js";
import { renderBlockingFindings } from "../render/text.js";
import type { SecurityExtra } from "./gate.js";
import { renderDependencyScanningReport, renderSecretDetectionReport } from "./gitlab.js";
import { securityMarkdownSections } from "./render.js";
import { renderSecuritySarif } from "./sarif.js";
import { renderRiskRegisterVex } from "./vex.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const securityRenderers: GateRenderers<SecurityExtra> = {
  markdownSections: (report) => securityMarkdownSections(report),
  terminal: (report) => renderBlockingFindings(report.predicate.findings),
  // GitLab's reports are written only for the parts that ran: an empty report would tell GitLab a scan found nothing.
  documents: {
    "sarif-out": (report) => json(renderSecuritySarif(report)),
    "vex-out": (_report, extra) => json(renderRiskRegisterVex(extra.register, extra.decidedAt)),
    "dependency-scanning-out": (report, extra) => (extra.dependencies ? json(renderDependencyScanningReport(report)) : undefined),
    "secret-detection-out": (report, extra) => (extra.secrets ? json(renderSecretDetectionReport(report)) : undefined),
  },
};
