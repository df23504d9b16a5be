import { quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import { markdownAnchors } from "./docs.js";
import type { RuleIndex } from "./rule-index.js";
import type { Rule } from "./rules.js";
import type { ObservabilitySettings } from "./settings.js";

/** Suffixes of the series `rate()` and `increase()` are meant for. */
const COUNTER_SUFFIX = /_(total|count|sum|bucket)$/;
const COUNTER_FUNCTIONS = new Set(["rate", "irate", "increase"]);

/** What the gate may know of the repository's files: whether a path exists, and a Markdown file's text for its anchors. */
export interface RepositoryFiles {
  read(path: string): string | undefined;
}

/** A runbook link as the repository's path (and anchor), when it points into the repository. */
function repositoryPath(link: string, rulePath: string, repositoryUrls: readonly string[]): { path: string; anchor?: string } | undefined {
  const [target = "", anchor] = link.split("#", 2);
  for (const base of repositoryUrls) {
    const prefix = base.replace(/\/+$/, "");
    if (!target.startsWith(`${prefix}/`)) continue;
    // GitHub: /blob/<ref>/path or /tree/<ref>/path; GitLab: /-/blob/<ref>/path.
    const match = /^\/(?:-\/)?(?:blob|tree)\/[^/]+\/(.+)$/.exec(target.slice(prefix.length));
    if (match) return { path: decodeURIComponent(match[1] as string), ...(anchor ? { anchor } : {}) };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return undefined;
  // A relative link: from the repository root if it starts with `/`, else from the rule file's folder.
  const folder = rulePath.includes("/") ? rulePath.slice(0, rulePath.lastIndexOf("/")) : "";
  const joined = target.startsWith("/") ? target.slice(1) : folder ? `${folder}/${target}` : target;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return { path: parts.join("/"), ...(anchor ? { anchor } : {}) };
}

export interface HygieneContext {
  settings: ObservabilitySettings["alerts"];
  /** Alerts about an error budget: their `for:` is the short window's job. */
  burnAlerts: ReadonlySet<Rule>;
  /** The repository's web addresses (the policy's, the CI's), so links to it resolve to files. */
  repositoryUrls: readonly string[];
  files: RepositoryFiles;
}

function at(rule: Rule): Finding["location"] {
  return { path: rule.path, ...(rule.line ? { startLine: rule.line } : {}) };
}

/** The runbook link: in the repository (the file, and the anchor among its headings) or under an allowed prefix. */
function runbookFinding(
  alert: Rule,
  context: HygieneContext,
  severity: Finding["severity"],
  anchorsOf: (path: string, text: string) => Set<string>,
): Finding | undefined {
  const name = context.settings.runbookAnnotation;
  const link = alert.annotations[name]?.trim();
  const label = `alert ${quoted(alert.name)}`;
  if (!link)
    return {
      id: "alert-no-runbook",
      severity,
      message: `${label} has no ${name} annotation: link the runbook section that says what to do`,
      location: at(alert),
    };
  if (context.settings.runbookUrlPrefixes.some((prefix) => link.startsWith(prefix))) return undefined;
  if (/\{\{|\$labels|\$value/.test(link))
    return {
      id: "alert-runbook-templated",
      severity: "warning",
      message: `${label}: ${name} ${quoted(link, 200)} is a template the gate cannot resolve to a file`,
      location: at(alert),
    };
  const target = repositoryPath(link, alert.path, context.repositoryUrls);
  if (!target)
    return {
      id: "alert-runbook-outside",
      severity,
      message: `${label}: ${name} ${quoted(link, 200)} is neither a file of this repository nor under an allowed prefix (alerts.runbookUrlPrefixes)`,
      location: at(alert),
    };
  const text = context.files.read(target.path);
  if (text === undefined)
    return {
      id: "alert-runbook-missing",
      severity,
      message: `${label}: ${name} points at ${target.path}, which is not in the repository`,
      location: at(alert),
    };
  const anchors = target.anchor && /\.(md|markdown)$/i.test(target.path) ? anchorsOf(target.path, text) : undefined;
  if (anchors && target.anchor && !anchors.has(target.anchor) && !anchors.has(decodeURIComponent(target.anchor).toLowerCase()))
    return {
      id: "alert-runbook-anchor",
      severity,
      message: `${label}: ${name} points at #${target.anchor}, which is no heading of ${target.path}`,
      location: at(alert),
    };
  return undefined;
}

/**
 * alerts.hygiene: what makes an alert actionable at 3 a.m. — a runbook that
 * exists, a summary and a description, a known severity, `for:` on threshold
 * alerts, no `$value` in labels (each value would be a new alert); `rate()`
 * only on counters; alerts sharing a name told apart by their labels.
 */
export function checkAlertHygiene(index: RuleIndex, context: HygieneContext): Finding[] {
  const settings = context.settings;
  if (settings.severity === "off") return [];
  const severity: Finding["severity"] = settings.severity === "warn" ? "warning" : "error";
  const findings: Finding[] = [];
  // Many alerts link sections of the same runbook: its headings are read once.
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (path: string, text: string) => {
    if (!anchors.has(path)) anchors.set(path, markdownAnchors(text));
    return anchors.get(path) as Set<string>;
  };
  for (const alert of index.alerts) {
    const label = `alert ${quoted(alert.name)}`;
    const runbook = runbookFinding(alert, context, severity, anchorsOf);
    if (runbook) findings.push(runbook);
    const missing = settings.annotations.filter((name) => !alert.annotations[name]?.trim());
    if (missing.length)
      findings.push({
        id: "alert-annotations-missing",
        severity,
        message: `${label} has no ${missing.join(" or ")} annotation: say what broke and for whom`,
        location: at(alert),
      });
    const level = alert.labels.severity;
    if (!level || !settings.severities.includes(level))
      findings.push({
        id: "alert-severity",
        severity,
        message: `${label} has ${level ? `severity ${quoted(level)}` : "no severity label"}; expected one of ${settings.severities.join(", ")} (alerts.severities)`,
        location: at(alert),
      });
    if (settings.requireFor && !context.burnAlerts.has(alert) && !alert.forMs && alert.query.selectors().length > 0)
      findings.push({
        id: "alert-no-for",
        severity,
        message: `${label} fires on the first evaluation over its threshold: add \`for:\` (e.g. 5m) so one bad scrape does not page`,
        location: at(alert),
      });
    const templated = Object.entries(alert.labels).filter(([, value]) => /\$value|\.Value\b/.test(value));
    if (templated.length)
      findings.push({
        id: "alert-value-in-labels",
        severity,
        message: `${label}: label ${templated.map(([name]) => name).join(", ")} holds $value, so every new value is a new alert (move it to an annotation)`,
        location: at(alert),
      });
  }
  for (const rule of [...index.alerts, ...index.records]) {
    const gauges = new Set<string>();
    for (const selector of rule.query.selectors())
      if (
        selector.call &&
        COUNTER_FUNCTIONS.has(selector.call) &&
        selector.metric &&
        !selector.metric.includes(":") &&
        !COUNTER_SUFFIX.test(selector.metric) &&
        !gauges.has(selector.metric)
      ) {
        gauges.add(selector.metric);
        findings.push({
          id: "rate-on-non-counter",
          severity: "warning",
          message: `${rule.kind === "alert" ? "alert" : "recording rule"} ${quoted(rule.name)} applies ${selector.call}() to ${selector.metric}, which is not named as a counter (_total, _count, _sum, _bucket): on a gauge the result is meaningless`,
          location: at(rule),
        });
      }
  }
  const byName = new Map<string, Rule[]>();
  for (const alert of index.alerts) byName.set(alert.name, [...(byName.get(alert.name) ?? []), alert]);
  for (const [name, alerts] of byName) {
    const seen = new Map<string, Rule>();
    for (const alert of alerts) {
      const key = JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b)));
      const first = seen.get(key);
      if (first)
        findings.push({
          id: "alert-duplicate",
          severity,
          message: `alert ${quoted(name)} is defined again with the same labels as at ${first.path}${first.line ? `:${first.line}` : ""}: Alertmanager cannot tell them apart, and one resolves the other (give each its own severity or window labels, or one name each)`,
          location: at(alert),
        });
      else seen.set(key, alert);
    }
  }
  return findings;
}
