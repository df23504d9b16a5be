import { BREAK_GLASS_OPTIONS } from "../break-glass.js";
import { ConfigurationError, quoted } from "../errors.js";
import type { FrontEnd, GateOption } from "../kit/descriptor.js";
import { UNAVAILABLE_EXIT_CODE } from "../kit/help.js";
import { optionLabel, WORKING_DIRECTORY_OPTION } from "../kit/options.js";
import type { CommandView } from "../kit/view.js";

/** Where the ledger lives unless an option names another file. */
export const DEFAULT_LEDGER = "release-gates/ledger.ndjson";

const DEPLOYMENT_HISTORY = "Where the deployment history lives";
const REPORTS_FROM = "Where the gate reports are read from";

/** What promote and plan both read: the commit, the reports, the history and the time. */
const DECISION_OPTIONS: GateOption[] = [
  {
    name: "commit",
    kind: "string",
    placeholder: "SHA",
    frontEnds: ["action", "cli"],
    shownDefault: "the pull request's head, else GITHUB_SHA; on the command line, git HEAD",
    description: "The commit to promote.",
  },
  {
    name: "reports-from",
    kind: "enum",
    choices: ["github", "directory"],
    frontEnds: ["action"],
    actionDefault: "github",
    description: `${REPORTS_FROM}: github (the artifacts of every workflow run for the commit, needs actions: read) or directory (the reports input).`,
  },
  {
    name: "reports-from",
    kind: "enum",
    choices: ["directory", "github", "gitlab"],
    frontEnds: ["cli"],
    placeholder: "S",
    shownDefault: "`directory`",
    description: `${REPORTS_FROM}: directory (--reports), github (artifacts of every workflow run for the commit; GITHUB_REPOSITORY and GITHUB_TOKEN with actions: read) or gitlab (artifacts of the commit's pipelines; RELEASE_GATES_GITLAB_TOKEN with read_api).`,
  },
  {
    name: "reports-from",
    kind: "enum",
    choices: ["directory", "gitlab"],
    frontEnds: ["gitlab"],
    gitlabDefault: "directory",
    description: `${REPORTS_FROM}: directory (the reports input: this pipeline's artifacts) or gitlab (the artifacts of every pipeline for the commit; needs RELEASE_GATES_GITLAB_TOKEN, a project access token with read_api).`,
  },
  {
    name: "reports",
    kind: "path",
    placeholder: "DIR",
    default: "release-gates",
    shownDefault: "`release-gates`",
    description:
      "Directory of gate reports (*.json, searched recursively) when they are read from a directory; only reports whose subject is the commit count.",
  },
  {
    name: "report-artifacts",
    kind: "string",
    placeholder: "GLOB",
    actionDefault: "*-report",
    shownDefault: "`*-report` (GitHub artifact names), `*-gate` (GitLab job names)",
    description: "Which artifacts hold gate reports when they are read from the CI platform: artifact names on GitHub, job names on GitLab.",
  },
  {
    name: "history",
    kind: "enum",
    choices: ["github", "ledger"],
    frontEnds: ["action"],
    actionDefault: "github",
    description: `${DEPLOYMENT_HISTORY}: github (GitHub Deployments, needs deployments: write) or ledger (a file in the repository).`,
  },
  {
    name: "history",
    kind: "enum",
    choices: ["ledger", "github", "gitlab"],
    frontEnds: ["cli"],
    placeholder: "H",
    shownDefault: "`ledger`",
    description: `${DEPLOYMENT_HISTORY}: ledger, github (GITHUB_REPOSITORY, GITHUB_API_URL and GITHUB_TOKEN) or gitlab (the CI_* variables and RELEASE_GATES_GITLAB_TOKEN, or CI_JOB_TOKEN to read).`,
  },
  {
    name: "history",
    kind: "enum",
    choices: ["ledger", "gitlab"],
    frontEnds: ["gitlab"],
    gitlabDefault: "ledger",
    description: `${DEPLOYMENT_HISTORY}: ledger (a file, kept in the cache or the repository) or gitlab (deployments; recording needs RELEASE_GATES_GITLAB_TOKEN, a project access token).`,
  },
  {
    name: "ledger",
    kind: "path",
    placeholder: "FILE",
    default: DEFAULT_LEDGER,
    shownDefault: `\`${DEFAULT_LEDGER}\``,
    description: "The ledger, an append-only NDJSON file, when the history is the ledger.",
  },
  {
    name: "analysis",
    kind: "path",
    placeholder: "FILE",
    description: "Recorded canary measurements (JSON) to judge instead of querying Prometheus.",
  },
  {
    name: "now",
    kind: "string",
    placeholder: "ISO-8601",
    frontEnds: ["action", "cli"],
    shownDefault: "the clock",
    description: "Decide as of this time, to replay a decision.",
  },
  {
    name: "policy",
    kind: "path",
    placeholder: "FILE",
    shownDefault: "`release-gates.yml`",
    description: "Policy file: the gates' settings and the environment chain.",
  },
  WORKING_DIRECTORY_OPTION,
  {
    name: "format",
    kind: "enum",
    choices: ["text", "markdown", "json"],
    placeholder: "F",
    frontEnds: ["cli"],
    shownDefault: "`text`",
    description: "What to print.",
  },
];

