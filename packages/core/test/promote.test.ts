import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../src/durations.js";
import { ConfigurationError } from "../src/errors.js";
import { GATES } from "../src/gates.js";
import { resolveGateSettings } from "../src/policy/load.js";
import { parsePolicy } from "../src/policy/parse.js";
import { inWindow, nextOpening } from "../src/promote/calendar.js";
import { decidePromotion, type PromotionInput, planPromotions } from "../src/promote/decide.js";
import { type LedgerEntry, ledgerLine, parseLedger } from "../src/promote/ledger.js";
import { assertPolicyValid, lintPolicy } from "../src/promote/lint.js";
import { renderPlanMarkdown, renderPlanText, renderPromotionMermaid } from "../src/promote/render.js";
import { buildReport } from "../src/report/build.js";
import type { Check } from "../src/report/schema.js";
import { signoffGate } from "../src/signoff/gate.js";

const C = "c".repeat(40);
const D = "d".repeat(40);

const { policy } = parsePolicy(`
environments:
  - name: development
  - name: staging
    requires: [coverage]
  - name: testnet
    requires: [coverage, perf]
    after: { staging: 1d }
  - name: canary
    requires: [coverage]
    after: { testnet: 14d }
    canary: { traffic: 5, watch: 24h }
    rollbackTo: mainnet
  - name: mainnet
    requires: [coverage]
    after: { canary: 48h }
    rollout: { steps: [5, 25, 100], wait: 24h }
    freeze:
      deny:
        - { days: [fri], timezone: Europe/Berlin, reason: no mainnet promotions on Fridays }
        - { from: "2026-12-20", to: "2027-01-05", timezone: Europe/Berlin, reason: holiday freeze }
`);

function report(gate: string, commit: string, status: Check["status"] = "pass") {
  return buildReport({
    gate,
    subject: [{ name: "acme/service", digest: { gitCommit: commit } }],
    checks: [{ id: "x", status, measured: 1, threshold: 1, message: `${gate} says ${status}.` }],
    findings: [],
    details: {},
    inputs: [],
    policy: {},
    startedAt: new Date("2026-11-01T00:00:00Z"),
    finishedAt: new Date("2026-11-01T00:01:00Z"),
  });
}

const passing = [
  { source: "coverage-report.json", report: report("coverage-gate", C) },
  { source: "perf-report.json", report: report("perf-gate", C) },
];
const entry = (environment: string, time: string, fields: Partial<LedgerEntry> = {}): LedgerEntry => ({
  commit: C,
  environment,
  time,
  event: "deployed",
  traffic: 100,
  ...fields,
});

function decide(fields: Partial<PromotionInput>) {
  return decidePromotion({ policy, commit: C, target: "next", reports: passing, history: [], now: new Date("2026-11-24T10:00:00Z"), ...fields });
}

