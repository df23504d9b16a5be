import { type BreakGlass, validateBreakGlass } from "../break-glass.js";
import { formatDuration, formatInstant, parseDuration } from "../durations.js";
import { ConfigurationError, quoted } from "../errors.js";
import type { Environment, Policy } from "../gates.js";
import { deriveGateStatus, effectiveStatus } from "../report/build.js";
import { GateReport, REPORT_PREDICATE_TYPE } from "../report/schema.js";
import { describeZodError } from "../validation.js";
import { closingRule, nextOpening } from "./calendar.js";
import type { LedgerEntry } from "./ledger.js";

export type PromotionDecision = "promote" | "wait" | "hold" | "rollback";

/** The verdict of the canary or rollout-step analysis running for this commit, if any. */
export interface CanaryAnalysis {
  /** The environment whose canary or rollout step was analysed. */
  environment: string;
  status: "pass" | "fail" | "inconclusive" | "running";
  /** One sentence per comparison that decided the status. */
  metrics: string[];
}

export interface PromotionInput {
  policy: Policy;
  commit: string;
  /** An environment name, or "next": the first environment this commit has not fully reached. */
  target: string;
  /** Gate reports found (file name → parsed JSON); only those whose subject is `commit` count. */
  reports: readonly { source: string; report: unknown }[];
  /** Why no report could be found at all (the reports directory does not exist yet), for the reasons. */
  reportsMissing?: string;
  history: readonly LedgerEntry[];
  now: Date;
  analysis?: CanaryAnalysis;
  /** How each environment fared while this commit soaked there (from Prometheus), for environments with `health`. */
  soakHealth?: ReadonlyMap<string, { alerts: string[]; traffic: number | undefined }>;
  override?: BreakGlass;
}

/** A gate report a decision used: which, from where, and what it said. */
export interface GateEvidence {
  gate: string;
  source: string;
  /** The policy environment the gate was run for; undefined for the base settings. */
  environment: string | undefined;
  finishedAt: string;
  /** What its checks say (never what the file's status says). */
  status: GateReport["predicate"]["status"];
}

export interface Promotion {
  decision: PromotionDecision;
  environment: string;
  /** Traffic to send to this commit in `environment` when promoting. */
  trafficPercent: number | null;
  waitUntil: string | null;
  rollbackTo: string | null;
  /** One sentence per reason, blockers first. */
  reasons: string[];
  /** Break-glass overrides on this commit, this one included. */
  bypassed: string[];
  /** This decision was forced by a break-glass override. */
  breakGlass: boolean;
  /** The newest report of each required gate for this commit and environment: what the decision read. */
  evidence: GateEvidence[];
  /** The gates `environment` requires: what a pipeline must run before promoting there. */
  requires: string[];
  /** The commit already runs in `environment` at its full traffic: a plan shows it as deployed. */
  reached: boolean;
}

const short = (commit: string) => commit.slice(0, 12);

/** The traffic at which a commit counts as fully in an environment. */
export function finalTraffic(environment: Environment): number {
  return environment.rollout ? 100 : (environment.canary?.traffic ?? 100);
}

