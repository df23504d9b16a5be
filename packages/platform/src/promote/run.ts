import { relative, resolve, sep } from "node:path";
import { type BreakGlass, ConfigurationError, type FrontEnd, formatInstant, optionLabel, type Policy, parseDuration, quoted } from "@release-gates/core";
import {
  type AnalysisInterval,
  type AnalysisVerdict,
  assertPolicyValid,
  type CanaryAnalysis,
  DEFAULT_LEDGER,
  decidePromotion,
  judgeAnalysis,
  LedgerEntry,
  type Promotion,
  planPromotions,
} from "@release-gates/core/promote";
import { workTreeAndHead } from "../local/git.js";
import { loadPolicy } from "../local/policy.js";
import { type DeploymentHistory, LedgerHistory } from "./history.js";
import { measureCanary, measureSoakHealth, type SoakHealth } from "./prometheus.js";
import type { GateReportSource } from "./reports.js";

export interface PromoteRequest {
  cwd: string;
  policyPath?: string;
  /** The commit to promote; git's HEAD when absent. */
  commit?: string;
  /** Where the gate reports are read from; none means no reports. */
  reports?: GateReportSource;
  ledgerPath?: string;
  /** Where the history lives; the local ledger (`ledgerPath`) when absent. */
  history?: DeploymentHistory;
  now: Date;
  analysis?: CanaryAnalysis;
  /** Canary measurements recorded earlier, judged instead of querying Prometheus. */
  recordedAnalysis?: { environment: string; measurements: Map<string, AnalysisInterval[]> };
  override?: BreakGlass;
  /** Where the request came from, so errors name the input or flag the user typed; the CLI's names when absent. */
  frontEnd?: FrontEnd;
}

export interface PromoteContext {
  policy: Policy;
  commit: string;
  reports: { source: string; report: unknown }[];
  /** Why there are no reports at all: the directory does not exist yet. */
  reportsMissing?: string;
  history: LedgerEntry[];
  store: DeploymentHistory;
}

/** Where the request's history lives: the platform's, or the local ledger. */
function historyStore(request: PromoteRequest): DeploymentHistory {
  if (request.history) return request.history;
  const cwd = resolve(request.cwd);
  const ledgerPath = resolve(cwd, request.ledgerPath ?? DEFAULT_LEDGER);
  return new LedgerHistory(ledgerPath, relative(cwd, ledgerPath).split(sep).join("/"));
}

/** Everything a promote decision reads: the linted policy, the commit, its reports and the history. */
export async function gatherPromoteContext(request: PromoteRequest, store = historyStore(request)): Promise<PromoteContext> {
  const cwd = resolve(request.cwd);
  const loaded = await loadPolicy(cwd, request.policyPath);
  const policy = assertPolicyValid(loaded.policy, loaded.source);
  if (policy.environments.length === 0)
    throw new ConfigurationError("expected an environments chain to promote along, found none", loaded.source ?? "release-gates.yml");
  const commit = request.commit ?? (await workTreeAndHead(cwd)).head;
  if (!commit || !/^[0-9a-f]{7,64}$/.test(commit))
    throw new ConfigurationError(
      `expected a commit SHA, found ${quoted(commit ?? "none (not a git repository)")}`,
      optionLabel({ name: "commit" }, request.frontEnd ?? "cli"),
    );

  const { reports, missing: reportsMissing } = request.reports ? await request.reports.read(commit) : { reports: [], missing: undefined };
  const history = await store.read(policy.environments.map((environment) => environment.name));
  return { policy, commit, reports, reportsMissing, history, store };
}

/**
 * What Prometheus says about the commit: the analysis of the furthest canary
 * or rollout step it runs in, and the health of every environment it soaked
 * in. Nothing is queried when the policy names no Prometheus.
 */
