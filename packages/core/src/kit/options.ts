import type { z } from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import { describeZodError } from "../validation.js";
import type { AnyGateDescriptor, FrontEnd, GateDescriptor, GateOption, SettingsOverrides } from "./descriptor.js";

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, written into action.yml as it is
const GITHUB_TOKEN_EXPRESSION = "${{ github.token }}";

/** Where the project is: the action's working directory, the CLI's --cwd (the component runs in the checkout). */
export const WORKING_DIRECTORY_OPTION: GateOption = {
  name: "working-directory",
  cliName: "cwd",
  kind: "path",
  placeholder: "DIR",
  frontEnds: ["action", "cli"],
  default: ".",
  shownDefault: "`.`",
  description: "Project directory that input paths are relative to.",
};

/** The output formats of the CLI. */
/**
 * Where a gate finds the base branch's copy of a report it compares with:
 * a GitHub artifact of the base branch's latest successful run, or a GitLab
 * job's artifacts on the target branch. `what` names the report in the
 * descriptions ("coverage report", "test results"); `use` says what for.
 */
export function baseArtifactOptions(what: string, use: string, example: string): GateOption[] {
  return [
    {
      name: "base-artifact",
      kind: "string",
      frontEnds: ["action"],
      description: `Name of an artifact (actions/upload-artifact) holding the base branch's ${what}; the latest successful run on the base branch that uploaded it is used for ${use}.`,
    },
    {
      name: "base-artifact-job",
      kind: "string",
      placeholder: "JOB",
      frontEnds: ["cli", "gitlab"],
      description: `GitLab: take the base branch's ${what} from this job's artifacts on the target branch (the MR's target, else the default branch), via the jobs/artifacts API.`,
    },
    {
      name: "base-artifact-path",
      kind: "path",
      placeholder: "PATH",
      description: `The path of the base branch's ${what} inside those artifacts (e.g. ${example}).`,
    },
  ];
}

export const OUTPUT_FORMATS = ["text", "markdown", "json"] as const;

/**
 * The options every gate has, after its own: where the policy and the project
 * are, which environment applies, where the report goes, and the action's
 * comment and token.
 */
export function commonOptions(descriptor: Pick<GateDescriptor, "id" | "name">): GateOption[] {
  return [
    {
      name: "policy",
      kind: "path",
      placeholder: "FILE",
      description: "Policy file: the gates' settings and the environment chain.",
      shownDefault: "`release-gates.yml` if present",
    },
    {
      name: "environment",
      cliName: "env",
      kind: "string",
      placeholder: "NAME",
      description: `Apply this environment's ${descriptor.id} settings from the policy.`,
    },
    WORKING_DIRECTORY_OPTION,
    {
      name: "report-out",
      kind: "path",
      placeholder: "FILE",
      actionDefault: defaultReportPath(descriptor),
      gitlabDefault: defaultReportPath(descriptor),
      shownDefault: `\`${defaultReportPath(descriptor)}\``,
      description: "Where to write the gate report (JSON, an in-toto Statement); the component keeps it as an artifact.",
    },
    { name: "summary-out", kind: "path", placeholder: "FILE", frontEnds: ["cli"], description: "Also write the Markdown summary here." },
    {
      name: "format",
      kind: "enum",
      choices: OUTPUT_FORMATS,
      placeholder: "F",
      frontEnds: ["cli"],
      shownDefault: "`text`",
      description: "What to print: text, markdown or json.",
    },
    {
      name: "comment",
      kind: "boolean",
      frontEnds: ["action"],
      actionDefault: "true",
      shownDefault: "`true`",
      description: "On pull requests, keep one comment with the summary up to date (needs pull-requests write).",
    },
    {
      name: "github-token",
      kind: "string",
      frontEnds: ["action"],
      actionDefault: GITHUB_TOKEN_EXPRESSION,
      shownDefault: `\`${GITHUB_TOKEN_EXPRESSION}\``,
      description: "Token for the GitHub API: the pull request's files, base-branch artifacts and the comment.",
    },
  ];
}

/** An option's default in action.yml (and for an absent input). */
export const actionDefaultOf = (option: GateOption): string | undefined => option.actionDefault ?? option.default;
/** An option's default in the component's spec. */
export const gitlabDefaultOf = (option: GateOption): string | undefined => option.gitlabDefault ?? option.default;

/** `release-gates/coverage-report.json`. */
export function defaultReportPath(descriptor: Pick<GateDescriptor, "id">): string {
  return `release-gates/${descriptor.id}-report.json`;
}

/** A document written by a run, as an option of the front ends that offer it. */
function documentOptions(descriptor: AnyGateDescriptor): GateOption[] {
  return descriptor.documents.map((document) => ({
    name: document.option,
    kind: "path",
    placeholder: "FILE",
    frontEnds: document.frontEnds,
    description: document.description,
  }));
}

