#!/usr/bin/env node
// The README's main command: runs the coverage gate on examples/sample-service
// for two environments of its policy, printing each decision table and writing
// the reports. staging passes; testnet, stricter, fails and says why.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const service = resolve(root, "examples/sample-service");
const cli = resolve(root, "packages/cli/dist/main.js");
let broken = false;
for (const environment of ["staging", "testnet"]) {
  const out = resolve(service, "out", environment);
  console.log(`\n=== coverage gate for ${environment} (examples/sample-service) ===\n`);
  const { status } = spawnSync(
    process.execPath,
    [
      cli,
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
    { stdio: "inherit" },
  );
  console.log(
    `\n→ exit code ${status} (${status === 0 ? "gate passed" : status === 1 ? "gate failed: the policy is not met" : "configuration or internal error"}); reports in ${out}`,
  );
  broken ||= status !== 0 && status !== 1;
}
process.exitCode = broken ? 1 : 0;
