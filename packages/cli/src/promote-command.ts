import { resolve } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { parseRecordedAnalysis, renderPlanMarkdown, renderPlanText, renderPromotionMarkdown, renderPromotionText } from "@release-gates/core/promote";
import { readTextFile } from "@release-gates/platform";
import { GitHubClient } from "@release-gates/platform/github";
import { GitLabClient } from "@release-gates/platform/gitlab";
import {
  DEFAULT_LEDGER,
  type DeploymentHistory,
  GitHubDeploymentHistory,
  GitLabDeploymentHistory,
  type PromoteRequest,
  runPlan,
  runPromote,
} from "@release-gates/platform/promote";
import { choiceOption, type OptionSpec, parseCommandLine } from "./args.js";
import { type CommandIo, writeOutput } from "./io.js";

const COMMON: OptionSpec = {
  commit: { type: "string" },
  history: { type: "string" },
  analysis: { type: "string" },
  reports: { type: "string" },
  ledger: { type: "string" },
  policy: { type: "string" },
  now: { type: "string" },
  format: { type: "string" },
  cwd: { type: "string" },
  help: { type: "boolean", short: "h" },
};

const COMMON_HELP = `  --commit SHA        the commit (default: git HEAD)
  --reports DIR       directory of gate reports (*.json, searched recursively); only reports whose subject is the commit count
  --history H         where the deployment history lives: ledger (default), github or gitlab
                      (github: GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_TOKEN; gitlab: the CI_* variables and
                      RELEASE_GATES_GITLAB_TOKEN, or CI_JOB_TOKEN to read)
  --ledger FILE       the ledger, an append-only NDJSON file (default: ${DEFAULT_LEDGER})
  --analysis FILE     recorded canary measurements to judge instead of querying Prometheus
  --policy FILE       policy file (default: release-gates.yml)
  --now ISO-8601      decide as of this time (replays a decision); default: the clock
  --format F          text (default), markdown or json
  --cwd DIR           project directory (default: the current directory)`;

export const PROMOTE_HELP = `Usage: release-gates promote --to ENV|next [options]

Decides whether the commit may move to the environment: promote (at which traffic),
wait (until when), hold (what is missing) or rollback (to which version), with every reason.

Options:
  --to ENV|next       target environment, or the first one the commit has not fully reached
${COMMON_HELP}
  --record            append the decision to the ledger when it promotes or rolls back
  --report-out FILE   also write the decision as JSON here
  --summary-out FILE  also write the Markdown summary (with the chain as a Mermaid diagram)
  --dotenv-out FILE   also write DECISION, ENVIRONMENT, TRAFFIC_PERCENT, WAIT_UNTIL, ROLLBACK_TO (GitLab dotenv report)
  Break-glass (all four, approved by a second person): --override-reason TEXT --requested-by NAME
                      --approved-by NAME --override-expires ISO-8601

Exit codes: 0 promote, 1 wait / hold / rollback, 2 bad usage or unreadable input, 3 internal error.
`;

export const PLAN_HELP = `Usage: release-gates plan [options]

Shows, for every environment, where the commit could go now and, where it must wait,
the earliest time (soak, freeze window, rollout step). Records nothing.

Options:
${COMMON_HELP}

Exit codes: 0, 2 bad usage or unreadable input, 3 internal error.
`;

/** The history adapter named by --history, from the CI platform's variables. */
function historyFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv): DeploymentHistory | undefined {
  const kind = choiceOption(values.history, "--history", ["ledger", "github", "gitlab"] as const, "ledger");
  if (kind === "github") {
    if (!env.GITHUB_REPOSITORY || !env.GITHUB_TOKEN)
      throw new ConfigurationError("expected GITHUB_REPOSITORY and GITHUB_TOKEN in the environment, found them unset", "--history github");
    return new GitHubDeploymentHistory(new GitHubClient(env.GITHUB_API_URL ?? "https://api.github.com", env.GITHUB_TOKEN), env.GITHUB_REPOSITORY);
  }
  if (kind === "gitlab") {
    const token = env.RELEASE_GATES_GITLAB_TOKEN ?? env.CI_JOB_TOKEN;
    if (!env.CI_API_V4_URL || !env.CI_PROJECT_ID || !token)
      throw new ConfigurationError(
        "expected CI_API_V4_URL, CI_PROJECT_ID and a token (RELEASE_GATES_GITLAB_TOKEN or CI_JOB_TOKEN), found them unset",
        "--history gitlab",
      );
    const client = new GitLabClient(env.CI_API_V4_URL, token, env.RELEASE_GATES_GITLAB_TOKEN ? "private-token" : "job-token");
    return new GitLabDeploymentHistory(client, env.CI_PROJECT_ID, env.CI_COMMIT_REF_NAME ?? "main");
  }
  return undefined;
}

