import { resolve } from "node:path";
import * as core from "@actions/core";
import { ConfigurationError } from "@release-gates/core";
import { type BreakGlass, parseRecordedAnalysis, renderPromotionMarkdown } from "@release-gates/core/promote";
import { readTextFile } from "@release-gates/platform";
import { GitHubClient, publishSummary, readGitHubContext, reportingErrors } from "@release-gates/platform/github";
import { type DeploymentHistory, GitHubDeploymentHistory, LedgerHistory, runPromote } from "@release-gates/platform/promote";

const OVERRIDE_INPUTS = ["override-reason", "requested-by", "approved-by", "override-expires"] as const;

function readOverride(): BreakGlass | undefined {
  const given = OVERRIDE_INPUTS.filter((name) => core.getInput(name));
  if (given.length === 0) return undefined;
  if (given.length < OVERRIDE_INPUTS.length)
    throw new ConfigurationError(`expected all of ${OVERRIDE_INPUTS.join(", ")} for a break-glass override, found only ${given.join(", ")}`, "inputs");
  return {
    reason: core.getInput("override-reason"),
    requestedBy: core.getInput("requested-by"),
    approvedBy: core.getInput("approved-by"),
    expires: core.getInput("override-expires"),
  };
}

function readNow(): Date {
  const raw = core.getInput("now");
  if (!raw) return new Date();
  const time = Date.parse(raw);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(raw))
    throw new ConfigurationError(`expected an ISO-8601 time such as 2026-11-26T09:00:00Z, found ${JSON.stringify(raw)}`, "input now");
  return new Date(time);
}

/** Decides the promotion, records it, and publishes the decision as outputs and a summary with the chain. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await reportingErrors("promote", async () => {
    const cwd = resolve(core.getInput("working-directory") || ".");
    const context = readGitHubContext(env);
    const kind = core.getInput("history") || "github";
    let history: DeploymentHistory;
    if (kind === "github") {
      const token = core.getInput("github-token");
      if (!token || !context.repository)
        throw new ConfigurationError("expected a token and GITHUB_REPOSITORY to read and write deployments, found none", "input history");
      history = new GitHubDeploymentHistory(new GitHubClient(context.apiUrl, token), context.repository);
    } else if (kind === "ledger") {
      const ledger = core.getInput("ledger") || "release-gates/ledger.ndjson";
      history = new LedgerHistory(resolve(cwd, ledger), ledger);
    } else throw new ConfigurationError(`expected github or ledger, found ${JSON.stringify(kind)}`, "input history");

    const analysisFile = core.getInput("analysis");
    const recordedAnalysis = analysisFile
      ? parseRecordedAnalysis((await readTextFile(resolve(cwd, analysisFile), analysisFile, "recorded canary measurements (JSON)")).text, analysisFile)
      : undefined;
    const { promotion, context: decided } = await runPromote({
      cwd,
      policyPath: core.getInput("policy") || undefined,
      commit: core.getInput("commit") || context.sha,
      reportsDir: core.getInput("reports") || "release-gates",
      history,
      recordedAnalysis,
      now: readNow(),
      target: core.getInput("to") || "next",
      record: core.getBooleanInput("record"),
      override: readOverride(),
    });
    core.setOutput("decision", promotion.decision);
    core.setOutput("environment", promotion.environment);
    core.setOutput("traffic-percent", promotion.trafficPercent ?? "");
    core.setOutput("wait-until", promotion.waitUntil ?? "");
    core.setOutput("rollback-to", promotion.rollbackTo ?? "");
    for (const reason of promotion.reasons) core.info(reason);
    for (const bypass of promotion.bypassed) core.warning(`Break-glass on this commit: ${bypass}`);
    await publishSummary(renderPromotionMarkdown(decided.policy, decided.history, decided.commit, promotion));
  });
}
