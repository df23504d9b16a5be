#!/usr/bin/env node
// Benchmark (not a test): stream a 1 GB k6 `--out json` NDJSON file through
// the perf gate (parse + aggregate + p(95) of http_req_duration) and compute
// the same p(95) with jq in the same run. Each tool runs in its own process;
// peak RSS is that process's own.
//   npm run bench:perf      (generates bench/.data/k6-1g.ndjson once)
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { catFloor, measure, RUNS, record } from "./measure.mjs";
import { random } from "./random.mjs";

const TARGET_BYTES = 1024 * 1024 * 1024;
const data = resolve(import.meta.dirname, ".data");
const file = resolve(data, "k6-1g.ndjson");
const TRENDS = [
  "http_req_duration",
  "http_req_blocked",
  "http_req_connecting",
  "http_req_tls_handshaking",
  "http_req_sending",
  "http_req_waiting",
  "http_req_receiving",
];

/** k6-shaped lines: Metric declarations, then per request one Point per HTTP metric, with k6's tags. */
function generate() {
  mkdirSync(data, { recursive: true });
  const next = random(7);
  const fd = openSync(file, "w");
  const declare = (name, type, contains) =>
    `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${name}"}\n`;
  let header =
    declare("http_reqs", "counter", "default") +
    declare("http_req_failed", "rate", "default") +
    declare("checks", "rate", "default") +
    declare("vus", "gauge", "default");
  for (const trend of TRENDS) header += declare(trend, "trend", "time");
  writeSync(fd, header);
  let written = header.length;
  const endpoints = ["home", "login", "search", "cart", "checkout"];
  for (let request = 0; written < TARGET_BYTES; request += 1) {
    const seconds = Math.floor(request / 2000);
    const time = `2026-11-26T0${Math.floor(seconds / 3600) % 10}:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}.${String(request % 1000).padStart(3, "0")}123456Z`;
    const name = endpoints[request % endpoints.length];
    const failed = next() < 0.005;
    const tags = `{"expected_response":"${!failed}","group":"","method":"GET","name":"${name}","proto":"HTTP/1.1","scenario":"default","status":"${failed ? 500 : 200}","tls_version":"tls1.3","url":"https://test.k6.io/${name}"}`;
    const duration = 80 * Math.exp(0.4 * Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next()));
    let lines = `{"metric":"http_reqs","type":"Point","data":{"time":"${time}","value":1,"tags":${tags}}}\n`;
    lines += `{"metric":"http_req_failed","type":"Point","data":{"time":"${time}","value":${failed ? 1 : 0},"tags":${tags}}}\n`;
    for (const trend of TRENDS) {
      const value = trend === "http_req_duration" ? duration : trend === "http_req_waiting" ? duration * 0.9 : next() * 2;
      lines += `{"metric":"${trend}","type":"Point","data":{"time":"${time}","value":${value.toFixed(6)},"tags":${tags}}}\n`;
    }
    if (request % 20 === 0) lines += `{"metric":"vus","type":"Point","data":{"time":"${time}","value":${50 + (request % 50)},"tags":{}}}\n`;
    writeSync(fd, lines);
    written += lines.length;
  }
  closeSync(fd);
}

async function runOurs() {
  const { createK6ResultsParser } = await import("../packages/core/dist/perf/index.js");
  const { streamTextFile } = await import("../packages/platform/dist/index.js");
  const started = performance.now();
  const parser = createK6ResultsParser();
  await streamTextFile(file, "k6-1g.ndjson", "k6 NDJSON", (text) => parser.write(text));
  const results = parser.end();
  const p95 = results.metrics.get("http_req_duration").aggregate("p", 95, undefined);
  return { ms: performance.now() - started, p95, samples: results.metrics.get("http_req_duration").count };
}

