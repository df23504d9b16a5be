import { parseDuration } from "../durations.js";
import { quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import type { Comparison, Selector } from "./promql.js";
import { formatPromDuration } from "./promql.js";
import type { RuleIndex } from "./rule-index.js";
import type { Rule } from "./rules.js";
import type { BurnWindowSetting, ObservabilitySettings } from "./settings.js";
import type { BurnWindow, DeclaredWindows, SloSpec } from "./slo.js";

/**
 * The multi-window, multi-burn-rate alerts of the Google SRE workbook
 * (chapter 5): each pair lets a share of the period's error budget burn over
 * its long window, confirmed by a short window a twelfth as long. For a 30-day
 * SLO the burn rates come out as 14.4, 6, 3 and 1.
 */
export const WORKBOOK_WINDOWS: readonly BurnWindowSetting[] = [
  { severity: "page", long: "1h", short: "5m", budgetPercent: 2 },
  { severity: "page", long: "6h", short: "30m", budgetPercent: 5 },
  { severity: "ticket", long: "1d", short: "2h", budgetPercent: 10 },
  { severity: "ticket", long: "3d", short: "6h", budgetPercent: 10 },
];

/** Windows with their burn rates for an SLO period: factor = budget share × period ÷ long window. */
export function windowsForPeriod(settings: readonly BurnWindowSetting[], periodMs: number): BurnWindow[] {
  return settings.map((window) => {
    const longMs = parseDuration(window.long, "slo.windows");
    return {
      severity: window.severity,
      longMs,
      shortMs: parseDuration(window.short, "slo.windows"),
      factor: ((window.budgetPercent / 100) * periodMs) / longMs,
    };
  });
}

/** One burn-rate condition of an alert: a long window confirmed by a short one (or a long window alone), over a threshold. */
export interface BurnCondition {
  longMs: number;
  shortMs?: number;
  /** The long window's threshold, and its two factors when written as a product. */
  threshold: number;
  factors?: readonly [number, number];
  /** The short window's, which must agree. */
  shortThreshold?: number;
  shortFactors?: readonly [number, number];
}

const FIRES_ABOVE = new Set([">", ">="]);

/** The burn-rate conditions of an alert: every `a > t and b > t` over two windows, and any windowed comparison on its own. */
export function burnConditions(alert: Rule, index: RuleIndex): BurnCondition[] {
  const windowOf = (comparison: Comparison) => (FIRES_ABOVE.has(comparison.op) ? index.windowOfSelectors(comparison.selectors) : undefined);
  const conditions: BurnCondition[] = [];
  const paired = new Set<number>();
  for (const { left, right } of alert.query.conjunctions()) {
    const a = left.find((comparison) => windowOf(comparison) !== undefined);
    const b = right.find((comparison) => windowOf(comparison) !== undefined);
    if (!a || !b || paired.has(a.from) || paired.has(b.from)) continue;
    const [windowA, windowB] = [windowOf(a) as number, windowOf(b) as number];
    if (windowA === windowB) continue;
    const [long, short] = windowA > windowB ? [a, b] : [b, a];
    paired.add(a.from).add(b.from);
    conditions.push({
      longMs: Math.max(windowA, windowB),
      shortMs: Math.min(windowA, windowB),
      threshold: long.threshold,
      factors: long.factors,
      shortThreshold: short.threshold,
      shortFactors: short.factors,
    });
  }
  for (const comparison of alert.query.comparisons()) {
    const window = windowOf(comparison);
    if (window !== undefined && !paired.has(comparison.from)) conditions.push({ longMs: window, threshold: comparison.threshold, factors: comparison.factors });
  }
  return conditions;
}

const BURN_METRIC = /burn_?rate|sli_error|error_budget|^slo:/i;

/** Whether an alert is about an error budget: the labels burn alerts carry, the metrics they read, or two windows joined by `and`. */
export function isBurnAlert(alert: Rule, conditions: () => readonly BurnCondition[]): boolean {
  return (
    ("long" in alert.labels && "short" in alert.labels) ||
    "sloth_severity" in alert.labels ||
    alert.query.metrics().some((metric) => BURN_METRIC.test(metric)) ||
    // Only a conjunction can pair windows: most alerts have none, and their conditions are never computed.
    (alert.query.conjunctions().length > 0 && conditions().some((condition) => condition.shortMs !== undefined))
  );
}

/** Whether `found` (an alert's scraped series) is the series `wanted` (an SLI's): same metric, every `=` matcher of the SLI's present. */
function sameSeries(wanted: Selector, found: Selector): boolean {
  if (!wanted.metric || wanted.metric !== found.metric) return false;
  return wanted.matchers
    .filter((matcher) => matcher.op === "=")
    .every((matcher) => found.matchers.some((other) => other.op === "=" && other.label === matcher.label && other.value === matcher.value));
}

/** How an alert is tied to an SLO, for the summary: Sloth's labels, the spec's alert name, or the series both read. */
export type SloLink = "labels" | "name" | "series";

function linkOf(
  slo: SloSpec,
  sli: { series: readonly Selector[]; metrics: ReadonlySet<string> },
  alert: Rule,
  burnShaped: boolean,
  index: RuleIndex,
): SloLink | undefined {
  const sloth = alert.query
    .selectors()
    .some((selector) =>
      selector.matchers.some(
        (matcher) =>
          matcher.op === "=" &&
          ((matcher.label === "sloth_slo" && matcher.value === slo.name) ||
            (matcher.label === "sloth_id" && slo.service !== undefined && matcher.value === `${slo.service}-${slo.name}`)),
      ),
    );
  if (sloth || [alert.labels.slo, alert.labels.sloth_slo, alert.labels.slo_name].includes(slo.name)) return "labels";
  if (!burnShaped) return undefined;
  if (slo.alerting?.name && slo.alerting.name === alert.name) return "name";
  // The metrics first: only an alert reading the SLI's metrics can read its series.
  const metrics = index.baseMetrics(alert.query);
  if (![...sli.metrics].some((metric) => metrics.has(metric))) return undefined;
  const found = index.baseSelectors(alert.query);
  return sli.series.some((selector) => found.some((candidate) => sameSeries(selector, candidate))) ? "series" : undefined;
}

/**
 * The alerts that could link to an SLO, looked up rather than tried one by
 * one: by the Sloth labels and matchers that name it, by the alert name its
 * spec gives, and (for burn-rate alerts) by the metrics under its SLI. A
 * superset of what `linkOf` accepts, so the links are the same.
 */
class LinkCandidates {
  private readonly byKey = new Map<string, Rule[]>();
  private readonly byMetric = new Map<string, Rule[]>();

  constructor(
    private readonly index: RuleIndex,
    burnAlerts: ReadonlySet<Rule>,
  ) {
    for (const alert of index.alerts) {
      const keys = new Set<string>([`name=${alert.name}`]);
      for (const selector of alert.query.selectors())
        for (const matcher of selector.matchers)
          if (matcher.op === "=" && (matcher.label === "sloth_slo" || matcher.label === "sloth_id")) keys.add(`${matcher.label}=${matcher.value}`);
      for (const label of [alert.labels.slo, alert.labels.sloth_slo, alert.labels.slo_name]) if (label !== undefined) keys.add(`slo=${label}`);
      for (const key of keys) this.push(this.byKey, key, alert);
    }
    for (const alert of burnAlerts) this.addBurnAlert(alert);
  }

  private push(map: Map<string, Rule[]>, key: string, alert: Rule): void {
    const list = map.get(key);
    if (list) list.push(alert);
    else map.set(key, [alert]);
  }

  /** An alert that became burn-shaped (linked by its labels) may link to later SLOs by their series. */
  addBurnAlert(alert: Rule): void {
    for (const metric of this.index.baseMetrics(alert.query)) this.push(this.byMetric, metric, alert);
  }

  of(slo: SloSpec, metrics: ReadonlySet<string>): Set<Rule> {
    const keys = [`sloth_slo=${slo.name}`, `slo=${slo.name}`, ...(slo.service !== undefined ? [`sloth_id=${slo.service}-${slo.name}`] : [])];
    if (slo.alerting?.name) keys.push(`name=${slo.alerting.name}`);
    const found = new Set<Rule>();
    for (const key of keys) for (const alert of this.byKey.get(key) ?? []) found.add(alert);
    for (const metric of metrics) for (const alert of this.byMetric.get(metric) ?? []) found.add(alert);
    return found;
  }
}

/** How one expected window pair of an SLO fared against its alerts. */
export interface WindowVerdict {
  severity: string;
  longMs: number;
  shortMs: number;
  factor: number;
  status: "ok" | "missing" | "mismatch" | "long-only";
  /** The alert that covers it, or whose threshold is off. */
  alert?: string;
  /** The threshold the alert uses, when one was found. */
  threshold?: number;
}

export interface SloVerdict {
  name: string;
  service?: string;
  objective: number;
  periodMs: number;
  format: string;
  path: string;
  alerts: { name: string; link: SloLink }[];
  windows: WindowVerdict[];
}

export interface SloAlertsResult {
  slos: SloVerdict[];
  findings: Finding[];
  /** Alerts that burn an error budget, linked to an SLO or not: exempt from the `for:` rule. */
  burnAlerts: Set<Rule>;
}

const close = (measured: number, expected: number, tolerance: number) => Math.abs(measured - expected) <= tolerance * Math.abs(expected);
const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(6))} %`;
const factorText = (factor: number) => `${Number(factor.toPrecision(4))}×`;
const num = (value: number) => Number(value.toPrecision(6));
const pairText = (window: { longMs: number; shortMs?: number }) =>
  window.shortMs === undefined ? formatPromDuration(window.longMs) : `${formatPromDuration(window.longMs)}/${formatPromDuration(window.shortMs)}`;

function locationOf(rule: Rule): Finding["location"] {
  return { path: rule.path, ...(rule.line ? { startLine: rule.line } : {}) };
}

/** The windows an SLO must be alerted on: its spec's, the AlertWindows file for its period, the policy's, or the workbook's. */
function expectedWindows(slo: SloSpec, declared: readonly DeclaredWindows[], settings: ObservabilitySettings): BurnWindow[] {
  if (slo.windows?.length) return slo.windows;
  const forPeriod = declared.find((entry) => entry.periodMs === slo.periodMs);
  const windows = forPeriod ? forPeriod.windows : windowsForPeriod(settings.slo.windows ?? WORKBOOK_WINDOWS, slo.periodMs);
  return windows.filter(
    (window) =>
      settings.slo.require.includes(window.severity) &&
      !(slo.alerting && window.severity === "page" && !slo.alerting.page) &&
      !(slo.alerting && window.severity === "ticket" && !slo.alerting.ticket),
  );
}

/**
 * alerts.slo: every SLO has burn-rate alerts for the windows it needs, with
 * thresholds computed from its objective (burn rate × (1 − objective)); an
 * SLO without alerts, a burn-rate alert without an SLO, and an alert whose
 * threshold implies another objective are findings.
 */
export function checkSloAlerts(
  slos: readonly SloSpec[],
  declared: readonly DeclaredWindows[],
  index: RuleIndex,
  settings: ObservabilitySettings,
): SloAlertsResult {
  const tolerance = settings.slo.tolerance;
  const findings: Finding[] = [];
  const computed = new Map<Rule, BurnCondition[]>();
  const conditionsOf = (alert: Rule) => {
    if (!computed.has(alert)) computed.set(alert, burnConditions(alert, index));
    return computed.get(alert) as BurnCondition[];
  };
  const burnAlerts = new Set(index.alerts.filter((alert) => isBurnAlert(alert, () => conditionsOf(alert))));
  const linked = new Set<Rule>();
  const verdicts: SloVerdict[] = [];
  const candidates = new LinkCandidates(index, burnAlerts);
  for (const slo of slos) {
    const budget = 1 - slo.objective;
    const series = slo.queries.flatMap((query) => index.baseSelectors(query));
    const sli = { series, metrics: new Set(series.flatMap((selector) => (selector.metric ? [selector.metric] : []))) };
    // Only alerts that could link are asked (linkOf decides): thousands of alerts times every SLO otherwise.
    const possible = candidates.of(slo, sli.metrics);
    const alerts = index.alerts.flatMap((alert) => {
      const link = possible.has(alert) ? linkOf(slo, sli, alert, burnAlerts.has(alert), index) : undefined;
      return link ? [{ alert, link }] : [];
    });
    for (const { alert } of alerts) {
      linked.add(alert);
      if (!burnAlerts.has(alert)) {
        burnAlerts.add(alert);
        candidates.addBurnAlert(alert);
      }
    }
    const where = { path: slo.path, ...(slo.line ? { startLine: slo.line } : {}) };
    const title = `SLO ${quoted(slo.name)} (${percent(slo.objective)} over ${formatPromDuration(slo.periodMs)})`;
    const windows: WindowVerdict[] = [];
    if (alerts.length === 0) {
      findings.push({
        id: "slo-without-alerts",
        severity: "error",
        message: `${title} has no burn-rate alert: no alert reads its SLI's series or names it (generate them with Sloth, or write the multi-window pairs)`,
        location: where,
      });
    }
    for (const window of expectedWindows(slo, declared, settings)) {
      const expected = window.factor * budget;
      const verdict: WindowVerdict = { severity: window.severity, longMs: window.longMs, shortMs: window.shortMs, factor: window.factor, status: "missing" };
      const candidates = alerts.flatMap(({ alert }) => conditionsOf(alert).map((condition) => ({ alert, condition })));
      const sameWindows = candidates.filter(({ condition }) => condition.longMs === window.longMs && condition.shortMs === window.shortMs);
      const longOnly = candidates.filter(({ condition }) => condition.longMs === window.longMs && condition.shortMs === undefined);
      const accepts = (threshold: number) => close(threshold, expected, tolerance) || close(threshold, window.factor, tolerance);
      const holds = (condition: BurnCondition) => accepts(condition.threshold) && (condition.shortThreshold === undefined || accepts(condition.shortThreshold));
      const match = [...sameWindows, ...longOnly].find(({ condition }) => holds(condition));
      if (match) {
        verdict.status = match.condition.shortMs === undefined ? "long-only" : "ok";
        verdict.alert = match.alert.name;
        verdict.threshold = match.condition.threshold;
        if (verdict.status === "long-only")
          findings.push({
            id: "burn-alert-without-short-window",
            severity: "warning",
            message: `${title}: alert ${quoted(match.alert.name)} watches ${formatPromDuration(window.longMs)} alone; add the ${formatPromDuration(window.shortMs)} short window so it stops firing soon after the burn stops`,
            location: locationOf(match.alert),
          });
      } else if (sameWindows[0] ?? longOnly[0]) {
        const { alert, condition: found } = (sameWindows[0] ?? longOnly[0]) as { alert: Rule; condition: BurnCondition };
        // The side whose threshold is off is the one to show.
        const longOff = !accepts(found.threshold);
        const condition = {
          ...found,
          threshold: longOff ? found.threshold : (found.shortThreshold as number),
          factors: longOff ? found.factors : found.shortFactors,
        };
        verdict.status = "mismatch";
        verdict.alert = alert.name;
        verdict.threshold = condition.threshold;
        const [factor, ruleBudget] = condition.factors ?? [];
        const drift = factor !== undefined && ruleBudget !== undefined && close(factor, window.factor, tolerance) && !close(ruleBudget, budget, tolerance);
        findings.push({
          id: drift ? "slo-objective-drift" : "burn-threshold-mismatch",
          severity: "error",
          message: drift
            ? `${title}: alert ${quoted(alert.name)} computes its ${pairText(condition)} threshold from an error budget of ${ruleBudget} (objective ${percent(1 - (ruleBudget as number))}); the spec's budget is ${num(budget)}: regenerate the rules from the spec`
            : `${title}: alert ${quoted(alert.name)} fires over ${pairText(condition)} above ${num(condition.threshold)}; for a ${factorText(window.factor)} burn rate the threshold is ${num(expected)} (${num(window.factor)} × ${num(budget)})`,
          location: locationOf(alert),
        });
      } else if (alerts.length > 0) {
        findings.push({
          id: "burn-window-missing",
          severity: "error",
          message: `${title} has no ${window.severity} alert over ${pairText(window)} at ${factorText(window.factor)} (threshold ${num(expected)}): add \`<error ratio over ${formatPromDuration(window.longMs)}> > ${num(window.factor)} * ${num(budget)} and <error ratio over ${formatPromDuration(window.shortMs)}> > ${num(window.factor)} * ${num(budget)}\``,
          location: where,
        });
      }
      windows.push(verdict);
    }
    verdicts.push({
      name: slo.name,
      ...(slo.service ? { service: slo.service } : {}),
      objective: slo.objective,
      periodMs: slo.periodMs,
      format: slo.format,
      path: slo.path,
      alerts: [...new Map(alerts.map(({ alert, link }) => [alert.name, { name: alert.name, link }])).values()],
      windows,
    });
  }
  const orphans = new Map<string, Rule>();
  for (const alert of burnAlerts)
    if (!linked.has(alert) && !orphans.has(`${alert.path}\u0000${alert.name}`)) orphans.set(`${alert.path}\u0000${alert.name}`, alert);
  for (const alert of orphans.values())
    findings.push({
      id: "burn-alert-without-slo",
      severity: "warning",
      message: `alert ${quoted(alert.name)} burns an error budget, but no SLO spec read declares it: add the SLO (Sloth or OpenSLO) so its objective is reviewed with the alert`,
      location: locationOf(alert),
    });
  return { slos: verdicts, findings, burnAlerts };
}
