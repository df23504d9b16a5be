#!/usr/bin/env node
// Benchmark (not a test): the cold start of every action, as a CI job pays
// it. Each action runs from a freshly built release tree exactly as the runner
// runs it (`node <runs.main>`, INPUT_* variables, GITHUB_OUTPUT…) on a tiny
// input, interleaved with `node -e 0`; the CPU time of the whole process
// (user + system, every thread) is read at its exit. Also the release tree's size.
//   npm run bench   (or: node bench/cold-start.mjs)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { bundleProgram } from "../scripts/bundle.mjs";
import { record } from "./measure.mjs";

const RUNS = 15;
const root = resolve(import.meta.dirname, "..");
const fixtures = join(root, "packages/test-helpers/fixtures");
const tree = join(root, "bench/.data/release");
const preload = join(import.meta.dirname, "process-cpu.cjs");

execFileSync(process.execPath, [join(root, "scripts/release-tree.mjs"), tree], { stdio: "ignore" });
const floor = join(tree, "..", "cold-start-floor.mjs");
await bundleProgram(join(import.meta.dirname, "cold-start-floor.mjs"), floor);

/** A tiny project in its own git repository: a source file, its lcov, a k6 summary, an SBOM and two advisories, a policy and a ledger. */
function tinyProject() {
  const dir = mkdtempSync(join(tmpdir(), "rg-cold-start-"));
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "coverage"));
  mkdirSync(join(dir, "osv"));
  mkdirSync(join(dir, "release-gates"));
  writeFileSync(join(dir, "src/a.js"), "export const a = 1;\n");
  writeFileSync(join(dir, "coverage/lcov.info"), "SF:src/a.js\nDA:1,1\nend_of_record\n");
  cpSync(join(fixtures, "perf/k6-summary/sap-samples-cloud-cap-samples.load-performance.summary-export-legacy.json"), join(dir, "summary.json"));
  cpSync(join(fixtures, "security/sbom/local-workspaces.bare.cdx-1.6.json"), join(dir, "bom.cdx.json"));
  for (const advisory of ["GHSA-5mrr-rgp6-x4gr.json", "GHSA-c7hr-j4mj-j2w6.json"])
    cpSync(join(fixtures, "security/advisories", advisory), join(dir, "osv", advisory));
  writeFileSync(join(dir, "release-gates.yml"), "environments:\n  - name: staging\n  - name: production\n    after: { staging: 1d }\n");
  const git = (...args) =>
    execFileSync("git", args, {
      cwd: dir,
      stdio: "ignore",
      env: { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@x", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@x" },
    });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "tiny");
  return dir;
}

const ACTIONS = {
  "coverage-gate": { report: "coverage/lcov.info" },
  "perf-gate": { summary: "summary.json" },
  "security-gate": { sbom: "bom.cdx.json", advisories: "osv" },
  promote: { history: "ledger", "reports-from": "directory", to: "staging" },
};

function runnerEnv(action, dir, files) {
  const { inputs } = parse(readFileSync(join(tree, action, "action.yml"), "utf8"));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: "true", GITHUB_OUTPUT: files.output, GITHUB_STEP_SUMMARY: files.summary };
  Object.assign(env, {
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: "push",
    GITHUB_REPOSITORY: "acme/tiny",
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: tmpdir(),
  });
  for (const [name, spec] of Object.entries(inputs))
    if (spec.default !== undefined && !String(spec.default).includes("${{")) env[`INPUT_${name.toUpperCase()}`] = spec.default;
  for (const [name, value] of Object.entries({ comment: "false", ...ACTIONS[action] })) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** One process's CPU time in ms, from the preload's report on fd 3. */
function cpu(node, args, options) {
  const child = spawnSync(node, ["--require", preload, ...args], { ...options, stdio: ["ignore", "ignore", "pipe", "pipe"] });
  // A gate that fails its policy exits 1 after a complete run; anything else is a broken benchmark.
  if (child.status !== 0 && child.status !== 1) throw new Error(`${args.join(" ")} exited ${child.status}: ${child.stderr}`);
  return Number(child.output[3].toString());
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const dir = tinyProject();
const files = { output: join(dir, ".out"), summary: join(dir, ".summary"), event: join(dir, ".event.json") };
writeFileSync(files.event, "{}");
// The machine's Node, and the Node 24 that GitHub runs `node24` actions with when the test tools brought one.
const node24 = join(root, "test/tools/node_modules/.bin/node");
const nodes = [process.execPath, ...(existsSync(node24) ? [node24] : [])];
const rows = [];
for (const node of nodes) {
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  for (const action of Object.keys(ACTIONS)) {
    const main = join(tree, action, parse(readFileSync(join(tree, action, "action.yml"), "utf8")).runs.main);
    const env = runnerEnv(action, dir, files);
    const bare = [];
    const ours = [];
    for (let run = 0; run < RUNS; run += 1) {
      writeFileSync(files.output, "");
      writeFileSync(files.summary, "");
      bare.push(cpu(node, ["-e", "0"], { cwd: dir }));
      ours.push(cpu(node, [main], { cwd: dir, env }));
    }
    const outputs = readFileSync(files.output, "utf8");
    if (!/^(status|decision)<</m.test(outputs)) throw new Error(`${action} set no status or decision: ${outputs}`);
    rows.push({ version, action, node: median(bare), action_ms: median(ours) });
  }
  // The floor, measured the same way: the design's packages, a policy read and one output.
  const bare = [];
  const floorRuns = [];
  for (let run = 0; run < RUNS; run += 1) {
    writeFileSync(files.output, "");
    bare.push(cpu(node, ["-e", "0"], { cwd: dir }));
    floorRuns.push(cpu(node, [floor], { cwd: dir, env: runnerEnv("promote", dir, files) }));
  }
  if (!/^status<</m.test(readFileSync(files.output, "utf8"))) throw new Error("the floor program set no status");
  rows.push({ version, action: "floor: @actions/core + zod, the policy read with js-yaml", node: median(bare), action_ms: median(floorRuns) });
}
rmSync(dir, { recursive: true, force: true });

function size(path) {
  const info = statSync(path);
  return info.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0) : info.size;
}

console.log(`Cold start on a tiny input, median CPU time of ${RUNS} runs (user + system, whole process):`);
console.log("");
console.log("| Node | action | node -e 0 | action | ratio |");
console.log("| --- | --- | --- | --- | --- |");
for (const row of rows) {
  console.log(`| ${row.version} | ${row.action} | ${row.node.toFixed(1)} ms | ${row.action_ms.toFixed(1)} ms | ${(row.action_ms / row.node).toFixed(2)}× |`);
  record(import.meta.filename, {
    input: `tiny project, Node ${row.version}`,
    tool: row.action,
    median: row.action_ms / 1000,
    cpu: true,
    ratio: row.action_ms / row.node,
    ratioTo: "node -e 0 (CPU time, as a multiple)",
  });
}
console.log("");
console.log(
  `release tree: ${(size(tree) / 1024 / 1024).toFixed(2)} MiB (lib/ ${(size(join(tree, "lib")) / 1024 / 1024).toFixed(2)}, cli/ ${(size(join(tree, "cli")) / 1024 / 1024).toFixed(2)})`,
);
