import type { PromqlQuery, Selector } from "./promql.js";
import { promDurationMs } from "./promql.js";
import type { Rule, RuleFile } from "./rules.js";

/** How deep recorded series are followed: recording rules of recording rules are common, chains of ten are not. */
const MAX_RECORDING_DEPTH = 10;

function labelMatches(selector: Selector, labels: Record<string, string>): boolean {
  return selector.matchers.every((matcher) => {
    const value = labels[matcher.label];
    if (value === undefined) return true; // the rule's series may carry it from its expression: it cannot be ruled out
    switch (matcher.op) {
      case "=":
        return value === matcher.value;
      case "!=":
        return value !== matcher.value;
      default:
        try {
          const matches = new RegExp(`^(?:${matcher.value})$`).test(value);
          return matcher.op === "=~" ? matches : !matches;
        } catch {
          return true;
        }
    }
  });
}

/** A selector's identity: its metric, its matchers and its range. */
function selectorKey(selector: Selector): string {
  return `${selector.metric ?? ""}{${selector.matchers.map((matcher) => `${matcher.label}${matcher.op}${JSON.stringify(matcher.value)}`).join(",")}}[${selector.range ?? ""}]${selector.call ?? ""}`;
}

/** The window a metric name says it covers, as recording rules name them: `…_rate5m`, `…:burnrate1h`. */
function windowFromName(metric: string | undefined): number | undefined {
  const match = metric ? /(\d+(?:ms|s|m|h|d|w|y))$/.exec(metric) : null;
  return match ? promDurationMs(match[1] as string) : undefined;
}

/**
 * The rules of every file read, indexed so a series can be traced to the
 * recording rules that produce it: which alerts and which panels read a
 * metric through recorded series, and over which window a recorded ratio is.
 */
export class RuleIndex {
  readonly alerts: Rule[] = [];
  readonly records: Rule[] = [];
  private readonly byRecord = new Map<string, Rule[]>();
  private readonly baseCache = new Map<Rule, Selector[]>();
  private readonly queryBaseCache = new WeakMap<PromqlQuery, Selector[]>();
  private readonly selectorBaseCache = new Map<string, Selector[]>();
  private readonly windowCache = new Map<Rule, number | undefined>();
  private readonly ruleMetricsCache = new Map<Rule, ReadonlySet<string>>();
  private readonly queryMetricsCache = new WeakMap<PromqlQuery, ReadonlySet<string>>();
  /** Each distinct set of metrics once, so rules that read the same metrics share their set. */
  private readonly metricSets = new Map<string, ReadonlySet<string>>();

  constructor(files: readonly RuleFile[]) {
    for (const file of files)
      for (const rule of file.rules) {
        if (rule.kind === "alert") this.alerts.push(rule);
        else {
          this.records.push(rule);
          const list = this.byRecord.get(rule.name) ?? [];
          list.push(rule);
          this.byRecord.set(rule.name, list);
        }
      }
  }

  /** Whether a metric is produced by a recording rule read. */
  isRecorded(metric: string): boolean {
    return this.byRecord.has(metric);
  }

  /** The recording rules whose series a selector can match: by name, narrowed by the rules' own labels. */
  resolve(selector: Selector): Rule[] {
    const rules = selector.metric ? this.byRecord.get(selector.metric) : undefined;
    return rules ? rules.filter((rule) => labelMatches(selector, rule.labels)) : [];
  }

  private baseOfRule(rule: Rule, depth: number): Selector[] {
    const cached = this.baseCache.get(rule);
    if (cached) return cached;
    // Marked before descending, so a rule that (wrongly) reads itself ends the walk.
    this.baseCache.set(rule, []);
    const base = this.baseOf(rule.query.selectors(), depth + 1);
    this.baseCache.set(rule, base);
    return base;
  }

  /** Each distinct selector once: a recorded series defined in many files must not multiply what it reads. */
  private baseOf(selectors: readonly Selector[], depth: number): Selector[] {
    if (depth > MAX_RECORDING_DEPTH) return [...selectors];
    const distinct = new Map<string, Selector>();
    for (const selector of selectors) for (const base of this.baseOfSelector(selector, depth)) distinct.set(selectorKey(base), base);
    return [...distinct.values()];
  }