/** Every option a front end offers for the gate, in the order users read them: the gate's, its documents, then the common ones. */
export function optionsFor(descriptor: AnyGateDescriptor, frontEnd: FrontEnd): GateOption[] {
  return [...descriptor.options, ...documentOptions(descriptor), ...commonOptions(descriptor)].filter(
    (option) => !option.frontEnds || option.frontEnds.includes(frontEnd),
  );
}

/** The name a user typed, as messages should say it: `input min-rps` in an action, `--min-rps` on the command line. */
export function optionLabel(option: Pick<GateOption, "name" | "cliName">, frontEnd: FrontEnd): string {
  return frontEnd === "action" ? `input ${option.name}` : `--${option.cliName ?? option.name}`;
}

/** The zod schema at a dot path of a settings schema, through optional and default wrappers. */
export function schemaAt(schema: z.ZodType, path: string): z.ZodType {
  let current: z.ZodType = schema;
  for (const key of path.split(".")) {
    const object = unwrap(current) as unknown as { shape?: Record<string, z.ZodType> };
    const next = object.shape?.[key];
    if (!next) throw new Error(`no setting ${path} in the schema (at ${key})`);
    current = next;
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { unwrap?: () => z.ZodType };
  while (typeof current.unwrap === "function" && !("shape" in current)) current = current.unwrap() as typeof current;
  return current;
}

/** The values an enum option allows: its own list, or the enum of the setting it sets. */
export function optionChoices(option: GateOption, settings?: z.ZodType): readonly string[] | undefined {
  if (option.choices) return option.choices;
  if (option.kind !== "enum" || !option.setting || !settings) return undefined;
  const target = unwrap(schemaAt(settings, option.setting)) as unknown as { options?: readonly string[] };
  return target.options;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseBooleanText(text: string, where: string): boolean {
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  throw new ConfigurationError(`expected true or false, found ${quoted(text)}`, where);
}

/** One option's text as its value, by its kind; undefined when nothing was given (empty text is "not given" in every front end). */
export function convertOptionText(option: GateOption, text: string | undefined, where: string, settings?: z.ZodType): unknown {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  switch (option.kind) {
    case "boolean":
      return parseBooleanText(trimmed, where);
    case "number":
      if (!NUMBER.test(trimmed)) throw new ConfigurationError(`expected a number, found ${quoted(trimmed)}`, where);
      return Number(trimmed);
    case "list": {
      const items = trimmed
        .split(/\r?\n/)
        .flatMap((line) => (option.separator ? line.split(option.separator) : [line]))
        .map((item) => item.trim())
        .filter(Boolean);
      return items.length > 0 ? items : undefined;
    }
    case "thresholds":
      if (!option.convert) throw new Error(`option ${option.name} has no convert function`);
      return option.convert(trimmed, where);
    case "enum": {
      const choices = optionChoices(option, settings);
      if (choices && !choices.includes(trimmed)) throw new ConfigurationError(`expected one of ${choices.join(", ")}, found ${quoted(trimmed)}`, where);
      return trimmed;
    }
    default:
      return trimmed;
  }
}

/** Where option text comes from: the action's inputs or the command line. */
export interface OptionSource {
  frontEnd: FrontEnd;
  /** The text given for an option; undefined or empty when not given. */
  read(option: GateOption): string | undefined;
}

export interface ReadOptions<S> {
  /** What the options set in the gate's settings: they win over the policy file. */
  overrides: SettingsOverrides<S>;
  /** The other options by name (report-out, base-ref, sarif-out…), converted; absent when not given. */
  values: Record<string, unknown>;
}

/**
 * Reads options from one front end, the same way for action inputs and CLI
 * flags: each value is converted by its kind and, when it sets a setting,
 * validated on its own against that setting, so an error names the input or
 * flag the user typed (`--min-rps: expected a number more than 0, found number 0`), never the policy file.
 */
export function readOptions(options: readonly GateOption[], source: OptionSource, settings?: z.ZodObject): ReadOptions<Record<string, unknown>> {
  const overrides: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  for (const option of options) {
    if (option.frontEnds && !option.frontEnds.includes(source.frontEnd)) continue;
    const where = optionLabel(option, source.frontEnd);
    const value = convertOptionText(option, source.read(option) || option.default, where, settings);
    if (value === undefined) continue;
    if (!option.setting || !settings) {
      values[option.name] = value;
      continue;
    }
    const result = schemaAt(settings, option.setting).safeParse(value);
    if (!result.success) throw new ConfigurationError(describeZodError(result.error, value).sentence.replace(/^\(top level\): /, ""), where);
    setPath(overrides, option.setting, result.data);
  }
  return { overrides, values };
}

/** Every option of a gate from one front end: its own, its documents' and the common ones. */
export function readGateOptions<S extends z.ZodObject>(descriptor: GateDescriptor<S, never>, source: OptionSource): ReadOptions<z.infer<S>> {
  const { overrides, values } = readOptions(optionsFor(descriptor, source.frontEnd), source, descriptor.settings);
  return { overrides: overrides as SettingsOverrides<z.infer<S>>, values };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
}