export async function observe(
  context: PromoteContext,
  now: Date,
  recorded?: PromoteRequest["recordedAnalysis"],
  frontEnd: FrontEnd = "cli",
): Promise<{ analysis?: CanaryAnalysis; soakHealth: Map<string, SoakHealth> }> {
  const soakHealth = new Map<string, SoakHealth>();
  if (recorded) {
    const environment = context.policy.environments.find((candidate) => candidate.name === recorded.environment);
    const config = environment?.canary?.analysis ?? environment?.rollout?.analysis;
    if (!config)
      throw new ConfigurationError(
        `expected an environment with a canary or rollout analysis, found ${quoted(recorded.environment)}`,
        optionLabel({ name: "analysis" }, frontEnd),
      );
    const verdict = judgeAnalysis(config, recorded.measurements);
    return { analysis: toAnalysis(recorded.environment, verdict), soakHealth };
  }
  const url = context.policy.prometheus?.url;
  if (!url) return { soakHealth };
  const mine = (environment: string) =>
    context.history
      .filter((entry) => entry.commit === context.commit && entry.environment === environment)
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  let analysis: CanaryAnalysis | undefined;
  for (const environment of context.policy.environments) {
    const entries = mine(environment.name);
    const last = entries.at(-1);
    const first = entries.find((entry) => entry.event === "deployed");
    const values = { environment: environment.name, commit: context.commit };
    if (environment.health && first && last?.event === "deployed") {
      soakHealth.set(environment.name, await measureSoakHealth(url, environment.health, Date.parse(first.time), now.getTime(), values));
    }
    const config = environment.canary?.analysis ?? environment.rollout?.analysis;
    if (config && last?.event === "deployed" && (environment.canary || last.traffic < 100)) {
      const step = parseDuration(config.interval, `environments.${environment.name}.analysis.interval`) / 1000;
      analysis = toAnalysis(environment.name, judgeAnalysis(config, await measureCanary(url, config, step, Date.parse(last.time), now.getTime(), values)));
    }
  }
  return { analysis, soakHealth };
}

/** The metrics that decided a verdict, as sentences for the decision's reasons. */
function toAnalysis(environment: string, verdict: AnalysisVerdict): CanaryAnalysis {
  return {
    environment,
    status: verdict.status,
    metrics: verdict.metrics.filter((metric) => metric.status === verdict.status || verdict.status === "pass").map((metric) => metric.summary),
  };
}

/**
 * Decides one promotion and, with `record`, appends what it decided to the
 * history, reading, deciding and recording in one turn so parallel runs
 * never record the same step twice.
 */
export async function runPromote(request: PromoteRequest & { target: string; record: boolean }): Promise<{ promotion: Promotion; context: PromoteContext }> {
  const store = historyStore(request);
  return request.record ? store.exclusive(() => decideAndRecord(request, store)) : decideAndRecord(request, store);
}

async function decideAndRecord(
  request: PromoteRequest & { target: string; record: boolean },
  store: DeploymentHistory,
): Promise<{ promotion: Promotion; context: PromoteContext }> {
  const context = await gatherPromoteContext(request, store);
  const names = context.policy.environments.map((environment) => environment.name);
  if (request.target !== "next" && !names.includes(request.target)) {
    throw new ConfigurationError(
      `expected "next" or one of the policy's environments (${names.join(", ")}), found ${quoted(request.target)}`,
      optionLabel({ name: "to" }, request.frontEnd ?? "cli"),
    );
  }
  const observed = await observe(context, request.now, request.recordedAnalysis, request.frontEnd);
  const promotion = decidePromotion({
    ...context,
    target: request.target,
    now: request.now,
    analysis: request.analysis ?? observed.analysis,
    soakHealth: observed.soakHealth,
    override: request.override,
  });
  if (request.record && (promotion.decision === "promote" || promotion.decision === "rollback")) {
    const entry = {
      time: formatInstant(request.now),
      commit: context.commit,
      environment: promotion.environment,
      event: promotion.decision === "promote" ? ("deployed" as const) : ("rolled-back" as const),
      ...(promotion.decision === "promote" && promotion.trafficPercent ? { traffic: promotion.trafficPercent } : {}),
      ...(request.override && promotion.bypassed.length > context.history.filter((entry) => entry.commit === context.commit && entry.bypass).length
        ? { bypass: request.override }
        : {}),
      note: promotion.reasons[0],
    };
    const recorded = LedgerEntry.parse(entry);
    await context.store.record(recorded);
    context.history.push(recorded);
  }
  return { promotion, context };
}

export async function runPlan(request: PromoteRequest): Promise<{ plan: Promotion[]; context: PromoteContext }> {
  const context = await gatherPromoteContext(request);
  const observed = await observe(context, request.now, request.recordedAnalysis, request.frontEnd);
  return { plan: planPromotions({ ...context, now: request.now, analysis: request.analysis ?? observed.analysis, soakHealth: observed.soakHealth }), context };
}
