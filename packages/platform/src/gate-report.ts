import { basename } from "node:path";
import { buildReport, type Check, type Finding, type GateReport, sha256 } from "@release-gates/core";
import { headCommit, isGitWorkTree } from "./local/git.js";

export interface GateReportRequest {
  gate: string;
  cwd: string;
  /** Repository name and commit from the CI platform; git's HEAD when absent. */
  subject?: { name?: string; commit?: string };
  environment?: string;
  evaluation: { checks: Check[]; findings: Finding[]; details: object };
  inputs: { path: string; format: string; sha256: string }[];
  /** The effective settings the decision was made under (digested into the report). */
  policy: unknown;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * The report of a gate run, its subject the commit being judged. in-toto
 * needs a digest: without a commit, the subject is the set of inputs read.
 */
export async function gateReport(request: GateReportRequest): Promise<GateReport> {
  const commit = request.subject?.commit ?? ((await isGitWorkTree(request.cwd)) ? await headCommit(request.cwd) : undefined);
  const digest: Record<string, string> = commit ? { gitCommit: commit } : { sha256: sha256(request.inputs.map((input) => input.sha256).join("\n")) };
  return buildReport({
    gate: request.gate,
    subject: [{ name: request.subject?.name ?? basename(request.cwd), digest }],
    checks: request.evaluation.checks,
    findings: request.evaluation.findings,
    details: request.evaluation.details as Record<string, unknown>,
    inputs: request.inputs,
    policy: request.policy,
    environment: request.environment,
    startedAt: request.startedAt,
    finishedAt: request.finishedAt,
  });
}
