import libCoverage from "istanbul-lib-coverage";
import * as z from "zod";
import { ConfigurationError } from "../../errors.js";
import { onFirstUse, parseJsonText, validateAs } from "../../validation.js";
import { emptyFileCoverage, type FileCoverage } from "../model.js";
import { MAX_LINE_NUMBER } from "./limits.js";
import type { CoverageParser, ParsedReport } from "./types.js";

/** coverage-final.json and coverage-summary.json, built when an istanbul report is first read. */
const schemas = onFirstUse(() => {
  const lineNumber = z.number().int().min(0).max(MAX_LINE_NUMBER);
  const position = z.object({ line: lineNumber, column: z.number().nullable().optional() });
  const range = z.object({ start: position, end: position.optional() });
  /** vitest 4's v8 provider writes an implicit else's arm with empty locations ({"start":{},"end":{}}): totals do not need them. */
  const armLocation = z.object({ start: position.partial().optional(), end: position.partial().optional() });
  const counter = z.record(z.string(), z.number().nonnegative());
  const fileEntry = z.object({
    path: z.string().min(1),
    statementMap: z.record(z.string(), range),
    s: counter,
    fnMap: z.record(z.string(), z.object({ name: z.string(), decl: range.optional(), loc: range.optional(), line: lineNumber.optional() })),
    f: counter,
    branchMap: z.record(z.string(), z.object({ line: lineNumber.optional(), loc: range.optional(), locations: z.array(armLocation).optional() })),
    b: z.record(z.string(), z.array(z.number().nonnegative())),
  });
  // istanbul counts whole statements, branches, functions and lines: a fraction
  // (vitest-coverage-report-action's base fixture scales counts to "covered": 1.15 of 1)
  // is not a count any tool measured, and is refused like covered above total.
  const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
  const summaryCounts = z.object({ total: count, covered: count }).refine((counts) => counts.covered <= counts.total, "covered to be at most total");
  const summaryEntry = z.object({ lines: summaryCounts, statements: summaryCounts, functions: summaryCounts, branches: summaryCounts });
  return { finalReport: z.record(z.string(), fileEntry), summaryReport: z.record(z.string(), summaryEntry) };
});
type FileEntry = z.infer<ReturnType<typeof schemas>["finalReport"]>[string];

/** A map's own entry: an id such as `toString` must not find a function on the prototype. */
const own = <T>(map: Record<string, T>, id: string): T | undefined => (Object.hasOwn(map, id) ? map[id] : undefined);

/**
 * One file of coverage-final.json, validated first (so a damaged file is one
 * sentence), then read with istanbul-lib-coverage, istanbul's own model: its
 * line coverage (a statement counts on its start line, the highest count
 * wins) is the one nyc, jest and vitest report.
 */
function fromFinalEntry(entry: FileEntry): FileCoverage {
  const file = emptyFileCoverage(entry.path);
  file.statements = new Map();
  for (const [id, location] of Object.entries(entry.statementMap)) {
    file.statements.set(`${location.start.line}:${location.start.column ?? 0}`, own(entry.s, id) ?? 0);
  }
  // Every statement's count as an own entry: istanbul-lib-coverage looks ids up plainly, and `toString` would find a function.
  const counts = Object.fromEntries(Object.keys(entry.statementMap).map((id) => [id, own(entry.s, id) ?? 0]));
  const istanbul = libCoverage.createFileCoverage({ ...entry, s: counts } as unknown as libCoverage.FileCoverageData);
  for (const [line, hits] of Object.entries(istanbul.getLineCoverage())) file.lines.max(Number(line), hits);
  for (const [id, fn] of Object.entries(entry.fnMap)) {
    const line = fn.decl?.start.line ?? fn.loc?.start.line ?? fn.line ?? 0;
    file.functions.set(`${fn.name}@${line}`, own(entry.f, id) ?? 0);
  }
  for (const [id, branch] of Object.entries(entry.branchMap)) {
    const line = branch.loc?.start.line ?? branch.line ?? 0;
    for (const [arm, taken] of (own(entry.b, id) ?? []).entries()) file.branches.add(line, id, arm, taken);
  }
  return file;
}

/**
 * istanbul JSON: `coverage-final.json` (full detail, keys are file paths) or
 * `coverage-summary.json` (totals only: no patch coverage possible). JSON has
 * no streaming shape, so chunks are collected; the caller bounds the size.
 */
export function createIstanbulParser(expected?: "istanbul" | "istanbul-summary"): CoverageParser {
  const chunks: string[] = [];
  return {
    write: (chunk) => void chunks.push(chunk),
    end(): ParsedReport {
      const data = parseJsonText(chunks.join(""), "istanbul JSON");
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new ConfigurationError("expected an istanbul JSON object keyed by file path, found another JSON value");
      }
      const record = data as Record<string, unknown>;
      const isSummary = expected ? expected === "istanbul-summary" : "total" in record && !("statementMap" in ((record.total as object) ?? {}));
      if (isSummary) {
        const { total: _total, ...files } = record;
        const parsed = validateAs(schemas().summaryReport, files, "istanbul coverage-summary.json");
        return {
          format: "istanbul-summary",
          files: Object.entries(parsed).map(([path, counts]) => ({ ...emptyFileCoverage(path), summary: counts })),
          sourceRoots: [],
        };
      }
      // nyc < 15 wrapped each entry as {"data": {...}}.
      const unwrapped = Object.fromEntries(
        Object.entries(record).map(([key, value]) => [key, value && typeof value === "object" && "data" in value ? (value as { data: unknown }).data : value]),
      );
      const parsed = validateAs(schemas().finalReport, unwrapped, "istanbul coverage-final.json");
      return { format: "istanbul", files: Object.values(parsed).map(fromFinalEntry), sourceRoots: [] };
    },
  };
}