  /** What one selector reads, once per distinct selector (the same recorded series is read by many rules and panels). */
  private baseOfSelector(selector: Selector, depth: number): Selector[] {
    const key = selectorKey(selector);
    const cached = this.selectorBaseCache.get(key);
    if (cached) return cached;
    const rules = this.resolve(selector);
    if (rules.length === 0) return [selector];
    const distinct = new Map<string, Selector>();
    for (const rule of rules) for (const base of this.baseOfRule(rule, depth)) distinct.set(selectorKey(base), base);
    const base = [...distinct.values()];
    this.selectorBaseCache.set(key, base);
    return base;
  }

  /** The scraped series behind a query: recorded series replaced by what their rules read, all the way down. */
  baseSelectors(query: PromqlQuery): Selector[] {
    let base = this.queryBaseCache.get(query);
    if (!base) {
      base = this.baseOf(query.selectors(), 0);
      this.queryBaseCache.set(query, base);
    }
    return base;
  }

  /**
   * The scraped metrics behind a query, by name only: what the RED matrix
   * and the SLO links need first, far cheaper than the selectors when a
   * recorded series is defined in many files.
   */
  baseMetrics(query: PromqlQuery): ReadonlySet<string> {
    let metrics = this.queryMetricsCache.get(query);
    if (!metrics) {
      metrics = this.metricsOf(query.selectors(), 0);
      this.queryMetricsCache.set(query, metrics);
    }
    return metrics;
  }

  private metricsOf(selectors: readonly Selector[], depth: number): Set<string> {
    const metrics = new Set<string>();
    const added = new Set<ReadonlySet<string>>();
    for (const selector of selectors) {
      const rules = depth <= MAX_RECORDING_DEPTH ? this.resolve(selector) : [];
      if (rules.length === 0) {
        if (selector.metric) metrics.add(selector.metric);
        continue;
      }
      for (const rule of rules) {
        // The same recording rule copied into many files reads the same metrics: one shared set, added once.
        const ofRule = this.metricsOfRule(rule, depth + 1);
        if (added.has(ofRule)) continue;
        added.add(ofRule);
        for (const metric of ofRule) metrics.add(metric);
      }
    }
    return metrics;
  }

  private metricsOfRule(rule: Rule, depth: number): ReadonlySet<string> {
    const cached = this.ruleMetricsCache.get(rule);
    if (cached) return cached;
    // Marked before descending, so a rule that (wrongly) reads itself ends the walk.
    this.ruleMetricsCache.set(rule, new Set());
    const computed = this.metricsOf(rule.query.selectors(), depth);
    const key = [...computed].sort().join("\n");
    let metrics = this.metricSets.get(key);
    if (!metrics) this.metricSets.set(key, (metrics = computed));
    this.ruleMetricsCache.set(rule, metrics);
    return metrics;
  }

  /** The window a selector's value covers: its range, its recording rules' common range, or the window its name states. */
  windowOf(selector: Selector, depth = 0): number | undefined {
    if (selector.rangeMs !== undefined) return selector.rangeMs;
    const rules = depth < MAX_RECORDING_DEPTH ? this.resolve(selector) : [];
    const fromRules = new Set(rules.map((rule) => this.windowOfRule(rule, depth + 1)));
    if (fromRules.size === 1) {
      const [window] = fromRules;
      if (window !== undefined) return window;
    }
    return windowFromName(selector.metric);
  }

  private windowOfRule(rule: Rule, depth: number): number | undefined {
    if (!this.windowCache.has(rule)) {
      // Marked before descending, so a rule that (wrongly) reads itself ends the walk.
      this.windowCache.set(rule, undefined);
      this.windowCache.set(rule, this.windowOfSelectors(rule.query.selectors(), depth));
    }
    return this.windowCache.get(rule);
  }

  /** The one window a set of selectors covers, when they agree. */
  windowOfSelectors(selectors: readonly Selector[], depth = 0): number | undefined {
    const windows = new Set(selectors.map((selector) => this.windowOf(selector, depth)).filter((window) => window !== undefined));
    return windows.size === 1 ? [...windows][0] : undefined;
  }
}