describe("the decision table", () => {
  it("a new commit goes to the first environment", () => {
    expect(decide({})).toMatchObject({ decision: "promote", environment: "development", trafficPercent: 100 });
  });

  it("a required gate without a report for this commit holds, naming the commits that do have one", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    expect(decide({ history, reports: [] })).toMatchObject({
      decision: "hold",
      environment: "staging",
      reasons: ["No coverage report for cccccccccccc: run the coverage gate on this commit before promoting to staging."],
    });
    const other = decide({ history, reports: [{ source: "old.json", report: report("coverage-gate", D) }] });
    expect(other.reasons[0]).toBe(
      "No coverage report for cccccccccccc: the ones found are for dddddddddddd, and a report only counts for the commit it judged.",
    );
  });

  it("a failed gate and a file that is not a gate report hold, each named", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    const result = decide({
      history,
      reports: [
        { source: "coverage-report.json", report: report("coverage-gate", C, "fail") },
        { source: "notes.json", report: { hello: "world" } },
        { source: "broken.json", report: { ...report("perf-gate", C), predicate: { gate: "perf-gate" } } },
      ],
    });
    expect(result.decision).toBe("hold");
    expect(result.reasons).toEqual([
      expect.stringMatching(/^broken\.json is not a gate report and was not counted: predicate\.status: expected/),
      "The coverage gate failed for cccccccccccc (coverage-report.json): coverage-gate failed 1 of 1 checks: x.",
    ]);
  });

  it("a report's status is its checks' verdict, never what the file says", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    const edited = report("coverage-gate", C, "fail");
    edited.predicate.status = "pass";
    edited.predicate.summary = "coverage-gate passed all 1 checks.";
    expect(decide({ history, reports: [{ source: "edited.json", report: edited }, passing[1] as (typeof passing)[number]] })).toMatchObject({
      decision: "hold",
      reasons: ["The coverage gate failed for cccccccccccc (edited.json): its checks x fail, although the file says pass."],
    });
  });

  it("the newest report of a gate supersedes earlier runs, and the decision lists the reports it used with their sources", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    const failedFirst = report("coverage-gate", C, "fail");
    const fixedLater = { ...report("coverage-gate", C), predicate: { ...report("coverage-gate", C).predicate, finishedAt: "2026-11-02T00:00:00Z" } };
    const decision = decide({
      history,
      reports: [
        { source: "run 11 artifact coverage-gate-report/coverage-report.json", report: failedFirst },
        { source: "run 12 artifact coverage-gate-report/coverage-report.json", report: fixedLater },
        passing[1] as (typeof passing)[number],
      ],
    });
    expect(decision.decision).toBe("promote");
    expect(decision.evidence).toEqual([
      {
        gate: "coverage",
        source: "run 12 artifact coverage-gate-report/coverage-report.json",
        environment: undefined,
        finishedAt: "2026-11-02T00:00:00Z",
        status: "pass",
      },
    ]);
  });

  it("where an environment tightens a gate's settings, only a report run with that environment's settings counts", () => {
    const { policy: tightened } = parsePolicy(`
environments:
  - name: staging
    requires: [coverage]
  - name: mainnet
    requires: [coverage]
    gates: { coverage: { thresholds: { global: { lines: 90 } } } }
`);
    const history = [entry("staging", "2026-11-20T00:00:00Z")];
    const base = { source: "coverage-report.json", report: report("coverage-gate", C) };
    expect(decide({ policy: tightened, history, reports: [base] }).reasons).toEqual([
      "No coverage report for cccccccccccc judged by mainnet's settings: the ones found were run for the base settings; run the coverage gate with --env mainnet.",
    ]);
    const forMainnet = { source: "coverage-mainnet.json", report: { ...base.report, predicate: { ...base.report.predicate, environment: "mainnet" } } };
    expect(decide({ policy: tightened, history, reports: [base, forMainnet] })).toMatchObject({
      decision: "promote",
      evidence: [{ gate: "coverage", source: "coverage-mainnet.json", environment: "mainnet" }],
    });
    // Staging keeps the base settings: a report of the base settings or of another such environment counts there.
    expect(decide({ policy: tightened, history: [], reports: [base] }).decision).toBe("promote");
  });

  it("a report with no checks is no evidence", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    const empty = { ...report("coverage-gate", C), predicate: { ...report("coverage-gate", C).predicate, checks: [], status: "pass" as const } };
    expect(decide({ history, reports: [{ source: "empty.json", report: empty }, passing[1] as (typeof passing)[number]] }).reasons).toEqual([
      "The coverage report for cccccccccccc (empty.json) has no checks: a report that checked nothing is no evidence.",
    ]);
  });

  it("a report that finished after the moment decided for does not exist yet", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    // The passing reports finished 2026-11-01T00:01:00Z: replaying a decision of October cannot count them.
    expect(decide({ history, now: new Date("2026-10-31T00:00:00Z") }).reasons[0]).toBe(
      "No coverage report for cccccccccccc as of 2026-10-31T00:00:00Z: coverage-report.json finished at 2026-11-01T00:01:00Z, after it.",
    );
  });

  it("soak time not yet met waits until it is, and is met to the minute", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z"), entry("staging", "2026-11-24T00:00:00Z")];
    const early = decide({ history, now: new Date("2026-11-24T10:00:00Z") });
    expect(early).toMatchObject({ decision: "wait", environment: "testnet", waitUntil: "2026-11-25T00:00:00Z", trafficPercent: 100 });
    expect(early.reasons).toEqual(["testnet requires 1d in staging; cccccccccccc has been there 10h (since 2026-11-24T00:00:00Z)."]);
    expect(decide({ history, now: new Date("2026-11-25T00:00:00Z") })).toMatchObject({ decision: "promote", environment: "testnet" });
  });

  it("two weeks on testnet before the canary, which then gets 5 % of the traffic", () => {
    const history = [entry("development", "2026-11-01T00:00:00Z"), entry("staging", "2026-11-01T01:00:00Z"), entry("testnet", "2026-11-02T00:00:00Z")];
    expect(decide({ history, now: new Date("2026-11-15T23:59:00Z") })).toMatchObject({
      decision: "wait",
      environment: "canary",
      waitUntil: "2026-11-16T00:00:00Z",
    });
    expect(decide({ history, now: new Date("2026-11-16T00:00:00Z") })).toMatchObject({ decision: "promote", environment: "canary", trafficPercent: 5 });
  });

  it("a failing canary analysis rolls back to the version mainnet runs, naming the metrics", () => {
    const history = [
      { ...entry("mainnet", "2026-10-01T00:00:00Z"), commit: D },
      entry("testnet", "2026-11-01T00:00:00Z"),
      entry("canary", "2026-11-16T00:00:00Z", { traffic: 5 }),
    ];
    // Whatever the target: a failing canary rolls back before anything moves on.
    const result = decide({
      history,
      target: "next",
      analysis: { environment: "canary", status: "fail", metrics: ["error-rate: the canary measured 0.2, breaking ≤ 0.05."] },
    });
    expect(result).toMatchObject({ decision: "rollback", environment: "canary", rollbackTo: D, trafficPercent: 0 });
    expect(result.reasons).toEqual([
      "The analysis of cccccccccccc at 5 % in canary failed: roll back to dddddddddddd, the last version that ran in mainnet.",
      "error-rate: the canary measured 0.2, breaking ≤ 0.05.",
    ]);
    expect(decide({ history, target: "canary", analysis: { environment: "canary", status: "inconclusive", metrics: [] } }).decision).toBe("hold");
    expect(decide({ history, target: "mainnet", analysis: { environment: "canary", status: "running", metrics: [] } }).reasons[0]).toBe(
      "The analysis of cccccccccccc in canary is still measuring: promotion waits for its verdict.",
    );
    expect(decide({ history, target: "mainnet", analysis: { environment: "canary", status: "pass", metrics: [] } })).toMatchObject({
      decision: "promote",
      trafficPercent: 5,
    });
  });

  it("a canary already running is watched, not promoted again", () => {
    const history = [entry("testnet", "2026-11-01T00:00:00Z"), entry("canary", "2026-11-16T00:00:00Z", { traffic: 5 })];
    expect(decide({ history, target: "canary" }).reasons[0]).toBe(
      "cccccccccccc already runs as the 5 % canary in canary; it is watched for 24h before the next environment.",
    );
  });

  it("mainnet rolls out 5 → 25 → 100 % with a day between steps", () => {
    const base = [entry("canary", "2026-11-16T00:00:00Z", { traffic: 5 })];
    const tuesday = new Date("2026-11-24T10:00:00Z");
    expect(decide({ history: base, target: "mainnet", now: tuesday })).toMatchObject({ decision: "promote", trafficPercent: 5 });
    const atFive = [...base, entry("mainnet", "2026-11-24T00:00:00Z", { traffic: 5 })];
    expect(decide({ history: atFive, target: "mainnet", now: tuesday })).toMatchObject({
      decision: "wait",
      trafficPercent: 25,
      waitUntil: "2026-11-25T00:00:00Z",
    });
    expect(decide({ history: atFive, target: "mainnet", now: new Date("2026-11-25T00:00:00Z") })).toMatchObject({ decision: "promote", trafficPercent: 25 });
    const done = [...atFive, entry("mainnet", "2026-11-25T00:00:00Z", { traffic: 100 })];
    expect(decide({ history: done, target: "mainnet" }).decision).toBe("hold");
  });

  it("no mainnet promotions on Fridays in Berlin: the decision says when the window opens", () => {
    const history = [entry("canary", "2026-11-16T00:00:00Z", { traffic: 5 })];
    // Friday 27 November 2026, 10:00 in Berlin (09:00 UTC).
    const friday = decide({ history, target: "mainnet", now: new Date("2026-11-27T09:00:00Z") });
    expect(friday).toMatchObject({ decision: "wait", waitUntil: "2026-11-27T23:00:00Z" });
    expect(friday.reasons.at(-1)).toBe("mainnet is frozen now (no mainnet promotions on Fridays); the next window opens at 2026-11-27T23:00:00Z.");
    // In the holiday freeze the next window is 6 January, Berlin time.
    expect(decide({ history, target: "mainnet", now: new Date("2026-12-22T12:00:00Z") })).toMatchObject({
      decision: "wait",
      waitUntil: "2027-01-05T23:00:00Z",
    });
  });

  it("break-glass needs a second person, a reason and an expiry, and is listed in every later decision", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z")];
    const override = { requestedBy: "alice", approvedBy: "bob", reason: "hotfix for an outage", expires: "2026-11-25T00:00:00Z" };
    const forced = decide({ history, reports: [], override });
    expect(forced).toMatchObject({ decision: "promote", environment: "staging" });
    expect(forced.bypassed).toEqual([
      "staging at 2026-11-24T10:00:00Z: requested by alice, approved by bob: hotfix for an outage (until 2026-11-25T00:00:00Z)",
    ]);
    expect(() => decide({ history, reports: [], override: { ...override, approvedBy: "Alice" } })).toThrow(/expected approval by a second person/);
    expect(() => decide({ history, reports: [], override: { ...override, expires: "2026-11-01T00:00:00Z" } })).toThrow(/expected an expiry in the future/);
    const later = [...history, entry("staging", "2026-11-24T10:00:00Z", { bypass: override })];
    expect(decide({ history: later, now: new Date("2026-11-26T00:00:00Z") }).bypassed).toEqual([
      "staging at 2026-11-24T10:00:00Z: requested by alice, approved by bob: hotfix for an outage",
    ]);
  });

  it("a soak that requires health holds on firing alerts or missing traffic, and counts when healthy", () => {
    const { policy: healthy } = parsePolicy(`
prometheus: { url: http://127.0.0.1:9090 }
environments:
  - name: testnet
    health: { alerts: 'ALERTS{alertstate="firing",env="{{environment}}"}', traffic: 'sum(rate(requests_total{env="{{environment}}"}[5m]))', minTraffic: 1 }
  - name: mainnet
    after: { testnet: 1d }
`);
    const history = [entry("testnet", "2026-11-20T00:00:00Z")];
    const run = (soakHealth?: Map<string, { alerts: string[]; traffic: number | undefined }>) =>
      decidePromotion({ policy: healthy, commit: C, target: "mainnet", reports: [], history, now: new Date("2026-11-24T00:00:00Z"), soakHealth });
    expect(run().reasons).toEqual([
      "The health of testnet during the soak was not measured: the policy requires it (no firing alerts, traffic), so the 1d there does not count yet.",
    ]);
    expect(run(new Map([["testnet", { alerts: ["HighErrorRate"], traffic: 5 }]])).reasons).toEqual([
      "Alerts fired in testnet while cccccccccccc soaked there: HighErrorRate.",
    ]);
    expect(run(new Map([["testnet", { alerts: [], traffic: undefined }]])).reasons).toEqual([
      "testnet recorded no traffic while cccccccccccc soaked there: a soak without traffic is no-data, not a pass.",
    ]);
    expect(run(new Map([["testnet", { alerts: [], traffic: 0.2 }]])).reasons).toEqual([
      "testnet averaged 0.2 requests/s during the soak, below the 1/s that makes it count.",
    ]);
    expect(run(new Map([["testnet", { alerts: [], traffic: 3 }]])).decision).toBe("promote");
  });

  it("an analysis the policy asks for and nobody ran holds, rather than passing", () => {
    const { policy: analysed } = parsePolicy(`
environments:
  - name: canary
    canary:
      traffic: 5
      watch: 1h
      analysis: { metrics: [{ name: error-rate, query: 'x{v="{{variant}}"}', max: 0.05 }] }
  - name: mainnet
    after: { canary: 1h }
`);
    const history = [entry("canary", "2026-11-20T00:00:00Z", { traffic: 5 })];
    expect(decidePromotion({ policy: analysed, commit: C, target: "mainnet", reports: [], history, now: new Date("2026-11-24T00:00:00Z") }).reasons).toEqual([
      "The analysis of cccccccccccc in canary has not run: configure prometheus.url in the policy or give recorded measurements (--analysis).",
    ]);
  });

  it("a commit rolled back from an environment is held there", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z"), entry("staging", "2026-11-21T00:00:00Z", { event: "rolled-back" })];
    expect(decide({ history, target: "staging" }).reasons[0]).toBe(
      "cccccccccccc was rolled back from staging at 2026-11-21T00:00:00Z: fix it and promote a new commit.",
    );
  });

  it("plan shows every environment without recording anything, and the chain draws as Mermaid", () => {
    const history = [entry("development", "2026-11-20T00:00:00Z"), entry("staging", "2026-11-24T00:00:00Z")];
    const plan = planPromotions({ policy, commit: C, reports: passing, history, now: new Date("2026-11-24T10:00:00Z") });
    expect(plan.map((step) => [step.environment, step.decision])).toEqual([
      ["development", "hold"],
      ["staging", "hold"],
      ["testnet", "wait"],
      ["canary", "hold"],
      ["mainnet", "hold"],
    ]);
    expect(plan.map((step) => step.reached)).toEqual([true, true, false, false, false]);
    const text = renderPlanText(plan);
    expect(text).toMatch(/^development {2}deployed\nstaging {6}deployed\ntestnet {6}wait {6}2026-11-25T00:00:00Z\n {13}- testnet requires 1d in staging;/);
    // Every reason of an environment that is not reached, not only its first.
    expect(text).toContain("             - cccccccccccc was never deployed to testnet, and canary requires 14d there first.");
    expect(renderPlanMarkdown(plan)).toContain("| development | ✅ deployed |");
    const chart = renderPromotionMermaid(policy, history, C, plan[2] as (typeof plan)[number]);
    expect(chart).toContain('staging["staging"]:::done');
    expect(chart).toContain('testnet["testnet"]:::wait');
    expect(chart).toContain("staging --> testnet");
  });

  it("the canary being rolled back is drawn as the rollback", () => {
    const history = [entry("mainnet", "2026-11-01T00:00:00Z", { commit: D }), entry("canary", "2026-11-24T00:00:00Z", { traffic: 5 })];
    const rollback = decide({ history, analysis: { environment: "canary", status: "fail", metrics: ["error-rate failed"] } });
    expect(rollback.decision).toBe("rollback");
    expect(renderPromotionMermaid(policy, history, C, rollback)).toContain('canary["canary 5 %"]:::rollback');
  });

  it("an unknown target is a configuration error listing the environments", () => {
    expect(() => decide({ target: "prod" })).toThrow(
      '--to: expected "next" or one of the policy\'s environments (development, staging, testnet, canary, mainnet), found "prod"',
    );
  });
});

