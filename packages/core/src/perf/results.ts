import { ConfigurationError, quoted } from "../errors.js";
import { detachString, LineSplitter } from "../text/lines.js";
import { parseJsonText } from "../validation.js";
import { K6_METRIC_TYPES, type K6MetricType, type MetricSelector, parseMetricSelector, selectorMatches } from "./expression.js";
import { MetricSamples } from "./samples.js";
import type { MetricContains } from "./summary.js";

/** Tags whose values break a latency metric down in the summary (per scenario, endpoint, status). */
export const BREAKDOWN_TAGS = ["scenario", "name", "status"] as const;
/** Distinct values kept per breakdown tag; the rest are counted as "(other)" so a URL tag cannot exhaust memory. */
const MAX_BREAKDOWN_VALUES = 50;

export interface K6Results {
  /** Metrics and tracked submetrics, by selector key. */
  metrics: Map<string, MetricSamples>;
  /** Thresholds the script declared (from Metric lines), by metric or submetric name. */
  declaredThresholds: Map<string, string[]>;
  /** http_req_duration by scenario / name / status value. */
  breakdowns: Map<string, Map<string, MetricSamples>>;
  /** First and last sample time (ms since the epoch). */
  startMs: number | undefined;
  endMs: number | undefined;
  lines: number;
  /** The file ended in the middle of a line: the run was cut short while writing. */
  truncated: boolean;
}

/** What a Metric line declared, with the sinks its points go to, looked up once per point. */
interface MetricInfo {
  samples: MetricSamples;
  submetrics: { selector: MetricSelector; samples: MetricSamples }[];
  /** Points of this metric need their tags parsed (submetrics, or the http_req_duration breakdowns). */
  tagged: boolean;
  breakdown: boolean;
  /** The metric whose Point followed this one's last time: k6 writes a request's metrics in the same order every time. */
  next?: { name: string; info: MetricInfo };
}

/** Distinct tag sets kept parsed: a run's points share a few (endpoint × status × scenario), and JSON.parse was a fifth of the reading. */
const MAX_CACHED_TAG_SETS = 1000;

/**
 * A Point line in k6's own layout, up to its tags: the metric name and the
 * time without escapes, the value in JSON's number syntax exactly (not
 * `0x10`, `-Infinity`, blanks or nothing). Anything else goes through JSON.parse.
 */
