import * as z from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import { describeZodError, parseJsonText } from "../validation.js";

export interface ResourceSample {
  timeMs: number;
  cpuPercent?: number;
  memoryBytes?: number;
}

const CPU_COLUMNS = ["cpu_percent", "cpu", "cpu%"];
const MEMORY_COLUMNS = ["memory_bytes", "memory", "mem_bytes", "rss_bytes"];

function parseTime(raw: string, where: number): number {
  const number = Number(raw);
  if (raw !== "" && Number.isFinite(number)) return number < 1e12 ? number * 1000 : number;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new ConfigurationError(`expected a time (ISO 8601 or Unix seconds), found ${quoted(raw)}`, undefined, where);
  return ms;
}

function optionalNumber(raw: unknown, what: string, where: number): number | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  const number = Number(raw);
  if (!Number.isFinite(number) || number < 0)
    throw new ConfigurationError(`expected ${what} to be a non-negative number, found ${quoted(raw)}`, undefined, where);
  return number;
}

/**
 * The service's resource use during the test: a CSV with a header
 * (`time,cpu_percent,memory_bytes`) or a JSON array of
 * `{ "time", "cpuPercent", "memoryBytes" }`, as a sidecar or `docker stats` loop writes it.
 */
export function parseResourceSamples(text: string): ResourceSample[] {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") throw new ConfigurationError("expected resource samples, found an empty file");
  if (trimmed.startsWith("[")) {
    const rows = parseJsonText(trimmed, "a JSON array of samples");
    return (rows as unknown[]).map((row, index) => {
      if (!row || typeof row !== "object")
        throw new ConfigurationError(`expected [${index}] to be an object with time, cpuPercent and memoryBytes, found ${quoted(row)}`);
      const entry = row as Record<string, unknown>;
      return {
        timeMs: parseTime(String(entry.time ?? ""), index + 1),
        cpuPercent: optionalNumber(entry.cpuPercent, `[${index}].cpuPercent`, index + 1),
        memoryBytes: optionalNumber(entry.memoryBytes, `[${index}].memoryBytes`, index + 1),
      };
    });
  }
  const [header = "", ...lines] = trimmed.split(/\r?\n/);
  const columns = header.split(",").map((column) => column.trim().toLowerCase());
  const time = columns.indexOf("time");
  const cpu = columns.findIndex((column) => CPU_COLUMNS.includes(column));
  const memory = columns.findIndex((column) => MEMORY_COLUMNS.includes(column));
  if (time === -1 || (cpu === -1 && memory === -1)) {
    throw new ConfigurationError(
      `expected a CSV header with time and cpu_percent and/or memory_bytes, found ${JSON.stringify(header.slice(0, 80))}`,
      undefined,
      1,
    );
  }
  return lines
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      const cells = line.split(",").map((cell) => cell.trim());
      return {
        timeMs: parseTime(cells[time] ?? "", index + 2),
        cpuPercent: cpu === -1 ? undefined : optionalNumber(cells[cpu], "cpu_percent", index + 2),
        memoryBytes: memory === -1 ? undefined : optionalNumber(cells[memory], "memory_bytes", index + 2),
      };
    });
}

const prometheusMatrix = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("matrix"),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
});

/**
 * One series out of a Prometheus `query_range` answer. The query must give
 * exactly one series (aggregate it: `max(…)`, `sum by () (…)`), so the samples
 * are one service's, not a sum the reader did not ask for.
 */
export function seriesFromPrometheus(answer: unknown, query: string): { timeMs: number; value: number }[] {
  const series = allSeriesFromPrometheus(answer, query);
  if (series.length > 1) {
    throw new ConfigurationError(
      `expected one series from ${quoted(query)}, found ${series.length}: aggregate the query (for example max(…) or sum(…))`,
      "prometheus",
    );
  }
  return series[0]?.values ?? [];
}

/** Every series of a Prometheus `query_range` answer, with its labels; NaN samples are left out. */
export function allSeriesFromPrometheus(answer: unknown, query: string): { labels: Record<string, string>; values: { timeMs: number; value: number }[] }[] {
  const parsed = prometheusMatrix.safeParse(answer);
  if (!parsed.success)
    throw new ConfigurationError(
      `expected a Prometheus range-query matrix for ${quoted(query)}, found: ${describeZodError(parsed.error, answer).sentence}`,
      "prometheus",
    );
  return parsed.data.data.result.map((series) => ({
    labels: series.metric,
    values: series.values.flatMap(([seconds, raw]) => {
      const value = Number(raw);
      return Number.isFinite(value) ? [{ timeMs: seconds * 1000, value }] : [];
    }),
  }));
}

/** CPU and memory series, joined on time, as the resource checks read them. */
export function joinResourceSeries(cpu: { timeMs: number; value: number }[], memory: { timeMs: number; value: number }[]): ResourceSample[] {
  const byTime = new Map<number, ResourceSample>();
  for (const point of cpu) byTime.set(point.timeMs, { timeMs: point.timeMs, cpuPercent: point.value });
  for (const point of memory) byTime.set(point.timeMs, { ...(byTime.get(point.timeMs) ?? { timeMs: point.timeMs }), memoryBytes: point.value });
  return [...byTime.values()].sort((a, b) => a.timeMs - b.timeMs);
}
