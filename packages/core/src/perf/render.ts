import { escapeCell, section, table } from "../render/markdown.js";
import type { GateReport } from "../report/schema.js";
import type { PerfDetails, PerfRun } from "./evaluate.js";
import type { MetricSamples } from "./samples.js";

const show = (value: number, unit: string) => (unit === "ms" ? `${value} ms` : unit === "fraction" ? `${Math.round(value * 100000) / 1000} %` : String(value));

function change(value: number, baseline: number | undefined): string {
  if (baseline === undefined) return "";
  if (baseline === 0) return value === 0 ? "±0" : "new";
  const percent = Math.round(((value - baseline) / baseline) * 1000) / 10;
  return percent === 0 ? "±0" : `${percent > 0 ? "+" : ""}${percent} %`;
}

/** Perf sections of the job summary: key metrics with baseline and change, and the slowest breakdowns. */
export function perfMarkdownSections(report: GateReport): string[] {
  const details = report.predicate.details as unknown as PerfDetails;
  if (!details.rows) return [];
  const sections: string[] = [];
  if (details.thresholds.length > 0) {
    // Failing first: the reader wants what to fix before what is fine.
    const order = { fail: 0, "no-data": 1, warn: 2, pass: 3 } as const;
    const rows = [...details.thresholds]
      .sort((a, b) => order[a.status] - order[b.status])
      .map(
        (row) =>
          `| ${row.status === "pass" ? "✅" : row.status === "fail" ? "❌" : row.status === "warn" ? "⚠️" : "❔"} | \`${escapeCell(row.metric)}\` | \`${escapeCell(row.expression)}\` | ${row.measured === null ? "no data" : show(row.measured, row.unit)} | ${row.baseline === undefined ? "" : show(row.baseline, row.unit)} | ${row.measured === null ? "" : change(row.measured, row.baseline)} |`,
      );
    sections.push(section("Thresholds", table(["", "Metric", "Threshold", "Measured", "Baseline", "Change"], rows), rows.length));
  }
  if (details.rows.length > 0) {
    const rows = details.rows.map(
      (row) =>
        `| ${row.metric} | ${row.stat} | ${show(row.value, row.unit)} | ${row.baseline === undefined ? "" : show(row.baseline, row.unit)} | ${change(row.value, row.baseline)} |`,
    );
    sections.push(section("Key metrics", table(["Metric", "Stat", "This run", "Baseline", "Change"], rows), rows.length));
  }
  if (details.breakdowns.length > 0) {
    const rows = details.breakdowns.map((entry) => `| ${entry.tag} | \`${escapeCell(entry.value)}\` | ${entry.count} | ${entry.p95} ms |`);
    sections.push(section("Slowest by tag (http_req_duration)", table(["Tag", "Value", "Requests", "p(95)"], rows), rows.length));
  }
  return sections;
}

type LegacyMetric = Record<string, number>;

function legacyFromSamples(samples: MetricSamples, durationMs: number | undefined): LegacyMetric {
  switch (samples.type) {
    case "trend": {
      const stat = (aggregation: "avg" | "min" | "max" | "med", percentile?: number) => samples.aggregate(aggregation, percentile, durationMs) ?? 0;
      return {
        avg: stat("avg"),
        min: stat("min"),
        med: stat("med"),
        max: stat("max"),
        "p(90)": samples.aggregate("p", 90, durationMs) ?? 0,
        "p(95)": samples.aggregate("p", 95, durationMs) ?? 0,
      };
    }
    case "rate":
      // The legacy export counts non-zero samples as "passes" (for http_req_failed: the failures).
      return { passes: samples.nonZero, fails: samples.count - samples.nonZero, value: samples.count ? samples.nonZero / samples.count : 0 };
    case "counter":
      return { count: samples.sum, rate: durationMs ? samples.sum / (durationMs / 1000) : 0 };
    case "gauge":
      return { value: samples.last, min: samples.count ? samples.min : 0, max: samples.count ? samples.max : 0 };
  }
}

/**
 * GitLab's `load_performance` report: the merge-request widget reads only
 * k6's legacy `--summary-export` shape, so that shape is written whatever
 * the input was (samples win over a summary where both exist).
 */
export function renderLoadPerformance(run: PerfRun, durationMs: number | undefined): Record<string, unknown> {
  const metrics: Record<string, LegacyMetric> = {};
  for (const [name, metric] of run.summary?.metrics ?? []) {
    const values = { ...metric.values };
    if (metric.type === "rate") {
      // handleSummary and the new summary say "rate"; the legacy shape says "value".
      metrics[name] = { passes: values.passes ?? 0, fails: values.fails ?? 0, value: values.rate ?? values.value ?? 0 };
    } else metrics[name] = values;
  }
  for (const [name, samples] of run.results?.metrics ?? []) if (samples.count > 0) metrics[name] = legacyFromSamples(samples, durationMs);
  return { metrics, root_group: { name: "", path: "", id: "d41d8cd98f00b204e9800998ecf8427e", groups: {}, checks: {} } };
}