describe("policy lint", () => {
  it.each([
    [
      "environments:\n  - name: a\n    after: { b: 1d }\n  - name: b\n",
      "environments[0].after.b: expected an environment that comes before a, found b, which comes after it: a could never be reached",
    ],
    ["environments:\n  - name: a\n    after: { nowhere: 1d }\n", 'environments[0].after.nowhere: expected an environment of this policy, found "nowhere"'],
    [
      "environments:\n  - name: a\n    rollout: { steps: [5, 25], wait: 1h }\n",
      "environments[0].rollout.steps: expected traffic percentages rising to 100, found [5, 25]",
    ],
    [
      "environments:\n  - name: a\n    rollout: { steps: [50, 25, 100], wait: 1h }\n",
      "environments[0].rollout.steps: expected traffic percentages rising to 100, found [50, 25, 100]",
    ],
    [
      "environments:\n  - name: a\n    requires: [coverag]\n",
      `environments[0].requires[0]: expected a known gate (${GATES.map((gate) => gate.id).join(", ")}; add your own to customGates), found "coverag"`,
    ],
    ["environments:\n  - name: a\n  - name: a\n", 'environments[1].name: expected each environment once, found "a" again'],
    [
      "environments:\n  - name: a\n    freeze: { deny: [{ days: [fri], timezone: Mars/Olympus }] }\n",
      'environments[0].freeze.deny[0].timezone: expected an IANA time zone such as Europe/Berlin, found "Mars/Olympus"',
    ],
    ["environments:\n  - name: a\n    rollbackTo: b\n", 'environments[0].rollbackTo: expected an environment of this policy, found "b"'],
    [
      "environments:\n  - name: a\n    freeze: { deny: [{ from: 2027-01-05, to: 2026-12-20 }] }\n",
      "environments[0].freeze.deny[0]: expected from on or before to, found 2027-01-05 after 2026-12-20: the window would never be open",
    ],
  ])("%#: %s", (text, message) => {
    const problems = lintPolicy(parsePolicy(text).policy);
    expect(`${problems[0]?.path}: ${problems[0]?.sentence}`).toBe(message);
    expect(() => assertPolicyValid(parsePolicy(text).policy)).toThrow(ConfigurationError);
  });

  it.each([
    [
      "environments:\n  - name: a\n    freeze: { deny: [{ from: 2026-02-30 }] }\n",
      "environments[0].freeze.deny[0].from: expected a date that exists, such as 2027-03-31",
    ],
    ["environments:\n  - name: a\n    freeze: { deny: [{ to: 9999-99-99 }] }\n", "environments[0].freeze.deny[0].to: expected a date that exists"],
    ["environments:\n  - name: a\n  - name: b\n    after: { a: 999999999999999d }\n", "environments[1].after.a: expected a duration of at most 100 years"],
  ])("a date that does not exist or a duration no calendar holds is refused where it is written: %s", (text, message) => {
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it("the release process chain lints clean, and custom gates may be required", () => {
    expect(lintPolicy(policy)).toEqual([]);
    expect(lintPolicy(parsePolicy("customGates: [load-balancer]\nenvironments:\n  - name: a\n    requires: [load-balancer]\n").policy)).toEqual([]);
  });

  it("bad duration units are refused when the policy is read", () => {
    expect(() => parsePolicy("environments:\n  - name: a\n  - name: b\n    after: { a: 2y }\n")).toThrow(
      /after\.a: expected a duration such as 30m, 24h or 14d/,
    );
  });
});

describe("durations, calendars and the ledger", () => {
  it("durations parse and print", () => {
    expect([parseDuration("14d", "x"), parseDuration("30m", "x"), parseDuration("2w", "x")]).toEqual([1_209_600_000, 1_800_000, 1_209_600_000]);
    expect(() => parseDuration("2 weeks", "after.testnet")).toThrow(
      'after.testnet: expected a duration such as 30m, 24h or 14d (units ms, s, m, h, d, w), at most 100 years, found "2 weeks"',
    );
    expect([formatDuration(90 * 60_000), formatDuration(26 * 3_600_000), formatDuration(30_000)]).toEqual(["1h 30m", "1d 2h", "1m"]);
  });

  it("calendar windows are read in their own time zone, across daylight saving time", () => {
    const window = { days: ["mon" as const], start: "09:00", end: "17:00", timezone: "America/New_York" };
    expect(inWindow(new Date("2026-11-23T14:00:00Z"), window)).toBe(true); // 09:00 EST
    expect(inWindow(new Date("2026-11-23T13:59:00Z"), window)).toBe(false);
    expect(inWindow(new Date("2026-07-06T13:00:00Z"), window)).toBe(true); // 09:00 EDT
    expect(nextOpening(new Date("2026-11-23T12:00:00Z"), { deny: [], allow: [window] })?.toISOString()).toBe("2026-11-23T14:00:00.000Z");
  });

  it("the ledger is NDJSON with each line validated", () => {
    const line = ledgerLine({ time: "2026-11-24T00:00:00Z", commit: C, environment: "staging", event: "deployed" });
    expect(parseLedger(line + line)).toHaveLength(2);
    expect(JSON.parse(line)).toMatchObject({ traffic: 100 });
    expect(() => parseLedger(`${line}{"time":"yesterday","commit":"${C}","environment":"x","event":"deployed"}\n`, "ledger.ndjson")).toThrow(
      /^ledger\.ndjson, line 2: time: expected/,
    );
  });
});

describe("canary analysis verdicts", () => {
  const analysis = {
    interval: "1m",
    count: 3,
    failureLimit: 1,
    inconclusiveLimit: 1,
    variants: { canary: "canary", stable: "stable" },
    metrics: [
      { name: "error-rate", query: 'x{variant="{{variant}}"}', max: 0.05, maxIncreasePercent: 50 },
      { name: "p95", query: "y", maxIncreasePercent: 20 },
    ],
  };
  const intervals = (pairs: [number | undefined, number | undefined][]) => pairs.map(([canary, stable], index) => ({ timeMs: index * 60_000, canary, stable }));

  it("passes after enough good intervals, is running before, and fails past the failure limit", async () => {
    const { judgeAnalysis } = await import("../src/promote/analysis.js");
    const good = new Map([
      [
        "error-rate",
        intervals([
          [0.01, 0.01],
          [0.012, 0.01],
          [0.011, 0.01],
        ]),
      ],
      [
        "p95",
        intervals([
          [100, 100],
          [110, 100],
          [119, 100],
        ]),
      ],
    ]);
    expect(judgeAnalysis(analysis, good).status).toBe("pass");
    expect(judgeAnalysis(analysis, new Map([...good].map(([name, values]) => [name, values.slice(0, 2)]))).status).toBe("running");
    const bad = new Map([
      ...good,
      [
        "error-rate",
        intervals([
          [0.2, 0.01],
          [0.01, 0.01],
          [0.3, 0.01],
        ]),
      ],
    ]);
    const verdict = judgeAnalysis(analysis, bad);
    expect(verdict.status).toBe("fail");
    expect(verdict.metrics[0]?.summary).toBe(
      "error-rate: the canary measured 0.3 against the stable version's 0.01, breaking ≤ 0.05, ≤ stable + 50 % (1 good, 2 failed, 0 without data of 3 intervals; 1 failures allowed).",
    );
  });

  it("intervals without data make it inconclusive rather than a pass", async () => {
    const { judgeAnalysis } = await import("../src/promote/analysis.js");
    const empty = new Map([
      [
        "error-rate",
        intervals([
          [undefined, 0.01],
          [Number.NaN, 0.01],
          [0.01, 0.01],
        ]),
      ],
      [
        "p95",
        intervals([
          [100, undefined],
          [100, 100],
          [100, 100],
          [100, 100],
        ]),
      ],
    ]);
    const verdict = judgeAnalysis(analysis, empty);
    expect(verdict.status).toBe("inconclusive");
    expect(verdict.metrics.map((metric) => metric.status)).toEqual(["inconclusive", "pass"]);
  });
});

describe("the shipped release-process template", () => {
  it("parses and lints clean", async () => {
    const { RELEASE_PROCESS_TEMPLATE } = await import("../src/promote/template.js");
    const loaded = parsePolicy(RELEASE_PROCESS_TEMPLATE);
    const { policy: template } = loaded;
    expect(lintPolicy(template)).toEqual([]);
    expect(template.environments.map((environment) => environment.name)).toEqual(["development", "staging", "testnet", "canary", "mainnet"]);
    // The security gate guards every environment past development, with secrets scanned and medium findings needing acceptance.
    expect(template.environments.filter((environment) => environment.requires.includes("security")).map((environment) => environment.name)).toEqual([
      "staging",
      "testnet",
      "canary",
      "mainnet",
    ]);
    expect(template.gates.security).toMatchObject({ failOn: "high", requireAcceptanceFrom: "medium", secrets: { scan: true } });
    // Every sign-off the release process names, on the environment where it belongs.
    const roles = (name: string) => resolveGateSettings(loaded, signoffGate, name).signoffs.required.map((required) => [required.role, required.items]);
    expect(roles("staging")).toEqual([["architecture", []]]);
    expect(roles("testnet")).toEqual([
      ["architecture", []],
      ["qa", ["user-flows", "edge-cases"]],
    ]);
    expect(roles("canary").map(([role]) => role)).toEqual(["qa", "product", "support"]);
    expect(roles("mainnet")).toEqual([
      ["stakeholder", []],
      ["legal", ["terms-of-service", "privacy-policy", "regulatory", "geo-restrictions"]],
    ]);
    expect(template.gates.signoff).toMatchObject({ reviews: { approvals: 2 }, paths: [{ name: "security review", approvals: 2 }] });
  });
});
