import { formatInstant } from "../durations.js";
import { escapeCell, fileReference, type RenderLinks, section, table } from "../render/markdown.js";
import type { GateReport } from "../report/schema.js";
import type { WindowVerdict } from "./burn.js";
import type { ObservabilityDetails } from "./evaluate.js";
import { formatPromDuration } from "./promql.js";

const details = (report: GateReport) => report.predicate.details as unknown as Partial<ObservabilityDetails>;
const mark = (yes: boolean) => (yes ? "✅" : "❌");
const WINDOW_ICON: Record<WindowVerdict["status"], string> = { ok: "✅", "long-only": "⚠️", mismatch: "❌", missing: "❌" };

/** Each SLO with its objective and the burn-rate windows its alerts cover. */
function slosSection(report: GateReport, links: RenderLinks | undefined): string[] {
  const slos = details(report).slos ?? [];
  if (slos.length === 0) return [];
  const rows = slos.map((slo) => {
    const windows = slo.windows
      .map(
        (window) =>
          `${WINDOW_ICON[window.status]} ${window.severity} ${formatPromDuration(window.longMs)}/${formatPromDuration(window.shortMs)} ×${Number(window.factor.toPrecision(4))}`,
      )
      .join("<br>");
    const alerts = slo.alerts.map((alert) => `\`${escapeCell(alert.name)}\` (${alert.link})`).join(", ") || "none";
    return `| ${escapeCell(slo.service ? `${slo.service} / ${slo.name}` : slo.name)} | ${Number((slo.objective * 100).toPrecision(6))} % over ${formatPromDuration(slo.periodMs)} | ${fileReference(slo.path, undefined, links)} | ${alerts} | ${windows || "—"} |`;
  });
  return [section(`SLOs and their burn-rate alerts (${slos.length})`, table(["SLO", "Objective", "Spec", "Alerts (linked by)", "Windows"], rows), rows.length)];
}

/** The RED matrix: per request metric family, where it is recorded, alerted, measured and shown. */
function redSection(report: GateReport): string[] {
  const rows = details(report).red ?? [];
  if (rows.length === 0) return [];
  const panels = (list: string[]) => (list.length ? `✅ ${list.length}` : "❌");
  const lines = rows.map(
    (row) =>
      `| \`${escapeCell(row.metric)}\` | ${mark(row.recorded)} | ${mark(row.alerted)} | ${mark(row.slo)} | ${panels(row.rate)} | ${panels(row.errors)} | ${panels(row.duration)} |`,
  );
  const body = `${table(["Request metric", "Recorded", "Alerted", "SLO", "Rate panels", "Error panels", "Duration panels"], lines)}\n\nRecorded: a recording rule reads it. Alerted: an alert reads it, directly or through recorded series. SLO: an SLO's indicator reads it.`;
  return [section("RED matrix", body, lines.length)];
}

/** The runbook, rollback procedure and incident plan: where, whose, how fresh. */
function docsSection(report: GateReport, links: RenderLinks | undefined): string[] {
  const docs = details(report).docs ?? [];
  if (docs.length === 0) return [];
  const rows = docs.map(
    (doc) =>
      `| ${doc.kind} | ${doc.path ? fileReference(doc.path, undefined, links) : "❌ missing"} | ${escapeCell(doc.owner ?? "—")} | ${doc.reviewedMs !== undefined ? formatInstant(doc.reviewedMs).slice(0, 10) : "—"} | ${doc.missingSections.length ? `❌ ${escapeCell(doc.missingSections.map((name) => name.split("|")[0]).join(", "))}` : "✅"} | ${mark(doc.fresh)} |`,
  );
  return [section("Documents", table(["Document", "File", "Owner", "Last reviewed", "Sections", "Fresh"], rows), rows.length)];
}

/** Which checks were proven from the repository and which against the running systems. */
function verificationSection(report: GateReport): string[] {
  const verification = details(report).verification ?? {};
  const live = Object.entries(verification)
    .filter(([, how]) => how === "live")
    .map(([id]) => `\`${id}\``);
  const statics = Object.entries(verification)
    .filter(([, how]) => how === "static")
    .map(([id]) => `\`${id}\``);
  if (live.length === 0 && statics.length === 0) return [];
  const lines = [
    `- Verified live: ${live.length ? live.join(", ") : "nothing (give prometheus-url / grafana-url to check what is deployed)"}`,
    `- Verified statically, from the repository: ${statics.join(", ") || "nothing"}`,
  ];
  return [section("Verified", lines.join("\n"), lines.length)];
}

/** The observability gate's sections of the summary. */
export function observabilityMarkdownSections(report: GateReport, links?: RenderLinks): string[] {
  return [...slosSection(report, links), ...redSection(report), ...docsSection(report, links), ...verificationSection(report)];
}
