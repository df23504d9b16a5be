import { quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import type { Dashboard, Panel, PanelTarget } from "./dashboards.js";

/** Grafana's time units (Standard options → Unit → Time). */
const TIME_UNITS = new Set(["ns", "µs", "us", "ms", "s", "m", "h", "d", "dtdurationms", "dtdurations", "dthms", "dtdhms", "timeticks", "clockms", "clocks"]);
/** Grafana's data units. */
const BYTE_UNITS = /^(dec)?(bytes|bits|kbytes|mbytes|gbytes|tbytes|pbytes)$|^(bin)?[bB]ps$|^[KMGTP](i)?[bB]s$|^decbytes$/;
/** Datasource references that are not a fixed datasource. */
const NOT_FIXED = /^(\$|-- (Mixed|Grafana|Dashboard) --$|grafana$)/;
const RATE_FUNCTIONS = new Set(["rate", "irate", "increase"]);
/** `$__rate_interval`, or `${__rate_interval}`. */
const RATE_INTERVAL = /^\$\{?__rate_interval\}?$/;

/** What a query returns, for its unit: seconds (a latency), bytes, or something else. */
function resultKind(target: PanelTarget): "seconds" | "bytes" | undefined {
  const selectors = target.query.selectors();
  const functions = target.query.functions();
  const names = new Set(selectors.map((selector) => selector.metric ?? ""));
  const latency = selectors.some(
    (selector) =>
      selector.metric !== undefined &&
      ((selector.metric.endsWith("_seconds_bucket") && functions.includes("histogram_quantile")) ||
        (selector.metric.endsWith("_seconds_sum") && names.has(`${selector.metric.slice(0, -4)}_count`))),
  );
  if (latency) return "seconds";
  if (target.query.dividesSeries()) return undefined;
  const gauges = selectors.filter((selector) => !selector.call || !RATE_FUNCTIONS.has(selector.call));
  if (gauges.length > 0 && gauges.every((selector) => selector.metric?.endsWith("_bytes"))) return "bytes";
  return undefined;
}

/**
 * dashboards.lint: each panel has a title; a latency is shown in a time unit
 * and a size in a data unit; the datasource is a variable, so the dashboard
 * works in every environment; rates use `$__rate_interval`, which stays
 * above four scrape intervals at any zoom.
 */
export function lintDashboards(dashboards: readonly Dashboard[], severity: Finding["severity"]): Finding[] {
  const findings: Finding[] = [];
  // A panel with several queries makes the same point once.
  const said = new Set<string>();
  for (const dashboard of dashboards) {
    const at = { path: dashboard.path };
    const name = (panel: Panel) => (panel.title ? `panel ${quoted(panel.title)}` : `the panel at ${panel.pointer}`);
    const add = (id: string, message: string) => {
      const text = `${quoted(dashboard.title)}: ${message}`;
      if (said.has(`${dashboard.path}\u0000${text}`)) return;
      said.add(`${dashboard.path}\u0000${text}`);
      findings.push({ id, severity, message: text, location: at });
    };
    for (const panel of dashboard.panels) {
      if (panel.targets.length === 0) continue;
      if (!panel.title.trim()) add("panel-no-title", `the panel at ${panel.pointer} has no title`);
      const fixed = [panel.datasource, ...panel.targets.map((target) => target.datasource)].find((ref) => ref !== undefined && !NOT_FIXED.test(ref));
      if (fixed)
        add(
          "panel-fixed-datasource",
          `${name(panel)} is tied to datasource ${quoted(fixed)}: use a datasource variable ($datasource) so the dashboard works in every environment`,
        );
      for (const target of panel.targets) {
        if (target.query.error) {
          add("panel-query-invalid", `${name(panel)}, query ${target.refId ?? ""}: ${target.query.error.message}`);
          continue;
        }
        const kind = resultKind(target);
        if (kind === "seconds" && !TIME_UNITS.has(panel.unit ?? ""))
          add("panel-unit", `${name(panel)} shows a latency in seconds with unit ${panel.unit ? quoted(panel.unit) : "none"}: set the unit to seconds (s)`);
        if (kind === "bytes" && !BYTE_UNITS.test(panel.unit ?? ""))
          add("panel-unit", `${name(panel)} shows bytes with unit ${panel.unit ? quoted(panel.unit) : "none"}: set a data unit (bytes)`);
        for (const selector of target.query.selectors()) {
          if (!selector.call || !RATE_FUNCTIONS.has(selector.call) || selector.range === undefined || RATE_INTERVAL.test(selector.range)) continue;
          if (selector.rangeMs !== undefined || /__interval/.test(selector.range))
            add(
              "panel-rate-interval",
              `${name(panel)} uses ${selector.call}(…[${selector.range}]): use [$__rate_interval], which stays above four scrape intervals at any zoom`,
            );
        }
      }
    }
  }
  return findings;
}
