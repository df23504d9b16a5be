#!/usr/bin/env node
// The README's main command, on examples/sample-service, with the CLI bundle
// `npm run demo` builds first:
//  1. every gate: coverage for two environments of its policy (staging passes;
//     testnet, stricter, fails and says by how much), security (a vulnerable
//     lodash, with the fix), perf (k6 results against the policy's
//     thresholds) and observability for testnet (everything in the repository
//     holds, but testnet wants the rules and dashboards seen live), writing
//     their reports to examples/sample-service/out/;
//  2. the promotion chain as of a fixed time, from the gate reports and the
//     deployment ledger in examples/sample-service/release-gates: the plan of a
//     commit (it waits for its two weeks on testnet), then a commit whose
//     canary failed its analysis (it is rolled back to what mainnet runs);
//  3. a table of what each step decided.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const service = resolve(root, "examples/sample-service");
const cli = resolve(root, "build/demo/cli/dist/index.js");
const NOW = "2026-11-26T09:00:00Z";
const COMMIT = "b7e2d94c1a3f5068e2d4c6b8a0f1e3d5c7b9a2e4";
const CANARY_COMMIT = "c3d9a1e7b5f2048c6e8a0d2f4b6c8e0a1c3e5f79";
const GATE_OUTCOME = { 0: "pass", 1: "fail: the policy is not met" };
// promote's first line is its decision: "WAIT: wait for canary until …", "ROLLBACK: roll back canary to …".
const PROMOTE_OUTCOME = (output) => output.split("\n", 1)[0].replace(/^[A-Z]+: /, "");
const steps = [];

function run(title, args, outcomes) {
  console.log(`\n=== ${title} ===\n`);
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  const outcome = status > 1 ? "configuration or internal error" : typeof outcomes === "function" ? outcomes(stdout) : outcomes[status];
  console.log(`\n→ exit code ${status} (${outcome})`);
  steps.push({ title, status, outcome });
}

const outputs = (name) => {
  const out = resolve(service, "out", name);
  return ["--report-out", resolve(out, "report.json"), "--summary-out", resolve(out, "summary.md")];
};
for (const environment of ["staging", "testnet"]) {
  run(
    `coverage gate for ${environment}`,
    [
      "coverage",
      "--cwd",
      service,
      "--env",
      environment,
      ...outputs(environment),
      "--cobertura-out",
      resolve(service, "out", environment, "coverage.cobertura.xml"),
    ],
    GATE_OUTCOME,
  );
}
run("security gate: dependencies against an OSV snapshot, and secrets", ["security", "--cwd", service, ...outputs("security")], GATE_OUTCOME);
run("perf gate: k6 results against the policy's thresholds", ["perf", "--cwd", service, ...outputs("perf")], GATE_OUTCOME);
run(
  "observability gate for testnet: SLO alerts, dashboards, runbooks, telemetry",
  ["observability", "--cwd", service, "--env", "testnet", ...outputs("observability")],
  GATE_OUTCOME,
);

const chain = ["--cwd", service, "--reports", "release-gates/reports", "--ledger", "release-gates/ledger.ndjson", "--now", NOW];
run(`plan for ${COMMIT.slice(0, 12)} as of ${NOW}`, ["plan", "--commit", COMMIT, ...chain], { 0: "where it could go, and when" });
run(`promote ${COMMIT.slice(0, 12)} to the next environment`, ["promote", "--to", "next", "--commit", COMMIT, ...chain], PROMOTE_OUTCOME);
run(
  `promote ${CANARY_COMMIT.slice(0, 12)}, running as the 5 % canary`,
  ["promote", "--to", "next", "--commit", CANARY_COMMIT, "--analysis", "release-gates/canary-analysis.json", ...chain],
  PROMOTE_OUTCOME,
);

const width = Math.max(...steps.map((step) => step.title.length));
console.log(`\n=== what each step decided ===\n\n${"step".padEnd(width)}  exit  outcome`);
for (const step of steps) console.log(`${step.title.padEnd(width)}  ${String(step.status).padEnd(4)}  ${step.outcome}`);
console.log(`\nReports and summaries: ${resolve(service, "out")}/`);
process.exitCode = steps.some((step) => step.status !== 0 && step.status !== 1) ? 1 : 0;
