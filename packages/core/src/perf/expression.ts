import { ConfigurationError, quoted } from "../errors.js";
import { FORBIDDEN_KEYS, forbiddenKeyError } from "../validation.js";

export const K6_METRIC_TYPES = ["trend", "rate", "counter", "gauge"] as const;
export type K6MetricType = (typeof K6_METRIC_TYPES)[number];

export type Aggregation = "avg" | "min" | "max" | "med" | "p" | "rate" | "count" | "value";
export type Operator = "<" | "<=" | ">" | ">=" | "==" | "===" | "!=";

/** A parsed k6 threshold expression such as `p(95)<500`. */
export interface ThresholdExpression {
  source: string;
  aggregation: Aggregation;
  /** The N of p(N). */
  percentile?: number;
  operator: Operator;
  value: number;
}

/** Which aggregations k6 allows on which metric type. */
export const AGGREGATIONS_BY_TYPE: Record<K6MetricType, readonly Aggregation[]> = {
  trend: ["avg", "min", "max", "med", "p"],
  rate: ["rate"],
  counter: ["count", "rate"],
  gauge: ["value"],
};

const EXPRESSION = /^\s*(avg|min|max|med|rate|count|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * k6's threshold grammar: `aggregation operator number`, spaces allowed
 * around the operator, p(N) for percentiles (k6 thresholds_parser.go BNF).
 */
export function parseThresholdExpression(source: string, where = "threshold"): ThresholdExpression {
  const match = EXPRESSION.exec(source);
  if (!match) {
    const hint = /^\s*p\d/.test(source) ? " (percentiles are written p(95))" : /\d\s*%/.test(source) ? " (rates are fractions: rate<0.01, not 1%)" : "";
    throw new ConfigurationError(
      `expected a k6 threshold such as "p(95)<500" or "rate<0.01" (avg, min, max, med, p(N), rate, count or value, then <, <=, >, >=, ==, ===, != and a number), found ${quoted(source)}${hint}`,
      where,
    );
  }
  const [, method = "", percentile, operator, value] = match;
  const aggregation = (method.startsWith("p(") ? "p" : method) as Aggregation;
  if (aggregation === "p" && Number(percentile) > 100) {
    throw new ConfigurationError(`expected a percentile from 0 to 100, found p(${percentile}) in ${quoted(source)}`, where);
  }
  return {
    source: source.trim(),
    aggregation,
    ...(aggregation === "p" ? { percentile: Number(percentile) } : {}),
    operator: operator as Operator,
    value: Number(value),
  };
}

export function compare(measured: number, operator: Operator, value: number): boolean {
  switch (operator) {
    case "<":
      return measured < value;
    case "<=":
      return measured <= value;
    case ">":
      return measured > value;
    case ">=":
      return measured >= value;
    case "==":
    case "===":
      return measured === value;
    case "!=":
      return measured !== value;
  }
}

/** The key k6 uses for an aggregation in a summary's `values` (`p(95)`, `avg`, …). */
export function statKey(expression: Pick<ThresholdExpression, "aggregation" | "percentile">): string {
  return expression.aggregation === "p" ? `p(${expression.percentile})` : expression.aggregation;
}

/** `http_req_duration{name:login,method:GET}`: a metric and the tags a submetric filters on. */
export interface MetricSelector {
  /** The whole selector, normalised (`http_req_duration{method:GET,name:login}`). */
  key: string;
  metric: string;
  tags: Record<string, string>;
}

const SELECTOR = /^\s*([A-Za-z_][\w.-]*)\s*(?:\{(.*)\})?\s*$/;

/**
 * Parses k6's metric selector. Tag values may be quoted ('…', "…" or `…`);
 * spaces around keys and values are dropped, as k6 does.
 */
export function parseMetricSelector(source: string, where = "threshold"): MetricSelector {
  const match = SELECTOR.exec(source);
  if (!match)
    throw new ConfigurationError(`expected a metric name, optionally with tag filters like http_req_duration{name:login}, found ${quoted(source)}`, where);
  const [, metric = "", body] = match;
  if (FORBIDDEN_KEYS.has(metric)) throw forbiddenKeyError(metric, where);
  const tags: Record<string, string> = {};
  if (body !== undefined) {
    for (const pair of body.split(",")) {
      const colon = pair.indexOf(":");
      const key = pair.slice(0, colon).trim();
      const value = pair
        .slice(colon + 1)
        .trim()
        .replace(/^(['"`])(.*)\1$/, "$2");
      if (colon === -1 || !key)
        throw new ConfigurationError(`expected tag filters as key:value pairs, found ${quoted(pair.trim())} in ${quoted(source)}`, where);
      if (FORBIDDEN_KEYS.has(key)) throw forbiddenKeyError(key, where);
      tags[key] = value;
    }
  }
  const names = Object.keys(tags).sort();
  const key = names.length === 0 ? metric : `${metric}{${names.map((name) => `${name}:${tags[name]}`).join(",")}}`;
  return { key, metric, tags };
}

/** Whether a sample's tags carry every tag the selector filters on. */
export function selectorMatches(selector: MetricSelector, tags: Record<string, string> | undefined): boolean {
  for (const [name, value] of Object.entries(selector.tags)) if (tags?.[name] !== value) return false;
  return true;
}

/**
 * `METRIC=EXPRESSION` assignments as flags and inputs write them (one per
 * item, or several separated by ";" or new lines): the metric ends at the
 * first "=", since k6 expressions may hold more. Each is validated here so
 * the error names the flag or input it came from.
 */
export function parseThresholdAssignments(items: readonly string[], where: string): Record<string, string[]> {
  // A Map, not an object: a metric may be named like a property every object has (`valueOf`).
  const thresholds = new Map<string, string[]>();
  for (const item of items
    .flatMap((value) => value.split(/[;\n]/))
    .map((value) => value.trim())
    .filter(Boolean)) {
    const equals = item.indexOf("=");
    if (equals <= 0) throw new ConfigurationError(`expected METRIC=EXPRESSION such as "http_req_duration=p(95)<500", found ${quoted(item)}`, where);
    const selector = parseMetricSelector(item.slice(0, equals), where);
    const expression = parseThresholdExpression(item.slice(equals + 1), where);
    thresholds.set(selector.key, [...(thresholds.get(selector.key) ?? []), expression.source]);
  }
  return Object.fromEntries(thresholds);
}