/** This commit's entries in one environment, oldest first. */
function entriesFor(history: readonly LedgerEntry[], commit: string, environment: string): LedgerEntry[] {
  return history.filter((entry) => entry.commit === commit && entry.environment === environment).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

/** Where the commit stands in an environment: its last event there. */
export function standing(history: readonly LedgerEntry[], commit: string, environment: string): LedgerEntry | undefined {
  return entriesFor(history, commit, environment).at(-1);
}

function isComplete(history: readonly LedgerEntry[], commit: string, environment: Environment): boolean {
  const last = standing(history, commit, environment.name);
  return last?.event === "deployed" && last.traffic >= finalTraffic(environment);
}

/** "next" is the first environment the commit has not fully reached. */
export function resolveTarget(policy: Policy, commit: string, history: readonly LedgerEntry[], target: string): Environment | undefined {
  if (target !== "next") {
    const environment = policy.environments.find((candidate) => candidate.name === target);
    if (!environment) {
      throw new ConfigurationError(
        `expected "next" or one of the policy's environments (${policy.environments.map((candidate) => candidate.name).join(", ") || "none defined"}), found ${quoted(target)}`,
        "--to",
      );
    }
    return environment;
  }
  return policy.environments.find((environment) => !isComplete(history, commit, environment));
}

interface GateCheck {
  blocked: string[];
  evidence: GateEvidence[];
}

/**
 * The policy environments whose settings a report of `gate` may have been run
 * with to count for `environment`: the environment itself, and, when it does
 * not override the gate's settings, the base settings and every environment
 * that does not override them either (they all judged by the same rules).
 */
function comparableEnvironments(policy: Policy, gate: string, environment: Environment): Set<string | undefined> {
  const overrides = (candidate: Environment) => (candidate.gates as Record<string, unknown> | undefined)?.[gate] !== undefined;
  if (overrides(environment)) return new Set([environment.name]);
  return new Set([undefined, ...policy.environments.filter((candidate) => !overrides(candidate)).map((candidate) => candidate.name)]);
}

function checkGates(input: PromotionInput, environment: Environment): GateCheck {
  const blocked: string[] = [];
  const evidence: GateEvidence[] = [];
  const valid: { source: string; report: GateReport }[] = [];
  for (const { source, report } of input.reports) {
    // Other JSON files beside the reports (a decision written earlier, a package.json) are not reports at all;
    // a file that says it is a gate report but is malformed is named.
    if (!report || typeof report !== "object" || (report as { predicateType?: unknown }).predicateType !== REPORT_PREDICATE_TYPE) continue;
    const parsed = GateReport.safeParse(report);
    if (parsed.success) valid.push({ source, report: parsed.data });
    else if (environment.requires.length > 0)
      blocked.push(`${source} is not a gate report and was not counted: ${describeZodError(parsed.error, report).sentence}.`);
  }
  for (const gate of environment.requires) {
    const forGate = valid.filter(({ report }) => report.predicate.gate === gate || report.predicate.gate === `${gate}-gate`);
    const forCommit = forGate.filter(({ report }) => report.subject.some((subject) => subject.digest.gitCommit === input.commit));
    // Judged by this environment's rules: a report run with looser settings does not count where they are tightened.
    const comparable = comparableEnvironments(input.policy, gate, environment);
    const judged = forCommit.filter(({ report }) => comparable.has(report.predicate.environment));
    if (forCommit.length > 0 && judged.length === 0) {
      const ran = [...new Set(forCommit.map(({ report }) => report.predicate.environment ?? "the base settings"))];
      blocked.push(
        `No ${gate} report for ${short(input.commit)} judged by ${environment.name}'s settings: the ones found were run for ${ran.join(", ")}; run the ${gate} gate with --env ${environment.name}.`,
      );
      continue;
    }
    // A report that finished after the moment decided for does not exist yet (a replayed decision, a skewed clock).
    const mine = judged.filter(({ report }) => Date.parse(report.predicate.finishedAt) <= input.now.getTime());
    const later = judged.filter((entry) => !mine.includes(entry));
    if (mine.length === 0 && later.length > 0) {
      blocked.push(
        `No ${gate} report for ${short(input.commit)} as of ${formatInstant(input.now)}: ${later[0]?.source} finished at ${formatInstant(later[0]?.report.predicate.finishedAt ?? "")}, after it.`,
      );
      continue;
    }
    if (mine.length === 0) {
      const others = [...new Set(forGate.flatMap(({ report }) => report.subject.map((subject) => subject.digest.gitCommit ?? "no commit")))].map((commit) =>
        short(commit),
      );
      blocked.push(
        others.length > 0
          ? `No ${gate} report for ${short(input.commit)}: the ones found are for ${others.join(", ")}, and a report only counts for the commit it judged.`
          : `No ${gate} report for ${short(input.commit)}: run the ${gate} gate on this commit before promoting to ${environment.name}${input.reportsMissing ? ` (${input.reportsMissing})` : ""}.`,
      );
      continue;
    }
    // The newest report for this commit decides: an earlier run of the same gate is superseded, not counted again.
    const newest = [...mine].sort((a, b) => Date.parse(b.report.predicate.finishedAt) - Date.parse(a.report.predicate.finishedAt))[0] as (typeof mine)[number];
    // The status is the checks' verdict, never what the file says: an edited "pass" over failing checks is a fail.
    const { checks, status: written, summary } = newest.report.predicate;
    if (checks.length === 0) {
      blocked.push(`The ${gate} report for ${short(input.commit)} (${newest.source}) has no checks: a report that checked nothing is no evidence.`);
      continue;
    }
    const status = deriveGateStatus(checks);
    evidence.push({ gate, source: newest.source, environment: newest.report.predicate.environment, finishedAt: newest.report.predicate.finishedAt, status });
    if (status === "fail") {
      const failing = checks.filter((check) => effectiveStatus(check) === "fail").map((check) => check.id);
      blocked.push(
        written === "fail"
          ? `The ${gate} gate failed for ${short(input.commit)} (${newest.source}): ${summary}`
          : `The ${gate} gate failed for ${short(input.commit)} (${newest.source}): its checks ${failing.join(", ")} fail, although the file says ${written}.`,
      );
    }
  }
  return { blocked, evidence };
}

/** A soak with health requirements: no alerts fired and real traffic, measured over the soak. */
function soakHealthProblems(input: PromotionInput, previous: string, duration: string): string[] {
  const health = input.policy.environments.find((candidate) => candidate.name === previous)?.health;
  if (!health) return [];
  const measured = input.soakHealth?.get(previous);
  if (!measured)
    return [
      `The health of ${previous} during the soak was not measured: the policy requires it (no firing alerts, traffic), so the ${duration} there does not count yet.`,
    ];
  const problems: string[] = [];
  if (measured.alerts.length > 0) problems.push(`Alerts fired in ${previous} while ${short(input.commit)} soaked there: ${measured.alerts.join(", ")}.`);
  if (health.traffic && measured.traffic === undefined)
    problems.push(`${previous} recorded no traffic while ${short(input.commit)} soaked there: a soak without traffic is no-data, not a pass.`);
  else if (health.traffic && measured.traffic !== undefined && measured.traffic < health.minTraffic) {
    problems.push(
      `${previous} averaged ${Math.round(measured.traffic * 1000) / 1000} requests/s during the soak, below the ${health.minTraffic}/s that makes it count.`,
    );
  }
  return problems;
}

function bypassesOf(history: readonly LedgerEntry[], commit: string): string[] {
  return history
    .filter((entry) => entry.commit === commit && entry.bypass)
    .map((entry) => {
      const bypass = entry.bypass as NonNullable<LedgerEntry["bypass"]>;
      return `${entry.environment} at ${formatInstant(entry.time)}: requested by ${bypass.requestedBy}, approved by ${bypass.approvedBy}: ${bypass.reason}`;
    });
}

/**
 * Decides whether `commit` may move to its target environment now: promote
 * (at which traffic), wait (until when), hold (what is missing) or roll back
 * (to which version). Every reason is a sentence; time comes from `now`.
 */
export function decidePromotion(input: PromotionInput): Promotion {
  const { policy, commit, history, now } = input;
  const environment = resolveTarget(policy, commit, history, input.target);
  const earlier = bypassesOf(history, commit);
  let evidence: GateEvidence[] = [];
  const result = (decision: PromotionDecision, fields: Partial<Promotion> & { reasons: string[] }): Promotion => ({
    decision,
    environment: environment?.name ?? policy.environments.at(-1)?.name ?? "",
    trafficPercent: null,
    waitUntil: null,
    rollbackTo: null,
    bypassed: earlier,
    breakGlass: false,
    evidence,
    requires: environment?.requires ?? [],
    reached: environment ? isComplete(history, commit, environment) : false,
    ...fields,
  });
  if (!environment) return result("hold", { reasons: [`${short(commit)} has reached every environment: there is nowhere further to promote it.`] });

  const current = standing(history, commit, environment.name);

  // A failing analysis of a running canary or rollout step wins over everything, whatever the target.
  const analysis = input.analysis;
  const analysed = analysis && policy.environments.find((candidate) => candidate.name === analysis.environment);
  const running = analysed && standing(history, commit, analysed.name);
  if (analysis && analysed && running?.event === "deployed") {
    if (analysis.status === "fail") {
      const previous = history
        .filter((entry) => entry.environment === (analysed.rollbackTo ?? analysed.name) && entry.event === "deployed" && entry.commit !== commit)
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
      return {
        ...result("rollback", {
          rollbackTo: previous?.commit ?? null,
          trafficPercent: 0,
          reasons: [
            `The analysis of ${short(commit)} at ${running.traffic} % in ${analysed.name} failed: roll back${previous ? ` to ${short(previous.commit)}, the last version that ran ${previous.environment === analysed.name ? "there" : `in ${previous.environment}`}` : ", and redeploy the last good version (none is recorded here)"}.`,
            ...analysis.metrics,
          ],
        }),
        environment: analysed.name,
      };
    }
    if (analysis.status === "inconclusive") {
      return {
        ...result("hold", {
          reasons: [
            `The analysis of ${short(commit)} in ${analysed.name} is inconclusive: a person must decide whether to continue or roll back.`,
            ...analysis.metrics,
          ],
        }),
        environment: analysed.name,
      };
    }
    if (analysis.status === "running" && (environment.name !== analysed.name || environment.rollout)) {
      return result("hold", {
        reasons: [`The analysis of ${short(commit)} in ${analysed.name} is still measuring: promotion waits for its verdict.`, ...analysis.metrics],
      });
    }
  }

  const holds: string[] = [];
  const waits: { until: number; reason: string }[] = [];
  // An analysis the policy asks for and nobody ran is not a pass (fail closed).
  for (const progressive of policy.environments) {
    const config = progressive.canary?.analysis ?? progressive.rollout?.analysis;
    const there = standing(history, commit, progressive.name);
    const partial = progressive.canary ? true : (there?.traffic ?? 100) < 100;
    if (config && there?.event === "deployed" && partial && analysis?.environment !== progressive.name) {
      holds.push(
        `The analysis of ${short(commit)} in ${progressive.name} has not run: configure prometheus.url in the policy or give recorded measurements (--analysis).`,
      );
    }
  }
  if (current?.event === "rolled-back")
    holds.push(`${short(commit)} was rolled back from ${environment.name} at ${formatInstant(current.time)}: fix it and promote a new commit.`);
  const gateCheck = checkGates(input, environment);
  holds.push(...gateCheck.blocked);
  evidence = gateCheck.evidence;

  for (const [previous, duration] of Object.entries(environment.after ?? {})) {
    const soak = parseDuration(duration, `environments.${environment.name}.after.${previous}`);
    const deployed = entriesFor(history, commit, previous).find((entry) => entry.event === "deployed");
    const last = standing(history, commit, previous);
    if (!deployed) holds.push(`${short(commit)} was never deployed to ${previous}, and ${environment.name} requires ${duration} there first.`);
    else if (last?.event !== "deployed")
      holds.push(
        `${short(commit)} is no longer running in ${previous} (${last?.event} at ${formatInstant(last?.time ?? "")}): the ${duration} soak there does not count.`,
      );
    else {
      holds.push(...soakHealthProblems(input, previous, duration));
      const until = Date.parse(deployed.time) + soak;
      if (until > now.getTime())
        waits.push({
          until,
          reason: `${environment.name} requires ${duration} in ${previous}; ${short(commit)} has been there ${formatDuration(now.getTime() - Date.parse(deployed.time))} (since ${formatInstant(deployed.time)}).`,
        });
    }
  }

  // Where the commit goes next inside this environment.
  let traffic: number | undefined;
  if (current?.event === "deployed") {
    if (environment.rollout) {
      const next = environment.rollout.steps.find((step) => step > current.traffic);
      if (next === undefined) return result("hold", { reasons: [`${short(commit)} already runs at 100 % in ${environment.name}.`] });
      const stepWait = parseDuration(environment.rollout.wait, `environments.${environment.name}.rollout.wait`);
      const until = Date.parse(current.time) + stepWait;
      if (until > now.getTime())
        waits.push({
          until,
          reason: `The rollout waits ${environment.rollout.wait} between steps; ${short(commit)} reached ${current.traffic} % at ${formatInstant(current.time)}.`,
        });
      traffic = next;
    } else {
      return result("hold", {
        reasons: [
          environment.canary
            ? `${short(commit)} already runs as the ${environment.canary.traffic} % canary in ${environment.name}; it is watched for ${environment.canary.watch} before the next environment.`
            : `${short(commit)} is already deployed to ${environment.name}.`,
        ],
      });
    }
  } else traffic = environment.rollout?.steps[0] ?? environment.canary?.traffic ?? 100;

  let waitUntil = waits.reduce((latest, wait) => Math.max(latest, wait.until), now.getTime());
  const freeze = environment.freeze ? { deny: environment.freeze.deny, allow: environment.freeze.allow } : undefined;
  const frozen = freeze && closingRule(new Date(waitUntil), freeze);
  if (freeze && frozen) {
    const opening = nextOpening(new Date(waitUntil), freeze);
    if (!opening) holds.push(`${environment.name} is frozen (${frozen}) with no opening in the next year.`);
    else {
      waits.push({
        until: opening.getTime(),
        reason: `${environment.name} is frozen ${waitUntil > now.getTime() ? "when the wait ends" : "now"} (${frozen}); the next window opens at ${formatInstant(opening)}.`,
      });
      waitUntil = opening.getTime();
    }
  }

  if (input.override && (holds.length > 0 || waits.length > 0)) {
    validateBreakGlass(input.override, now);
    const bypass = `${environment.name} at ${formatInstant(now)}: requested by ${input.override.requestedBy}, approved by ${input.override.approvedBy}: ${input.override.reason} (until ${input.override.expires})`;
    return result("promote", {
      trafficPercent: traffic,
      bypassed: [...earlier, bypass],
      breakGlass: true,
      reasons: [`Break-glass: promoted to ${environment.name} at ${traffic} % despite: ${[...holds, ...waits.map((wait) => wait.reason)].join(" ")}`],
    });
  }
  if (holds.length > 0) return result("hold", { reasons: [...holds, ...waits.map((wait) => wait.reason)] });
  if (waits.length > 0) return result("wait", { waitUntil: formatInstant(waitUntil), trafficPercent: traffic, reasons: waits.map((wait) => wait.reason) });
  const gates = environment.requires.length > 0 ? ` with ${environment.requires.join(", ")} passed for this commit` : "";
  return result("promote", { trafficPercent: traffic, reasons: [`Promote ${short(commit)} to ${environment.name} at ${traffic} %${gates}.`] });
}

/**
 * For every environment: where the commit could go now and, where it must
 * wait, the earliest time. Records nothing.
 */
export function planPromotions(input: Omit<PromotionInput, "target" | "override">): Promotion[] {
  return input.policy.environments.map((environment) => decidePromotion({ ...input, target: environment.name }));
}