/** promote's options in every front end, in the order users read them. */
export const PROMOTE_OPTIONS: readonly GateOption[] = [
  {
    name: "to",
    kind: "string",
    placeholder: "ENV|next",
    actionDefault: "next",
    gitlabDefault: "next",
    description: 'Target environment, or "next" (the first one this commit has not fully reached).',
  },
  ...DECISION_OPTIONS,
  {
    name: "record",
    kind: "boolean",
    actionDefault: "true",
    gitlabDefault: "true",
    description: "Record a promote or rollback decision (a deployment and its status, or a ledger line).",
  },
  { name: "report-out", kind: "path", placeholder: "FILE", frontEnds: ["cli"], description: "Also write the decision as JSON here." },
  {
    name: "summary-out",
    kind: "path",
    placeholder: "FILE",
    frontEnds: ["cli"],
    description: "Also write the Markdown summary (with the chain as a Mermaid diagram).",
  },
  {
    name: "dotenv-out",
    kind: "path",
    placeholder: "FILE",
    frontEnds: ["cli"],
    description: "Also write DECISION, ENVIRONMENT, TRAFFIC_PERCENT, WAIT_UNTIL, ROLLBACK_TO and REQUIRES (GitLab's dotenv report).",
  },
  ...BREAK_GLASS_OPTIONS,
  {
    name: "github-token",
    kind: "string",
    frontEnds: ["action"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, written into action.yml as it is
    actionDefault: "${{ github.token }}",
    description: "Token for the deployments (permissions: deployments: write).",
  },
];

const onlyFor = (options: readonly GateOption[], frontEnd: FrontEnd) => options.filter((option) => !option.frontEnds || option.frontEnds.includes(frontEnd));

/** promote's action, component and help. */
export const promoteView: CommandView = {
  name: "promote",
  command: "promote",
  title: "Promote",
  description:
    "Decides whether a commit may move to the next environment (gate reports for this commit, soak times, freeze windows, canary analysis, rollout steps), records the decision, and hands it to later steps (outputs) and jobs (DECISION, ENVIRONMENT, TRAFFIC_PERCENT, WAIT_UNTIL, ROLLBACK_TO and REQUIRES in a dotenv report).",
  help: `Decides whether the commit may move to the environment: promote (at which traffic),
wait (until when), hold (what is missing) or rollback (to which version), with every reason.`,
  usage: "--to ENV|next [options]",
  icon: "git-merge",
  options: (frontEnd) => onlyFor(PROMOTE_OPTIONS, frontEnd),
  actionOutputs: [
    { name: "decision", description: "promote, wait, hold or rollback" },
    { name: "environment", description: "The environment the decision is about" },
    { name: "traffic-percent", description: "Traffic to give the commit there (when promoting)" },
    { name: "wait-until", description: "When to try again (when waiting), ISO 8601" },
    { name: "rollback-to", description: "The commit to roll back to (when rolling back)" },
    { name: "requires", description: 'The gates the environment requires, as JSON (["coverage","security"]): what to run before promoting there' },
  ],
  exitCodes: `Exit codes: 0 promote, 1 wait / hold / rollback, 2 bad usage or unreadable input, 3 internal error, ${UNAVAILABLE_EXIT_CODE}.`,
  gitlab: {
    stage: "deploy",
    stageHint: "after the gates, before the deployment jobs",
    fixedArguments: [
      '--commit "$CI_COMMIT_SHA"',
      "--summary-out release-gates/promote-summary.md",
      "--report-out release-gates/promote-decision.json",
      "--dotenv-out release-gates/promote.env",
    ],
    reports: { dotenv: "release-gates/promote.env" },
    artifactPaths: ["release-gates/"],
    allowFailureExitCodes: [1],
    resourceGroup: "release-gates-promote",
  },
  source: { file: "packages/core/src/promote/command.ts", what: "promote's view" },
};

/** plan's help: the options promote and plan share. */
export const planView: CommandView = {
  ...promoteView,
  name: "plan",
  command: "plan",
  title: "Plan",
  help: `Shows, for every environment, where the commit could go now and, where it must wait,
the earliest time (soak, freeze window, rollout step). Records nothing.`,
  usage: "[options]",
  options: (frontEnd) => onlyFor(DECISION_OPTIONS, frontEnd),
  exitCodes: `Exit codes: 0, 2 bad usage or unreadable input, 3 internal error, ${UNAVAILABLE_EXIT_CODE}.`,
};

/** `--now` / input `now`: an ISO-8601 time with a date, or the clock when not given. */
export function decisionTime(text: string | undefined, frontEnd: FrontEnd, clock: () => Date = () => new Date()): Date {
  if (!text) return clock();
  const time = Date.parse(text);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(text))
    throw new ConfigurationError(`expected an ISO-8601 time such as 2026-11-26T09:00:00Z, found ${quoted(text)}`, optionLabel({ name: "now" }, frontEnd));
  return new Date(time);
}
