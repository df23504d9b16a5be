import { describe, expect, it } from "vitest";
import { cleanEnv, repoRoot, runProcess } from "./support.js";

describe("npm run demo, the README's first command", () => {
  it("builds only the CLI, runs every gate and promote on the sample service, and ends with what each step decided", async () => {
    const result = await runProcess("npm", ["run", "--silent", "demo"], { cwd: repoRoot, env: cleanEnv(), timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const table = result.stdout.slice(result.stdout.indexOf("=== what each step decided ==="));
    for (const [step, outcome] of [
      ["coverage gate for staging", /0\s+pass/],
      ["coverage gate for testnet", /1\s+fail: the policy is not met/],
      ["security gate: dependencies against an OSV snapshot, and secrets", /1\s+fail: the policy is not met/],
      ["perf gate: k6 results against the policy's thresholds", /0\s+pass/],
      ["observability gate for testnet: SLO alerts, dashboards, runbooks, telemetry", /1\s+fail: the policy is not met/],
      ["promote b7e2d94c1a3f to the next environment", /1\s+wait for canary until 2026-12-07T09:00:00Z/],
      ["promote c3d9a1e7b5f2, running as the 5 % canary", /1\s+roll back canary to a1f0c3e58d2b/],
    ] as const) {
      const line = table.split("\n").find((candidate) => candidate.startsWith(step));
      expect(line, step).toMatch(outcome);
    }
    expect(result.stdout).toContain("lodash@4.17.20 has GHSA-35jh-r3h4-6jhm, CVE-2021-23337 (high 7.2)");
    expect(result.stdout).toContain("Live verification is required here, but no Prometheus address was given");
  });
});
