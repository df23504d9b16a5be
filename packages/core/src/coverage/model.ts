import { BranchHits, LineHits } from "./hits.js";

/** The four metrics every coverage tool reports in some form. */
export const METRICS = ["lines", "branches", "functions", "statements"] as const;
export type Metric = (typeof METRICS)[number];

export interface Counts {
  covered: number;
  total: number;
}

/** Coverage of one source file, in the most detailed form its report gave. */
export interface FileCoverage {
  /** As written in the report until normalised; repo-relative with `/` afterwards. */
  path: string;
  /** line number → hit count */
  lines: LineHits;
  /** branch arm → times taken */
  branches: BranchHits;
  /** function key (`name@line`) → hit count */
  functions: Map<string, number>;
  /**
   * statement key (`line:column` or an id) → hit count, or line → hit count for
   * a format whose statements are lines (Clover); absent when the format has no statements
   */
  statements?: Map<string, number> | LineHits;
  /** Totals given by a summary-only format (coverage-summary.json): no per-line detail. */
  summary?: Partial<Record<Metric, Counts>>;
}

export function emptyFileCoverage(path: string): FileCoverage {
  return { path, lines: new LineHits(), branches: new BranchHits(), functions: new Map() };
}

/** Ratio as a percentage with two decimals, or null when there is nothing to measure. */
export function percentage(counts: Counts): number | null {
  if (counts.total === 0) return null;
  return Math.floor((counts.covered / counts.total) * 10000) / 100;
}

function countHits(hits: { counts(): Counts } | Map<string, number> | undefined): Counts {
  if (!hits) return { covered: 0, total: 0 };
  if (!(hits instanceof Map)) return hits.counts();
  let covered = 0;
  for (const count of hits.values()) if (count > 0) covered += 1;
  return { covered, total: hits.size };
}

/** Counts of one metric for one file; detail wins over a summary when both exist. */
export function fileCounts(file: FileCoverage, metric: Metric): Counts {
  const detail = metric === "lines" ? file.lines : metric === "branches" ? file.branches : metric === "functions" ? file.functions : file.statements;
  const fromDetail = countHits(detail);
  if (fromDetail.total === 0 && file.summary?.[metric]) return { ...file.summary[metric] };
  return fromDetail;
}

export type FileCounter = (file: FileCoverage, metric: Metric) => Counts;

export function sumCounts(files: Iterable<FileCoverage>, metric: Metric, count: FileCounter = fileCounts): Counts {
  const sum = { covered: 0, total: 0 };
  for (const file of files) {
    const counts = count(file, metric);
    sum.covered += counts.covered;
    sum.total += counts.total;
  }
  return sum;
}

/** Adds `from`'s hits to `into` key by key; a line number's key is its text. */
function addHits(into: Map<string, number>, from: Iterable<[string | number, number]>): void {
  for (const [key, hits] of from) {
    const id = String(key);
    into.set(id, (into.get(id) ?? 0) + hits);
  }
}

/** Statements of one file from two reports: per line when both count lines, else by key (a line's key is its number). */
function mergeStatements(into: FileCoverage["statements"], from: NonNullable<FileCoverage["statements"]>): NonNullable<FileCoverage["statements"]> {
  if (from instanceof LineHits && !(into instanceof Map)) {
    const lines = into ?? new LineHits();
    lines.addAll(from);
    return lines;
  }
  const merged = into instanceof Map ? into : new Map<string, number>();
  if (into instanceof LineHits) addHits(merged, into);
  addHits(merged, from);
  return merged;
}

/**
 * Merges `from` into `into` the way istanbul-lib-coverage merges file coverage:
 * hit counts of the same line, branch arm, function or statement are added, so a
 * file reported twice is counted once. Summary-only data cannot be added up
 * item by item: the larger covered count is kept.
 */
export function mergeFileCoverage(into: FileCoverage, from: FileCoverage): void {
  into.lines.addAll(from.lines);
  into.branches.addAll(from.branches);
  addHits(into.functions, from.functions);
  if (from.statements) into.statements = mergeStatements(into.statements, from.statements);
  if (from.summary) {
    into.summary ??= {};
    for (const [metric, counts] of Object.entries(from.summary) as [Metric, Counts][]) {
      const current = into.summary[metric];
      if (!current || counts.covered > current.covered) into.summary[metric] = { ...counts };
    }
  }
}

/** Files keyed by path; adding a path twice merges it. */
export class CoverageMap {
  private readonly files = new Map<string, FileCoverage>();

  add(file: FileCoverage): void {
    const existing = this.files.get(file.path);
    if (existing) mergeFileCoverage(existing, file);
    else this.files.set(file.path, file);
  }

  get(path: string): FileCoverage | undefined {
    return this.files.get(path);
  }

  get size(): number {
    return this.files.size;
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  values(): IterableIterator<FileCoverage> {
    return this.files.values();
  }

  totals(): Record<Metric, Counts> {
    const files = [...this.files.values()];
    return {
      lines: sumCounts(files, "lines"),
      branches: sumCounts(files, "branches"),
      functions: sumCounts(files, "functions"),
      statements: sumCounts(files, "statements"),
    };
  }
}
