import { Document } from "yaml";
import type * as z from "zod";
import type { GateOption } from "../kit/descriptor.js";
import { gitlabDefaultOf, optionChoices } from "../kit/options.js";
import type { CommandView } from "../kit/view.js";
import { TOOL_VERSION } from "../version.js";
import { generatedHeader } from "./header.js";

/** A component runs the CLI published with its own release: the same version, never a range that can drift from the template. */
export const DEFAULT_CLI_PACKAGE = `@release-gates/cli@${TOOL_VERSION}`;

/** GitLab checks these before the pipeline runs; empty always means "not given". */
const KIND_REGEX: Partial<Record<GateOption["kind"], string>> = {
  number: "^$|^[0-9]+(\\.[0-9]+)?$",
  duration: "^$|^[0-9]+(ms|s|m|h|d|w)$",
};

/** Interpolated by GitLab; quoted as the component's key so it reads the same before and after. */
const JOB_KEY = "$[[ inputs.job-name ]]";

const variableName = (option: Pick<GateOption, "name">) => `RG_${option.name.toUpperCase().replace(/-/g, "_")}`;
const input = (name: string) => `$[[ inputs.${name} ]]`;

function specInput(option: GateOption, settings: z.ZodObject | undefined): Record<string, unknown> {
  const shown = option.shownDefault ? ` Empty means ${option.shownDefault.replace(/`/g, "")}.` : "";
  if (option.kind === "boolean") return { type: "boolean", default: gitlabDefaultOf(option) === "true", description: option.description };
  const choices = optionChoices(option, settings);
  const regex = option.gitlabRegex ?? KIND_REGEX[option.kind];
  return {
    default: gitlabDefaultOf(option) ?? "",
    // With a default of its own the input cannot be empty.
    ...(choices ? { options: gitlabDefaultOf(option) === undefined ? ["", ...choices] : [...choices] } : {}),
    ...(regex ? { regex } : {}),
    description: `${option.description}${gitlabDefaultOf(option) === undefined ? shown : ""}`,
  };
}

/**
 * The gate's CI/CD component: spec:inputs typed where GitLab has types
 * (boolean, options, regex), inputs reaching the CLI only through variables
 * with `expand: false`, quoted in the script, and the gate's documents kept
 * as artifacts and GitLab reports.
 */
export function renderGitLabTemplate(view: CommandView): string {
  const options = view.options("gitlab");
  const spec = new Document({
    spec: {
      description: view.description,
      inputs: {
        "job-name": { default: view.name, description: "Name of the job the component adds." },
        stage: { default: view.gitlab.stage, description: `Stage the job runs in (${view.gitlab.stageHint}).` },
        image: { default: "node:24-alpine", description: "Image with Node.js 20 or later; the job runs the release-gates CLI in it." },
        "cli-package": {
          default: DEFAULT_CLI_PACKAGE,
          description: "npm package spec of the release-gates CLI (a version, or a tarball path for offline runners).",
        },
        ...Object.fromEntries(options.map((option) => [option.name, specInput(option, view.settings)])),
      },
    },
  });
  spec.commentBefore = generatedHeader(view);

  const flags = options.filter((option) => option.kind === "boolean");
  const valued = options.filter((option) => option.kind !== "boolean");
  const variable = (name: string, value: string, expand = false) => [`    ${name}:`, `      value: ${value}`, ...(expand ? [] : ["      expand: false"])];
  const command = [
    'npm exec --yes --package="$RG_CLI_PACKAGE" --',
    `release-gates ${view.command}`,
    ...valued.map((option) => `--${option.cliName ?? option.name} "$${variableName(option)}"`),
    ...view.gitlab.fixedArguments,
    ...(flags.length > 0 ? ['"$@"'] : []),
  ];
  const reports = Object.entries(view.gitlab.reports).flatMap(([name, value]) =>
    typeof value === "string" ? [`      ${name}: ${value}`] : [`      ${name}:`, ...Object.entries(value).map(([key, item]) => `        ${key}: ${item}`)],
  );
  const job = [
    `"${JOB_KEY}":`,
    `  stage: ${input("stage")}`,
    `  image: ${input("image")}`,
    "  # Inputs reach the CLI only through these variables, always quoted in the",
    "  # script: nothing a user types is ever parsed as shell. `expand: false`",
    '  # keeps a "$" in an input as typed instead of expanding it as a variable.',
    "  variables:",
    ...variable("RG_CLI_PACKAGE", input("cli-package")),
    // A boolean input must reach its variable as the text "true", not a YAML boolean.
    ...options.flatMap((option) => [
      ...(option.gitlabExpand
        ? ["    # Expanded on purpose, so a variable such as $CI_MERGE_REQUEST_DIFF_BASE_SHA can be given; GitLab expands it, not the shell."]
        : []),
      ...variable(variableName(option), option.kind === "boolean" ? `"${input(option.name)}"` : input(option.name), option.gitlabExpand),
    ]),
    ...Object.entries(view.gitlab.variables ?? {}).map(([name, value]) => `    ${name}: ${JSON.stringify(value)}`),
    "  script:",
    ...(flags.length > 0
      ? [
          "    # Typed boolean inputs choose flags; their values are compared, never pasted.",
          "    - set --",
          ...flags.map((option) => `    - if [ "$${variableName(option)}" = "true" ]; then set -- "$@" --${option.cliName ?? option.name}; fi`),
        ]
      : []),
    "    - >-",
    ...command.map((part) => `      ${part}`),
    ...(view.gitlab.coverageRegex ? [`  coverage: '${view.gitlab.coverageRegex}'`] : []),
    ...(view.gitlab.resourceGroup
      ? ["  # One at a time across pipelines: two runs never read the same history and record the same step.", `  resource_group: ${view.gitlab.resourceGroup}`]
      : []),
    ...(view.gitlab.allowFailureExitCodes
      ? [
          "  # These exit codes are decisions that later jobs read, not failures of the job.",
          "  allow_failure:",
          `    exit_codes: [${view.gitlab.allowFailureExitCodes.join(", ")}]`,
        ]
      : []),
    "  artifacts:",
    "    when: always",
    "    paths:",
    ...view.gitlab.artifactPaths.map((path) => `      - ${path}`),
    ...(reports.length > 0 ? ["    reports:", ...reports] : []),
  ];
  return `${spec.toString({ lineWidth: 0 })}---\n${job.join("\n")}\n`;
}
