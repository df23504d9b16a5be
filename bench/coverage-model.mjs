// The coverage the coverage benchmarks generate, format-independent: 50,000
// source files with functions, two-armed branches every ninth line and line
// hits, from one seeded sequence, so lcov and the XML formats describe the
// same coverage and their times compare.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { random } from "./random.mjs";

export const FILES = 50_000;

/** Each file's coverage in order: `{ path, functions: [{ name, line, hits }], branches: [{ line, arms }], lines }` (arms: null for lcov's "-"; lines[i] is line i+1's hits). */
export function* coverageFiles(count = FILES, seed = 42) {
  const next = random(seed);
  for (let file = 0; file < count; file += 1) {
    const functionCount = 4 + Math.floor(next() * 4);
    const functions = [];
    for (let fn = 0; fn < functionCount; fn += 1) functions.push({ name: `fn${fn}`, line: fn * 20 + 1, hits: next() < 0.8 ? Math.floor(next() * 50) + 1 : 0 });
    const lineCount = 150 + Math.floor(next() * 60);
    const branches = [];
    for (let line = 9; line <= lineCount; line += 9) {
      const taken = next() < 0.7 ? Math.floor(next() * 9) : null;
      branches.push({ line, arms: [taken, next() < 0.6 ? Math.floor(next() * 9) : 0] });
    }
    const lines = [];
    for (let line = 1; line <= lineCount; line += 1) lines.push(next() < 0.82 ? Math.floor(next() * 200) + 1 : 0);
    yield { module: file % 500, index: file, path: `src/module${file % 500}/file${file}.ts`, functions, branches, lines };
  }
}

/**
 * Writes `serialise(file)` for every file, or for as many as fit in
 * `maxBytes` (ASCII), with `head` and `tail` around them, to `path`, once:
 * an existing file of at least a byte is kept. Returns how many files it holds.
 */
export function writeOnce(path, { head = "", tail = "", serialise, maxBytes = Number.POSITIVE_INFINITY }) {
  const counted = `${path}.files`;
  if (existsSync(path) && statSync(path).size > 0 && existsSync(counted)) return Number(readFileSync(counted, "utf8"));
  console.log(`writing ${path} once${Number.isFinite(maxBytes) ? ` (up to ${(maxBytes / 1024 / 1024).toFixed(1)} MiB)` : ""}…`);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  writeSync(fd, head);
  let written = head.length + tail.length;
  let files = 0;
  let pending = "";
  for (const file of coverageFiles()) {
    const text = serialise(file);
    if (written + text.length > maxBytes) break;
    written += text.length;
    files += 1;
    pending += text;
    if (pending.length > 1 << 20) {
      writeSync(fd, pending);
      pending = "";
    }
  }
  writeSync(fd, pending + tail);
  closeSync(fd);
  writeFileSync(counted, String(files));
  return files;
}

/** The gate's work on one report, as a CI job runs it: read, resolve paths, evaluate global and per-file thresholds. */
export async function runCoverageGate(path, shown) {
  const { readCoverageReport } = await import("../packages/platform/dist/gates/coverage.js");
  const { CoverageSettings, evaluateCoverage, resolveCoveragePaths } = await import("../packages/core/dist/coverage/index.js");
  const started = performance.now();
  const report = await readCoverageReport(path, shown);
  const resolved = resolveCoveragePaths([report], { repoRoot: "/repo" });
  const evaluation = evaluateCoverage({
    settings: CoverageSettings.parse({ thresholds: { global: { lines: 80, branches: 60 }, perFile: { lines: 50 } } }),
    reports: [{ path: shown, format: report.format, files: report.files.length }],
    coverage: resolved.coverage,
    unmatched: resolved.unmatched,
  });
  const ms = performance.now() - started;
  return { ms, format: report.format, files: resolved.coverage.size, lines: evaluation.details.totals.lines.pct };
}
