import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

/** How many times each measured run is repeated: a shared 2-core VM is noisy, so the median counts. */
export const RUNS = 3;

/** One fresh process of `script ...args`, whose last stdout line is a JSON result with `ms` and `maxRssMB`. */
function runScript(script, args) {
  const child = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

/** Runs sorted by time: the median run, the highest peak RSS and every run's seconds. */
function summarise(runs) {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  return {
    ...sorted[Math.floor(sorted.length / 2)],
    maxRssMB: Math.max(...sorted.map((run) => run.maxRssMB)),
    all: sorted.map((run) => (run.ms / 1000).toFixed(2)),
  };
}

/**
 * Runs `script flag ...args` RUNS times, each in a fresh process (see
 * runScript); returns the median run, the highest peak RSS and every run's seconds.
 */
export function measure(script, flag, ...args) {
  return measureInterleaved(script, [[flag, ...args]])[0];
}

/**
 * `measure` for tools compared with each other: RUNS rounds, each running
 * every variant once in turn, so a machine that speeds up or slows down
 * during the benchmark moves all of them alike rather than whichever ran
 * in that stretch (the same session's lcov-parse took 7.9 s in one run and
 * 9.6 s in another).
 */
export function measureInterleaved(script, variants) {
  const runs = variants.map(() => []);
  for (let round = 0; round < RUNS; round += 1) for (const [index, args] of variants.entries()) runs[index].push(runScript(script, args));
  return runs.map(summarise);
}

/** `once` (returning at least `ms`) run RUNS times: the median run, every run by time, and their seconds as printed. */
export function repeated(once) {
  const runs = Array.from({ length: RUNS }, once).sort((a, b) => a.ms - b.ms);
  return { median: runs[Math.floor(RUNS / 2)], runs, all: runs.map((run) => (run.ms / 1000).toFixed(2)) };
}

/**
 * A benchmark file's entry point. Run with `--run`, it measures `runOnce`
 * in this process and prints the result with its peak RSS (what `measure`
 * reads); otherwise it generates its input once (`prepare`) and lets
 * `report` print the median of RUNS fresh processes.
 */
export async function benchmark(script, { runOnce, prepare, report }) {
  if (process.argv[2] === "--run") {
    const result = await runOnce();
    console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
    return;
  }
  await prepare();
  report(measure(script, "--run"));
}

const recorded = [];
const resultsFile = new URL("./results.json", import.meta.url);

/**
 * Keeps a result row for bench/results.json, written when the benchmark
 * ends: the input, the tool, the median and every run (seconds), peak RSS
 * (MB), and the ratio to what it is compared with. Rows of the other
 * benchmarks are kept, so `npm run bench` leaves every one of them there and
 * a single benchmark run updates only its own.
 */
export function record(script, row) {
  recorded.push({
    bench: script
      .split("/")
      .pop()
      .replace(/\.mjs$/, ""),
    ...row,
  });
}

process.on("exit", () => {
  if (recorded.length === 0) return;
  const benches = new Set(recorded.map((row) => row.bench));
  let previous = [];
  try {
    previous = JSON.parse(readFileSync(resultsFile, "utf8")).results.filter((row) => !benches.has(row.bench));
  } catch {
    // No results yet, or a file from another layout: this run's rows are the start.
  }
  const results = [...previous, ...recorded.map((row) => ({ ...row, measuredAt: new Date().toISOString(), node: process.version }))];
  writeFileSync(resultsFile, `${JSON.stringify({ machine: `${cpus().length} cores, ${cpus()[0]?.model ?? "unknown"}`, results }, null, 2)}\n`);
});

/** The byte floor: `cat` of the same file to /dev/null, median of RUNS (what no reader of the file can beat). */
export function catFloor(path) {
  const { median, all } = repeated(() => {
    const started = performance.now();
    const child = spawnSync("sh", ["-c", 'cat "$0" > /dev/null', path]);
    if (child.status !== 0) throw new Error(`cat ${path} failed`);
    return { ms: performance.now() - started };
  });
  return { ms: median.ms, all };
}
