#!/usr/bin/env node
// The README's main command, on examples/sample-service:
//  1. the coverage gate for two environments of its policy (staging passes;
//     testnet, stricter, fails and says why), writing the reports;
//  2. the promotion chain as of a fixed time, from the gate reports and the
//     deployment ledger in examples/sample-service/release-gates: the plan of a
//     new commit (it waits for its two weeks on testnet), then a commit whose
//     canary failed its analysis (it is rolled back to what mainnet runs).
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const service = resolve(root, "examples/sample-service");
const cli = resolve(root, "build/demo/cli/dist/index.js");
const NOW = "2026-11-26T09:00:00Z";
const NEW_COMMIT = "b7e2d94c1a3f5068e2d4c6b8a0f1e3d5c7b9a2e4";
const CANARY_COMMIT = "c3d9a1e7b5f2048c6e8a0d2f4b6c8e0a1c3e5f79";
let broken = false;

function run(title, args, meaning) {
  console.log(`\n=== ${title} ===\n`);
  const { status } = spawnSync(process.execPath, [cli, ...args], { stdio: "inherit" });
  console.log(`\n→ exit code ${status} (${meaning(status)})`);
  broken ||= status !== 0 && status !== 1;
}

for (const environment of ["staging", "testnet"]) {
  const out = resolve(service, "out", environment);
  run(
    `coverage gate for ${environment} (examples/sample-service)`,
    [
      "coverage",
      "--cwd",
      service,
      "--env",
      environment,
      "--report-out",
      resolve(out, "coverage-report.json"),
      "--summary-out",
      resolve(out, "coverage-summary.md"),
      "--cobertura-out",
      resolve(out, "coverage.cobertura.xml"),
    ],
    (status) =>
      status === 0
        ? `gate passed; reports in ${out}`
        : status === 1
          ? `gate failed: the policy is not met; reports in ${out}`
          : "configuration or internal error",
  );
}

const chain = ["--cwd", service, "--reports", "release-gates/reports", "--ledger", "release-gates/ledger.ndjson", "--now", NOW];
run(`plan for ${NEW_COMMIT.slice(0, 12)} as of ${NOW}`, ["plan", "--commit", NEW_COMMIT, ...chain], () => "where it could go, and when");
run(`promote ${NEW_COMMIT.slice(0, 12)} to the next environment`, ["promote", "--to", "next", "--commit", NEW_COMMIT, ...chain], (status) =>
  status === 0 ? "promote" : "not now: see why above",
);
run(
  `promote ${CANARY_COMMIT.slice(0, 12)}, running as the 5 % canary`,
  ["promote", "--to", "next", "--commit", CANARY_COMMIT, "--analysis", "release-gates/canary-analysis.json", ...chain],
  (status) => (status === 0 ? "promote" : "not promoted: see the decision above"),
);
process.exitCode = broken ? 1 : 0;