const K6_POINT = /^\{"metric":"([^"\\]*)","type":"Point","data":\{"time":"([^"\\]*)","value":(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?),"tags":/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Streams k6's `--out json` NDJSON: Metric lines declare a metric (type,
 * thresholds, submetrics) before its first Point; Point lines carry one
 * sample with its tags. Submetrics named by `selectors` (from the policy)
 * or declared by the script are tracked alongside their metric.
 */
export function createK6ResultsParser(selectors: readonly MetricSelector[] = []): { write(chunk: string): void; end(): K6Results } {
  const wanted = new Map<string, MetricSelector[]>();
  for (const selector of selectors) if (Object.keys(selector.tags).length > 0) wanted.set(selector.metric, [...(wanted.get(selector.metric) ?? []), selector]);
  const info = new Map<string, MetricInfo>();
  const results: K6Results = {
    metrics: new Map(),
    declaredThresholds: new Map(),
    breakdowns: new Map(),
    startMs: undefined,
    endMs: undefined,
    lines: 0,
    truncated: false,
  };
  let lastTime = "";
  let pendingError: ConfigurationError | undefined;

  const sink = (key: string, type: K6MetricType, contains: MetricContains) => {
    let samples = results.metrics.get(key);
    if (!samples) results.metrics.set(key, (samples = new MetricSamples(type, contains)));
    return samples;
  };

  const declare = (data: Record<string, unknown>, lineNumber: number) => {
    const name = data.name;
    const type = data.type;
    if (typeof name !== "string" || !(K6_METRIC_TYPES as readonly unknown[]).includes(type)) {
      throw new ConfigurationError(
        `expected a Metric line with data.name and data.type (${K6_METRIC_TYPES.join(", ")}), found ${JSON.stringify(data).slice(0, 80)}`,
        undefined,
        lineNumber,
      );
    }
    const contains = (["time", "data", "default"].includes(data.contains as string) ? data.contains : "default") as MetricContains;
    const declared = Array.isArray(data.submetrics)
      ? data.submetrics.flatMap((sub) => (isRecord(sub) && typeof sub.name === "string" ? [parseMetricSelector(sub.name, "NDJSON submetric")] : []))
      : [];
    const selectorsForMetric = [...(wanted.get(name) ?? []), ...declared].filter(
      (selector, index, all) => all.findIndex((other) => other.key === selector.key) === index,
    );
    const earlier = results.metrics.get(name);
    if (earlier && earlier.type !== type)
      throw new ConfigurationError(
        `expected each metric declared with one type, found ${quoted(name)} declared again as ${type} after ${earlier.type}`,
        undefined,
        lineNumber,
      );
    const submetrics = selectorsForMetric.map((selector) => ({ selector, samples: sink(selector.key, type as K6MetricType, contains) }));
    const breakdown = name === "http_req_duration";
    info.set(name, { samples: sink(name, type as K6MetricType, contains), submetrics, tagged: breakdown || submetrics.length > 0, breakdown });
    // A metric declared again may track other submetrics: no prediction may point at what it was.
    for (const other of info.values()) other.next = undefined;
    if (Array.isArray(data.thresholds) && data.thresholds.length > 0) {
      results.declaredThresholds.set(
        name,
        data.thresholds.filter((threshold): threshold is string => typeof threshold === "string"),
      );
    }
  };

  const known = (metric: unknown, lineNumber: number): MetricInfo => {
    const found = typeof metric === "string" ? info.get(metric) : undefined;
    if (!found) throw new ConfigurationError(`expected a Metric line declaring ${quoted(metric)} before its first Point, found none`, undefined, lineNumber);
    return found;
  };

  const point = (metric: MetricInfo, value: unknown, tags: Record<string, string> | undefined, time: unknown, lineNumber: number) => {
    if (typeof value !== "number" || !Number.isFinite(value))
      throw new ConfigurationError(
        `expected data.value to be a finite number, found ${JSON.stringify(value)?.slice(0, 40) ?? "nothing"}`,
        undefined,
        lineNumber,
      );
    metric.samples.add(value);
    for (const submetric of metric.submetrics) if (selectorMatches(submetric.selector, tags)) submetric.samples.add(value);
    if (metric.breakdown && tags) {
      for (const tag of BREAKDOWN_TAGS) {
        const tagValue = tags[tag];
        if (tagValue === undefined) continue;
        let byValue = results.breakdowns.get(tag);
        if (!byValue) results.breakdowns.set(tag, (byValue = new Map()));
        const bucket = byValue.has(tagValue) || byValue.size < MAX_BREAKDOWN_VALUES ? tagValue : "(other)";
        let samples = byValue.get(bucket);
        if (!samples) byValue.set(bucket, (samples = new MetricSamples("trend", "time")));
        samples.add(value);
      }
    }
    if (typeof time === "string" && time !== lastTime) {
      lastTime = time;
      const ms = Date.parse(time);
      if (!Number.isNaN(ms)) {
        if (results.startMs === undefined || ms < results.startMs) results.startMs = ms;
        if (results.endMs === undefined || ms > results.endMs) results.endMs = ms;
      }
    }
  };

  /** Tag sets parsed so far, by their text (at most MAX_CACHED_TAG_SETS). */
  const tagSets = new Map<string, Record<string, string> | undefined>();
  /** The metric of the last fast-path line. */
  let previous: MetricInfo | undefined;
  /** The metric a fast-path line names, found without hashing its name when it is the one that followed last time. */
  const knownAs = (name: string, lineNumber: number): MetricInfo => {
    const predicted = previous?.next;
    let metric: MetricInfo;
    if (predicted && name === predicted.name) metric = predicted.info;
    else {
      metric = known(name, lineNumber);
      if (previous) previous.next = { name: detachString(name), info: metric };
    }
    previous = metric;
    return metric;
  };

  /**
   * Point lines in k6's own layout, read without parsing the whole line:
   * `{"metric":"M","type":"Point","data":{"time":"T","value":V,"tags":{…}}}`.
   * Tags, most of the line, are parsed only for metrics that need them.
   * Anything else goes through JSON.parse.
   */
  const fastPoint = (line: string, lineNumber: number): boolean => {
    // One regular expression checks the whole layout and reads the name, the time and the number (a chain of startsWith took twice as long).
    const layout = K6_POINT.exec(line);
    if (!layout || !line.endsWith("}}")) return false;
    const value = Number(layout[3]);
    const metric = knownAs(layout[1] as string, lineNumber);
    let tags: Record<string, string> | undefined;
    if (metric.tagged) {
      const text = line.slice(layout[0].length, -2);
      if (tagSets.has(text)) tags = tagSets.get(text);
      else {
        let parsed: unknown;
        try {
          parsed = parseJsonText(text, "the point's tags");
        } catch (error) {
          if (/ordinary keys/.test((error as ConfigurationError).detail))
            throw new ConfigurationError((error as ConfigurationError).detail, undefined, lineNumber);
          return false; // Malformed tags: the general path describes the line.
        }
        tags = isRecord(parsed) ? (parsed as Record<string, string>) : undefined;
        // A copy of the key: a slice would keep its whole 64 KiB chunk alive.
        if (tagSets.size < MAX_CACHED_TAG_SETS) tagSets.set(detachString(text), tags);
      }
    }
    point(metric, value, tags, layout[2], lineNumber);
    return true;
  };

  const splitter = new LineSplitter((line, lineNumber) => {
    // A bad line is only an error if another line follows it: a bad last line is a cut-off write.
    if (pendingError) throw pendingError;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === "")) return;
    results.lines = lineNumber;
    try {
      if (fastPoint(line, lineNumber)) return;
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      // Malformed tags: let the general path describe the line.
    }
    let entry: unknown;
    try {
      entry = parseJsonText(line, "one JSON object per line");
    } catch (error) {
      if (error instanceof ConfigurationError && /ordinary keys/.test(error.detail)) throw new ConfigurationError(error.detail, undefined, lineNumber);
      const hint = lineNumber === 1 && line.trim() === "{" ? " (a pretty-printed JSON document: is this the end-of-test summary?)" : "";
      pendingError = new ConfigurationError(
        `expected one JSON object per line (k6 --out json), found ${JSON.stringify(line.slice(0, 60))}${hint}`,
        undefined,
        lineNumber,
      );
      return;
    }
    if (!isRecord(entry) || !isRecord(entry.data))
      throw new ConfigurationError(`expected a k6 Metric or Point line with a data object, found ${JSON.stringify(line.slice(0, 60))}`, undefined, lineNumber);
    if (entry.type === "Point")
      point(
        known(entry.metric, lineNumber),
        entry.data.value,
        isRecord(entry.data.tags) ? (entry.data.tags as Record<string, string>) : undefined,
        entry.data.time,
        lineNumber,
      );
    else if (entry.type === "Metric") declare(entry.data, lineNumber);
    else throw new ConfigurationError(`expected "type": "Metric" or "Point", found ${quoted(entry.type)}`, undefined, lineNumber);
  });

  return {
    write: (chunk) => splitter.write(chunk),
    end(): K6Results {
      splitter.end();
      if (pendingError) results.truncated = true;
      return results;
    },
  };
}

/** Test duration as k6 measures it for counter rates, from the first to the last sample. */
export function resultsDurationMs(results: K6Results): number | undefined {
  return results.startMs === undefined || results.endMs === undefined ? undefined : results.endMs - results.startMs;
}
