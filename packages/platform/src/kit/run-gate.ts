import { basename, resolve } from "node:path";
import {
  buildReport,
  type Check,
  type Finding,
  type FrontEnd,
  type GateDescriptor,
  type GateReport,
  type LoadedPolicy,
  optionLabel,
  resolveGateSettings,
  type SettingsOverrides,
  sha256,
} from "@release-gates/core";
import type { z } from "zod";
import type { GitHubClient } from "../github/client.js";
import type { GitHubContext } from "../github/context.js";
import type { GitLabContext } from "../gitlab/context.js";
import { projectDirectory } from "../local/files.js";
import { type GitFacts, gitFacts } from "../local/git.js";
import { loadPolicy } from "../local/policy.js";

/** An input a report pins: where it was read, what it was read as, its digest. */
export interface ReportInput {
  path: string;
  format: string;
  sha256: string;
}

/** What any front end asks of a gate: where the project and the policy are, what it overrides, whom the report is about. */
export interface GateRequest<S = unknown> {
  /** The project directory: input paths are relative to it. */
  cwd: string;
  /** An explicit policy file; without one, `release-gates.yml` in `cwd` if present, else the defaults. */
  policyPath?: string;
  environment?: string;
  /** Action inputs / CLI flags: they win over the policy file. */
  overrides?: SettingsOverrides<S>;
  /** Repository name and commit for the report subject; git's HEAD when absent. */
  subject?: { name?: string; commit?: string };
  clock?: () => Date;
  /** Where the request came from, so errors name the input or flag the user typed; the CLI's names when absent. */
  frontEnd?: FrontEnd;
}

/** What a gate's pipeline is given: the settings in force and the run's shared facts. */
export interface GateRun<S> {
  cwd: string;
  settings: S;
  policy: LoadedPolicy;
  environment: string | undefined;
  /** When the run started: expiry, soak and snapshot age are judged against it. */
  startedAt: Date;
  git: GitFacts;
}

/** What a gate's pipeline found: the decision's parts, the inputs it read, and what its renderers need besides the report. */
export interface Gathered<E> {
  checks: Check[];
  findings: Finding[];
  details: object;
  inputs: ReportInput[];
  extra: E;
}

export type GateResult<S, E> = { report: GateReport; settings: S } & E;

/**
 * One gate run from files to report, the same for every gate: the clock,
 * the project directory, the policy and the settings in force (policy, then
 * environment, then the run's overrides), git read once, the gate's own
 * pipeline, and the report whose subject is the commit.
 */
export async function runGate<S extends z.ZodObject, E>(
  // Any descriptor of these settings: its outputs and renderers read the run's extra data, which `gather` returns.
  descriptor: GateDescriptor<S, never>,
  request: GateRequest<z.infer<S>>,
  gather: (run: GateRun<z.infer<S>>) => Promise<Gathered<E>>,
): Promise<GateResult<z.infer<S>, E>> {
  const clock = request.clock ?? (() => new Date());
  const startedAt = clock();
  const frontEnd = request.frontEnd ?? "cli";
  const cwd = await projectDirectory(request.cwd, optionLabel({ name: "working-directory", cliName: "cwd" }, frontEnd));
  const policy = await loadPolicy(cwd, request.policyPath);
  const settings = resolveGateSettings(
    policy,
    descriptor,
    request.environment,
    request.overrides,
    optionLabel({ name: "environment", cliName: "env" }, frontEnd),
  );
  const git = gitFacts(cwd);
  const gathered = await gather({ cwd, settings, policy, environment: request.environment, startedAt, git });
  // in-toto needs a digest: without a commit, the subject is the set of inputs read.
  const commit = request.subject?.commit ?? (await git.head());
  const digest: Record<string, string> = commit ? { gitCommit: commit } : { sha256: sha256(gathered.inputs.map((input) => input.sha256).join("\n")) };
  const report = buildReport({
    gate: descriptor.name,
    subject: [{ name: request.subject?.name ?? basename(cwd), digest }],
    checks: gathered.checks,
    findings: gathered.findings,
    details: gathered.details as Record<string, unknown>,
    inputs: gathered.inputs,
    policy: settings,
    environment: request.environment,
    startedAt,
    finishedAt: clock(),
  });
  return { report, settings, ...gathered.extra };
}

/** Where a run happens, for the evidence only a platform has (a pull request's files, a base branch's artifacts). */
export type RunPlatform =
  | { kind: "github"; context: GitHubContext; client: GitHubClient | undefined; log(message: string): void }
  | { kind: "gitlab"; context: GitLabContext; log(message: string): void }
  | { kind: "local"; log(message: string): void };

/** A front end's request: the common one, and the values of the options that are not settings (base-ref, base-artifact…). */
export interface FrontEndRequest<S> extends GateRequest<S> {
  values: Record<string, unknown>;
}

/**
 * The request a front end makes from the options it read: the project
 * directory (relative to `base`, where the front end runs), the policy, the
 * environment and the overrides, and whom the report is about.
 */
export function frontEndRequest<S>(
  read: { overrides: SettingsOverrides<S>; values: Record<string, unknown> },
  at: { base: string; frontEnd: FrontEnd; subject: { name?: string; commit?: string } },
): FrontEndRequest<S> {
  const { overrides, values } = read;
  return {
    cwd: resolve(at.base, (values["working-directory"] as string | undefined) ?? "."),
    policyPath: values.policy as string | undefined,
    environment: values.environment as string | undefined,
    overrides,
    values,
    subject: at.subject,
    frontEnd: at.frontEnd,
  };
}

/**
 * A gate's pipeline as the front ends call it: the action and the CLI read
 * the options (one parser, from the descriptor), then hand the request and
 * the platform to `run`, which gathers what the platform adds and runs the gate.
 */
export interface GateRunner<S extends z.ZodObject = z.ZodObject, E = unknown> {
  descriptor: GateDescriptor<S, E>;
  run(request: FrontEndRequest<z.infer<S>>, platform: RunPlatform): Promise<GateResult<z.infer<S>, E>>;
}
