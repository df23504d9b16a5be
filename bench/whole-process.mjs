#!/usr/bin/env node
// Benchmark (not a test): what a CI job pays, the whole process included (startup, the
// repository scan, the report): `release-gates coverage` on a 30 MB lcov of 12,500 files in a git
// repository, against lcov-parse in its own process on the same file; `release-gates perf` on
// 200 MB of k6 NDJSON, against jq streaming the same file and sorting. The CLI is the release
// tree's bundle, as users run it. Wall time and peak RSS through GNU time, median of RUNS.
//   npm run bench     (after coverage-lcov and perf-ndjson, whose inputs it cuts from)
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { RUNS, record, repeated } from "./measure.mjs";

const root = resolve(import.meta.dirname, "..");
const data = resolve(import.meta.dirname, ".data");
const cli = resolve(root, "build/release/cli/dist/index.js");
const repo = resolve(data, "whole-process-repo");
const LCOV_FILES = 12_500;
const NDJSON_BYTES = 200 * 1024 * 1024;

/** The first `count` file records of the large lcov, and a git repository holding those files. */
function prepareCoverage() {
  const lcov = resolve(repo, "coverage/lcov.info");
  if (existsSync(lcov)) return lcov;
  mkdirSync(resolve(repo, "coverage"), { recursive: true });
  const source = openSync(resolve(data, "large.info"), "r");
  const out = openSync(lcov, "w");
  const buffer = Buffer.alloc(1 << 20);
  let files = 0;
  let pending = "";
  const paths = [];
  for (let read = readSync(source, buffer); read > 0 && files < LCOV_FILES; read = readSync(source, buffer)) {
    const lines = (pending + buffer.toString("utf8", 0, read)).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (files >= LCOV_FILES) break;
      writeSync(out, `${line}\n`);
      if (line.startsWith("SF:")) paths.push(line.slice(3));
      if (line === "end_of_record") files += 1;
    }
  }
  closeSync(source);
  closeSync(out);
  for (const path of paths) {
    mkdirSync(resolve(repo, path, ".."), { recursive: true });
    writeFileSync(resolve(repo, path), "export {};\n");
  }
  writeFileSync(resolve(repo, "release-gates.yml"), "version: 1\ngates:\n  coverage:\n    thresholds:\n      global: { lines: 80 }\n");
  const git = (...args) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "sources");
  return lcov;
}

/** The first 200 MB of the 1 GiB k6 NDJSON, cut at a line end. */
function preparePerf() {
  const ndjson = resolve(repo, "k6.ndjson");
  if (existsSync(ndjson)) return ndjson;
  const source = openSync(resolve(data, "k6-1g.ndjson"), "r");
  const buffer = Buffer.alloc(NDJSON_BYTES + 64 * 1024);
  const read = readSync(source, buffer, 0, buffer.length, 0);
  closeSync(source);
  const end = buffer.lastIndexOf(10, Math.min(read, NDJSON_BYTES)) + 1;
  writeFileSync(ndjson, buffer.subarray(0, end));
  return ndjson;
}

/** Wall time and peak RSS of a whole process, median of RUNS. */
function timed(command, args, options = {}) {
  const { median, runs, all } = repeated(() => {
    const started = performance.now();
    const child = spawnSync("/usr/bin/time", ["-f", "%M", command, ...args], { cwd: repo, encoding: "utf8", maxBuffer: 64 << 20, ...options });
    const ms = performance.now() - started;
    if (child.status !== 0 && child.status !== 1) throw new Error(`${command} ${args.join(" ")} exited ${child.status}: ${child.stderr.slice(-500)}`);
    return { ms, rssMB: Math.round(Number(child.stderr.trim().split("\n").pop()) / 1024) };
  });
  return { ...median, all: all.map(Number), rssMB: Math.max(...runs.map((run) => run.rssMB)) };
}

if (!existsSync(cli)) throw new Error(`no CLI bundle at ${cli}: run npm run release-tree -- build/release first`);
if (!existsSync(resolve(data, "large.info")) || !existsSync(resolve(data, "k6-1g.ndjson")))
  throw new Error("run bench/coverage-lcov.mjs and bench/perf-ndjson.mjs first: their inputs are cut here");
const lcov = prepareCoverage();
const ndjson = preparePerf();
const lcovParse = `const p=require(${JSON.stringify(resolve(root, "node_modules/lcov-parse"))});p(${JSON.stringify(lcov)},(e,r)=>{if(e)throw new Error(e);console.log(r.length)})`;
const rows = [
  {
    input: `${(statSync(lcov).size / 1024 / 1024).toFixed(0)} MB lcov, ${LCOV_FILES} files in a git repository`,
    ours: timed(process.execPath, [cli, "coverage", "--report", "coverage/lcov.info", "--format", "json", "--report-out", "/dev/null"]),
    oursName: "release-gates coverage (CLI bundle, whole process)",
    theirs: timed(process.execPath, ["-e", lcovParse]),
    theirsName: "lcov-parse 1.0.0 (its own process, parse only)",
  },
  {
    input: `${(statSync(ndjson).size / 1024 / 1024).toFixed(0)} MB k6 NDJSON`,
    ours: timed(process.execPath, [
      cli,
      "perf",
      "--results",
      "k6.ndjson",
      "--threshold",
      "http_req_duration=p(95)<1000",
      "--format",
      "json",
      "--report-out",
      "/dev/null",
    ]),
    oursName: "release-gates perf (CLI bundle, whole process)",
    theirs: timed("jq", [
      "-n",
      '[inputs | select(.type == "Point" and .metric == "http_req_duration") | .data.value] | sort | ((length - 1) * 0.95) as $r | .[($r | floor)] + (.[($r | ceil)] - .[($r | floor)]) * ($r - ($r | floor))',
      "k6.ndjson",
    ]),
    theirsName: "jq 1.6 (stream, select, sort, p95)",
  },
];
console.log(`Whole processes, wall time, median of ${RUNS} (GNU time for peak RSS):`);
console.log("");
console.log("| input | tool | median | runs (s) | peak RSS | ratio |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const row of rows) {
  const ratio = row.theirs.ms / row.ours.ms;
  console.log(
    `| ${row.input} | ${row.oursName} | ${(row.ours.ms / 1000).toFixed(2)} s | ${row.ours.all.join(", ")} | ${row.ours.rssMB} MB | ${ratio.toFixed(1)}× faster |`,
  );
  console.log(`| | ${row.theirsName} | ${(row.theirs.ms / 1000).toFixed(2)} s | ${row.theirs.all.join(", ")} | ${row.theirs.rssMB} MB | |`);
  record(import.meta.filename, {
    input: row.input,
    tool: row.oursName,
    median: row.ours.ms / 1000,
    runs: row.ours.all,
    rssMB: row.ours.rssMB,
    ratio,
    ratioTo: row.theirsName,
  });
  record(import.meta.filename, { input: row.input, tool: row.theirsName, median: row.theirs.ms / 1000, runs: row.theirs.all, rssMB: row.theirs.rssMB });
}