const mode = process.argv[2];
if (mode === "--run-ours") {
  const result = await runOurs();
  console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  if (!existsSync(file) || statSync(file).size < TARGET_BYTES) {
    console.log(`generating ${file} (1 GiB of k6 NDJSON)…`);
    generate();
  }
  const size = statSync(file).size / 1024 / 1024;
  // Ours is the median of RUNS (one run alone once took 3.5 s against 2.0-2.3 s in every other); jq's 20 s, once.
  const mine = measure(import.meta.filename, "--run-ours");
  // jq: select the samples, sort, and take k6's interpolated p(95).
  const program =
    '[inputs | select(.type == "Point" and .metric == "http_req_duration") | .data.value] | sort | ((length - 1) * 0.95) as $r | .[($r | floor)] + (.[($r | ceil)] - .[($r | floor)]) * ($r - ($r | floor))';
  const jqStart = performance.now();
  const jq = spawnSync("/usr/bin/time", ["-f", "%M", "jq", "-n", program, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  const jqMs = performance.now() - jqStart;
  if (jq.status !== 0) throw new Error(`jq failed (is it installed? apt-get install -y jq): ${jq.stderr}`);
  const jqP95 = Number(jq.stdout.trim());
  const jqRss = Math.round(Number(jq.stderr.trim().split("\n").pop()) / 1024);
  console.log(`input: ${file}, ${size.toFixed(0)} MiB, ${mine.samples} http_req_duration samples`);
  console.log("");
  console.log("| tool | time | throughput | peak RSS | p(95) http_req_duration |");
  console.log("| --- | --- | --- | --- | --- |");
  console.log(
    `| release-gates perf (parse + aggregate every metric + p95), median of ${RUNS} | ${(mine.ms / 1000).toFixed(2)} s | ${(size / (mine.ms / 1000)).toFixed(1)} MiB/s | ${mine.maxRssMB} MB | ${mine.p95.toFixed(6)} |`,
  );
  console.log(
    `| jq 1.6 (select + sort + p95) | ${(jqMs / 1000).toFixed(2)} s | ${(size / (jqMs / 1000)).toFixed(1)} MiB/s | ${jqRss} MB | ${jqP95.toFixed(6)} |`,
  );
  const speedup = jqMs / mine.ms;
  const floor = catFloor(file);
  console.log(`| cat (the byte floor) | ${(floor.ms / 1000).toFixed(2)} s | ${(size / (floor.ms / 1000)).toFixed(1)} MiB/s | | |`);
  record(import.meta.filename, {
    input: `${size.toFixed(0)} MiB k6 NDJSON`,
    tool: "cat (the byte floor)",
    median: floor.ms / 1000,
    runs: floor.all.map(Number),
  });
  const input = `${size.toFixed(0)} MiB k6 NDJSON, ${mine.samples} samples`;
  record(import.meta.filename, {
    input,
    tool: "release-gates perf (parse + aggregate + p95)",
    median: mine.ms / 1000,
    runs: mine.all.map(Number),
    rssMB: mine.maxRssMB,
    ratio: speedup,
    ratioTo: "jq",
  });
  record(import.meta.filename, { input, tool: "jq (select + sort + p95)", median: jqMs / 1000, runs: [jqMs / 1000], rssMB: jqRss });
  console.log("");
  console.log(
    `speed-up over jq: ${speedup.toFixed(1)}× (target ≥ 6×) ${speedup >= 6 ? "met" : "NOT met"}; ${(size / (mine.ms / 1000)).toFixed(0)} MiB/s (target ≥ 170) ${size / (mine.ms / 1000) >= 170 ? "met" : "NOT met"}`,
  );
  console.log(`peak RSS: ${mine.maxRssMB} MB (target < 200 MB) ${mine.maxRssMB < 200 ? "met" : "NOT met"}`);
  if (Math.abs(mine.p95 - jqP95) > 1e-6 * Math.max(1, Math.abs(jqP95))) console.log(`WARNING: p(95) differs: ${mine.p95} vs ${jqP95}`);
}
