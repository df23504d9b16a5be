#!/usr/bin/env node
// Benchmark (not a test): the test gate on 200 MB of JUnit XML (Surefire-style suites built from
// the corpus's reports: passes, failures with stack traces, flaky reruns, skips), streamed, in its
// own process so peak RSS is that run's alone. Target: under 4 s and 200 MB on a 2-core machine.
//   npm run bench            (generates bench/.data/test-results once)
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { benchmark, RUNS, record } from "./measure.mjs";

const TARGET_BYTES = 200 * 1024 * 1024;
const FILES = 20;
const tree = resolve(import.meta.dirname, ".data", "test-results");
const corpus = resolve(import.meta.dirname, "../packages/test-helpers/fixtures/tests");

/** Cases as the corpus writes them: a pass, a failure with its trace, a flaky rerun, a skip. */
function caseTemplates() {
  const trace = readFileSync(resolve(corpus, "junit-jest-junit.astoker-todo.junit.xml"), "utf8").match(/<failure>[\s\S]*?<\/failure>/)[0];
  const flaky = readFileSync(resolve(corpus, "junit-surefire-flakyFailure-quarkus.TEST-org.acme.FlakyTest.xml"), "utf8").match(
    /<testcase name="testFlaky"[\s\S]*?<\/testcase>/,
  )[0];
  return [
    (index) => `<testcase name="test${index}" classname="com.acme.orders.OrderServiceTest" time="0.012"/>`,
    (index) =>
      `<testcase name="test${index}" classname="com.acme.orders.OrderServiceTest" time="0.020"><system-out>order ${index} created</system-out></testcase>`,
    (index) => `<testcase name="test${index}" classname="com.acme.orders.OrderServiceTest" time="0.3">${trace}</testcase>`,
    (index) => flaky.replace('name="testFlaky"', `name="testFlaky${index}"`),
    (index) => `<testcase name="test${index}" classname="com.acme.orders.OrderServiceTest" time="0"><skipped message="disabled"/></testcase>`,
  ];
}

async function generate() {
  mkdirSync(tree, { recursive: true });
  const templates = caseTemplates();
  const perFile = TARGET_BYTES / FILES;
  let index = 0;
  for (let file = 0; file < FILES; file += 1) {
    const out = createWriteStream(resolve(tree, `TEST-com.acme.Suite${file}.xml`));
    let written = 0;
    const write = (text) => {
      written += Buffer.byteLength(text);
      return out.write(text) || new Promise((done) => out.once("drain", done));
    };
    await write(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="com.acme.Suite${file}" tests="0" failures="0">\n`);
    while (written < perFile) {
      // Mostly passes, as real suites are; one failure, one flaky and one skip in every 50 cases.
      const kind = index % 50 === 7 ? 2 : index % 50 === 19 ? 3 : index % 50 === 31 ? 4 : index % 2;
      await write(`${templates[kind](index)}\n`);
      index += 1;
    }
    await write("</testsuite>\n");
    await new Promise((done) => out.end(done));
  }
}

async function runOnce() {
  const { runTestGate } = await import("../packages/platform/dist/gates/test.js");
  const started = performance.now();
  const result = await runTestGate({ cwd: tree, overrides: { reports: ["*.xml"], lint: { required: false } } });
  const ms = performance.now() - started;
  const suite = result.report.predicate.details.suites[0];
  return { ms, tests: suite.tests, failed: suite.failed, flaky: suite.flaky, skipped: suite.skipped };
}

await benchmark(import.meta.filename, {
  runOnce,
  async prepare() {
    if (existsSync(tree)) return;
    console.log(`generating ${tree}…`);
    await generate();
  },
  report(median) {
    const bytes = Array.from({ length: FILES }, (_, file) => statSync(resolve(tree, `TEST-com.acme.Suite${file}.xml`)).size).reduce((a, b) => a + b, 0);
    const mib = bytes / 1024 / 1024;
    record(import.meta.filename, {
      input: `${mib.toFixed(0)} MiB JUnit XML, ${median.tests} tests`,
      tool: "release-gates test gate",
      median: median.ms / 1000,
      runs: median.all.map(Number),
      rssMB: median.maxRssMB,
      mibPerSecond: Number((mib / (median.ms / 1000)).toFixed(1)),
    });
    console.log(
      `input: ${tree}: ${FILES} files, ${mib.toFixed(0)} MiB, ${median.tests} tests (${median.failed} failed, ${median.flaky} flaky, ${median.skipped} skipped)`,
    );
    console.log("");
    console.log(`| stage | median time (${RUNS} runs) | runs (s) | throughput | peak RSS |`);
    console.log("| --- | --- | --- | --- | --- |");
    console.log(
      `| test gate: stream, parse, fold retries, decide, report | ${(median.ms / 1000).toFixed(2)} s | ${median.all.join(", ")} | ${(mib / (median.ms / 1000)).toFixed(0)} MiB/s | ${median.maxRssMB} MB |`,
    );
  },
});