async function recorded(values: Record<string, unknown>, cwd: string) {
  if (typeof values.analysis !== "string") return undefined;
  const { text } = await readTextFile(resolve(cwd, values.analysis), values.analysis, "recorded canary measurements (JSON)");
  return parseRecordedAnalysis(text, values.analysis);
}

function clock(value: unknown): Date {
  if (value === undefined) return new Date();
  const time = Date.parse(String(value));
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(String(value)))
    throw new ConfigurationError(`expected an ISO-8601 time such as 2026-11-26T09:00:00Z, found ${JSON.stringify(value)}`, "--now");
  return new Date(time);
}

/** What promote and plan both read from their common flags. */
async function commonRequest(values: Record<string, unknown>, io: CommandIo): Promise<PromoteRequest> {
  const cwd = resolve(io.cwd, typeof values.cwd === "string" ? values.cwd : ".");
  return {
    cwd,
    policyPath: values.policy as string | undefined,
    commit: values.commit as string | undefined,
    reportsDir: values.reports as string | undefined,
    ledgerPath: values.ledger as string | undefined,
    history: historyFrom(values, io.env),
    recordedAnalysis: await recorded(values, cwd),
    now: clock(values.now),
  };
}

export async function promoteCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandLine(args, {
    ...COMMON,
    to: { type: "string" },
    record: { type: "boolean" },
    "report-out": { type: "string" },
    "summary-out": { type: "string" },
    "dotenv-out": { type: "string" },
    "override-reason": { type: "string" },
    "requested-by": { type: "string" },
    "approved-by": { type: "string" },
    "override-expires": { type: "string" },
  });
  if (values.help) {
    io.stdout(PROMOTE_HELP);
    return 0;
  }
  if (typeof values.to !== "string") throw new ConfigurationError('expected the target environment or "next", found none', "--to");
  const format = choiceOption(values.format, "--format", ["text", "markdown", "json"] as const, "text");
  const overrideFlags = ["override-reason", "requested-by", "approved-by", "override-expires"] as const;
  const given = overrideFlags.filter((flag) => typeof values[flag] === "string");
  if (given.length > 0 && given.length < overrideFlags.length) {
    throw new ConfigurationError(
      `expected all of --${overrideFlags.join(", --")} for a break-glass override, found only --${given.join(", --")}`,
      "break-glass",
    );
  }
  const { promotion, context } = await runPromote({
    ...(await commonRequest(values, io)),
    target: values.to,
    record: values.record === true,
    override:
      given.length === overrideFlags.length
        ? {
            reason: values["override-reason"] as string,
            requestedBy: values["requested-by"] as string,
            approvedBy: values["approved-by"] as string,
            expires: values["override-expires"] as string,
          }
        : undefined,
  });
  const markdown = renderPromotionMarkdown(context.policy, context.history, context.commit, promotion);
  if (typeof values["report-out"] === "string")
    await writeOutput(resolve(io.cwd, values["report-out"]), `${JSON.stringify({ commit: context.commit, ...promotion }, null, 2)}\n`);
  if (typeof values["summary-out"] === "string") await writeOutput(resolve(io.cwd, values["summary-out"]), markdown);
  if (typeof values["dotenv-out"] === "string") {
    const dotenv = [
      `DECISION=${promotion.decision}`,
      `ENVIRONMENT=${promotion.environment}`,
      `TRAFFIC_PERCENT=${promotion.trafficPercent ?? ""}`,
      `WAIT_UNTIL=${promotion.waitUntil ?? ""}`,
      `ROLLBACK_TO=${promotion.rollbackTo ?? ""}`,
    ];
    await writeOutput(resolve(io.cwd, values["dotenv-out"]), `${dotenv.join("\n")}\n`);
  }
  if (format === "json") io.stdout(`${JSON.stringify({ commit: context.commit, ...promotion }, null, 2)}\n`);
  else if (format === "markdown") io.stdout(markdown);
  else io.stdout(renderPromotionText(promotion));
  return promotion.decision === "promote" ? 0 : 1;
}

export async function planCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandLine(args, COMMON);
  if (values.help) {
    io.stdout(PLAN_HELP);
    return 0;
  }
  const format = choiceOption(values.format, "--format", ["text", "markdown", "json"] as const, "text");
  const { plan, context } = await runPlan(await commonRequest(values, io));
  if (format === "json") io.stdout(`${JSON.stringify({ commit: context.commit, plan }, null, 2)}\n`);
  else if (format === "markdown") io.stdout(renderPlanMarkdown(plan));
  else io.stdout(`plan for ${context.commit.slice(0, 12)}\n${renderPlanText(plan)}`);
  return 0;
}
