#!/usr/bin/env node
// Benchmark (not a test): parse + evaluate a 100 MB lcov file of 50,000 source
// files with the coverage gate, and parse the same file with the lcov-parse
// package, each in its own process so peak RSS is that run's alone.
//   npm run bench            (generates bench/.data/large.info once)
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { FILES, runCoverageGate, writeOnce } from "./coverage-model.mjs";
import { catFloor, measureInterleaved, RUNS, record } from "./measure.mjs";

const data = resolve(import.meta.dirname, ".data");
const lcovFile = resolve(data, "large.info");

/** lcov of the benchmark's coverage, as genhtml's tools write it. */
function lcovRecord({ path, functions, branches, lines }) {
  const out = [`TN:\nSF:${path}`];
  for (const fn of functions) out.push(`FN:${fn.line},${fn.name}`);
  for (const fn of functions) out.push(`FNDA:${fn.hits},${fn.name}`);
  out.push(`FNF:${functions.length}`, `FNH:${functions.length}`);
  for (const { line, arms } of branches) out.push(`BRDA:${line},0,0,${arms[0] ?? "-"}`, `BRDA:${line},0,1,${arms[1]}`);
  for (const [index, hits] of lines.entries()) out.push(`DA:${index + 1},${hits}`);
  out.push(`LF:${lines.length}`, `LH:${lines.length}`, "end_of_record\n");
  return out.join("\n");
}

const runOurs = () => runCoverageGate(lcovFile, "large.info");

/**
 * What any line parser in JavaScript pays before it parses: the file read as
 * the gate reads it (1 MiB reads, decoded 64 KiB at a time) and every line's
 * end found. `cat` copies bytes without making strings of them.
 */
async function runNodeFloor() {
  const { createReadStream } = await import("node:fs");
  const { StringDecoder } = await import("node:string_decoder");
  const started = performance.now();
  const decoder = new StringDecoder("utf8");
  let lines = 0;
  const count = (text) => {
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", end + 1)) lines += 1;
  };
  for await (const chunk of createReadStream(lcovFile, { highWaterMark: 1024 * 1024 }))
    for (let start = 0; start < chunk.length; start += 64 * 1024) count(decoder.write(chunk.subarray(start, start + 64 * 1024)));
  count(decoder.end());
  return { ms: performance.now() - started, lines };
}

async function runLcovParse() {
  const { createRequire } = await import("node:module");
  const parse = createRequire(import.meta.url)("lcov-parse");
  const started = performance.now();
  const files = await new Promise((done, fail) => parse(lcovFile, (error, result) => (error ? fail(new Error(error)) : done(result))));
  const ms = performance.now() - started;
  let found = 0;
  let hit = 0;
  for (const file of files) {
    for (const detail of file.lines.details) {
      found += 1;
      if (detail.hit > 0) hit += 1;
    }
  }
  return { ms, files: files.length, lines: Math.floor((hit / found) * 10000) / 100 };
}

const mode = process.argv[2];
const RUNNERS = { "--run-ours": runOurs, "--run-lcov-parse": runLcovParse, "--run-node-floor": runNodeFloor };
if (RUNNERS[mode]) {
  const result = await RUNNERS[mode]();
  console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  writeOnce(lcovFile, { serialise: lcovRecord });
  const size = statSync(lcovFile).size;
  const [ours, reference, nodeFloor] = measureInterleaved(import.meta.filename, [["--run-ours"], ["--run-lcov-parse"], ["--run-node-floor"]]);
  const mb = size / 1024 / 1024;
  console.log(`input: ${lcovFile}, ${mb.toFixed(1)} MiB, ${FILES} source files`);
  console.log("");
  console.log(`| tool | median time (${RUNS} runs) | runs (s) | throughput | peak RSS | files | lines % |`);
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const [name, result] of [
    ["release-gates (parse + merge + evaluate)", ours],
    ["lcov-parse 1.0.0 (parse only)", reference],
  ]) {
    console.log(
      `| ${name} | ${(result.ms / 1000).toFixed(2)} s | ${result.all.join(", ")} | ${(mb / (result.ms / 1000)).toFixed(1)} MiB/s | ${result.maxRssMB} MB | ${result.files} | ${result.lines} |`,
    );
  }
  const speedup = reference.ms / ours.ms;
  const floor = catFloor(lcovFile);
  console.log(`| cat (the byte floor) | ${(floor.ms / 1000).toFixed(2)} s | ${floor.all.join(", ")} | ${(mb / (floor.ms / 1000)).toFixed(1)} MiB/s | | | |`);
  console.log(
    `| Node: read, decode, find each line's end (the floor of a parser in JS) | ${(nodeFloor.ms / 1000).toFixed(2)} s | ${nodeFloor.all.join(", ")} | ${(mb / (nodeFloor.ms / 1000)).toFixed(1)} MiB/s | ${nodeFloor.maxRssMB} MB | | |`,
  );
  record(import.meta.filename, {
    input: `${mb.toFixed(1)} MiB lcov, ${FILES} files`,
    tool: "Node: read, decode, find each line's end",
    median: nodeFloor.ms / 1000,
    runs: nodeFloor.all.map(Number),
    rssMB: nodeFloor.maxRssMB,
  });
  record(import.meta.filename, {
    input: `${mb.toFixed(1)} MiB lcov, ${FILES} files`,
    tool: "cat (the byte floor)",
    median: floor.ms / 1000,
    runs: floor.all.map(Number),
  });
  const input = `${mb.toFixed(1)} MiB lcov, ${FILES} files`;
  record(import.meta.filename, {
    input,
    tool: "release-gates coverage (parse + merge + evaluate)",
    median: ours.ms / 1000,
    runs: ours.all.map(Number),
    rssMB: ours.maxRssMB,
    ratio: speedup,
    ratioTo: "lcov-parse",
    timesCat: ours.ms / floor.ms,
    timesNodeFloor: ours.ms / nodeFloor.ms,
  });
  record(import.meta.filename, {
    input,
    tool: "lcov-parse 1.0.0 (parse only)",
    median: reference.ms / 1000,
    runs: reference.all.map(Number),
    rssMB: reference.maxRssMB,
  });
  console.log("");
  console.log(`speed-up over lcov-parse: ${speedup.toFixed(1)}× (target ≥ 8×) ${speedup >= 8 ? "met" : "NOT met"}`);
  console.log(`time against cat of the same file: ${(ours.ms / floor.ms).toFixed(1)}× (target within 15×) ${ours.ms / floor.ms <= 15 ? "met" : "NOT met"}`);
  console.log(`time against Node reading the file's lines: ${(ours.ms / nodeFloor.ms).toFixed(1)}×`);
  console.log(`peak RSS: ${ours.maxRssMB} MB (target < 300 MB) ${ours.maxRssMB < 300 ? "met" : "NOT met"}`);
  if (ours.lines !== reference.lines) console.log(`WARNING: line coverage differs: ${ours.lines} vs ${reference.lines}`);
}
