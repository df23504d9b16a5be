import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildReport } from "@release-gates/core";
import { parseLedger } from "@release-gates/core/promote";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const C = "c".repeat(40);
let dir: string;

const POLICY = `environments:
  - name: staging
    requires: [coverage]
  - name: testnet
    requires: [coverage]
    after: { staging: 1d }
  - name: mainnet
    requires: [coverage]
    after: { testnet: 14d }
    rollout: { steps: [5, 25, 100], wait: 24h }
`;

function coverageReport(commit: string, status: "pass" | "fail") {
  return buildReport({
    gate: "coverage-gate",
    subject: [{ name: "acme/service", digest: { gitCommit: commit } }],
    checks: [{ id: "global.lines", status, measured: 85, threshold: 80, unit: "%", message: `Lines ${status}.` }],
    findings: [],
    details: {},
    inputs: [],
    policy: {},
    startedAt: new Date("2026-11-20T00:00:00Z"),
    finishedAt: new Date("2026-11-20T00:01:00Z"),
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rg-promote-"));
  writeFileSync(join(dir, "release-gates.yml"), POLICY);
  mkdirSync(join(dir, "reports"));
  writeFileSync(join(dir, "reports/coverage.json"), JSON.stringify(coverageReport(C, "pass")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { cwd: dir, env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("release-gates promote and plan, in process", () => {
  it("promotes along the chain, recording each step, and waits for the soak", async () => {
    const common = ["--commit", C, "--reports", "reports", "--record"];
    const first = await cli(["promote", "--to", "next", ...common, "--now", "2026-11-24T10:00:00Z"]);
    expect(first).toMatchObject({
      code: 0,
      stdout:
        "PROMOTE: promote to staging at 100 %\n- Promote cccccccccccc to staging at 100 % with coverage passed for this commit.\n" +
        "  used coverage (pass, base settings, 2026-11-20T00:01:00Z): reports/coverage.json\n",
    });
    const second = await cli(["promote", "--to", "next", ...common, "--now", "2026-11-24T12:00:00Z", "--format", "json"]);
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toMatchObject({ decision: "wait", environment: "testnet", waitUntil: "2026-11-25T10:00:00Z" });
    const third = await cli(["promote", "--to", "testnet", ...common, "--now", "2026-11-25T10:00:00Z", "--summary-out", "out/summary.md"]);
    expect(third.code).toBe(0);
    expect(readFileSync(join(dir, "out/summary.md"), "utf8")).toContain("```mermaid");
    const ledger = parseLedger(readFileSync(join(dir, "release-gates/ledger.ndjson"), "utf8"));
    expect(ledger.map((entry) => [entry.environment, entry.event, entry.time])).toEqual([
      ["staging", "deployed", "2026-11-24T10:00:00Z"],
      ["testnet", "deployed", "2026-11-25T10:00:00Z"],
    ]);
    const plan = await cli(["plan", "--commit", C, "--reports", "reports", "--now", "2026-11-26T00:00:00Z", "--format", "json"]);
    expect(
      JSON.parse(plan.stdout).plan.map((step: { environment: string; decision: string; waitUntil: string | null }) => [
        step.environment,
        step.decision,
        step.waitUntil,
      ]),
    ).toEqual([
      ["staging", "hold", null],
      ["testnet", "hold", null],
      ["mainnet", "wait", "2026-12-09T10:00:00Z"],
    ]);
  });

  it("a failed gate holds, and break-glass promotes only with a second person, recorded in the ledger", async () => {
    writeFileSync(join(dir, "reports/coverage.json"), JSON.stringify(coverageReport(C, "fail")));
    const held = await cli(["promote", "--to", "staging", "--commit", C, "--reports", "reports", "--now", "2026-11-24T10:00:00Z"]);
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(/^HOLD: hold: staging is not possible now\n- The coverage gate failed for cccccccccccc \(reports\/coverage\.json\)/);
    const override = ["--override-reason", "outage hotfix", "--requested-by", "alice", "--approved-by", "bob", "--override-expires", "2026-11-25T00:00:00Z"];
    const forced = await cli(["promote", "--to", "staging", "--commit", C, "--reports", "reports", "--now", "2026-11-24T10:00:00Z", "--record", ...override]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("! bypassed: staging at 2026-11-24T10:00:00Z: requested by alice, approved by bob: outage hotfix");
    expect(parseLedger(readFileSync(join(dir, "release-gates/ledger.ndjson"), "utf8"))[0]?.bypass).toMatchObject({ approvedBy: "bob" });
  });

  it("no reports directory yet is a hold that says where it looked, not a usage error", async () => {
    const held = await cli(["promote", "--to", "staging", "--commit", C, "--reports", "missing", "--now", "2026-11-24T10:00:00Z"]);
    expect(held.code).toBe(1);
    expect(held.stdout).toContain(
      "No coverage report for cccccccccccc: run the coverage gate on this commit before promoting to staging (no reports were found: missing does not exist).",
    );
  });

  it.each([
    [["promote", "--commit", C], /^release-gates promote: --to: expected the target environment or "next", found none\n$/],
    [["promote", "--to", "prod", "--commit", C], /--to: expected "next" or one of the policy's environments \(staging, testnet, mainnet\), found "prod"/],
    [["promote", "--to", "next", "--commit", C, "--now", "tomorrow"], /--now: expected an ISO-8601 time/],
    [
      ["promote", "--to", "next", "--commit", C, "--requested-by", "alice"],
      /expected all of --override-reason, --requested-by, --approved-by, --override-expires/,
    ],
    [["promote", "--to", "next", "--commit", "not-a-sha"], /--commit: expected a commit SHA, found "not-a-sha"/],
  ])("%j is a usage error", async (args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("init writes the release process's chain, and will not overwrite a policy", async () => {
    const empty = mkdtempSync(join(tmpdir(), "rg-init-"));
    try {
      const run = (args: string[]) => main(args, { cwd: empty, env: {}, stdout: () => {}, stderr: () => {} });
      expect(await run(["init"])).toBe(0);
      expect(readFileSync(join(empty, "release-gates.yml"), "utf8")).toContain("after: { testnet: 14d }");
      expect(await run(["init"])).toBe(2);
      expect(await run(["init", "--force"])).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("a policy whose chain cannot work is refused before deciding", async () => {
    writeFileSync(join(dir, "release-gates.yml"), "environments:\n  - name: a\n    rollout: { steps: [5, 50], wait: 1h }\n");
    const result = await cli(["promote", "--to", "next", "--commit", C]);
    expect(result).toMatchObject({
      code: 2,
      stderr: "release-gates promote: release-gates.yml: environments[0].rollout.steps: expected traffic percentages rising to 100, found [5, 50]\n",
    });
  });
});
