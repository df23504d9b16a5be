import type { z } from "zod";
import type { RenderLinks } from "../render/markdown.js";
import type { GateReport } from "../report/schema.js";

/** The places a gate is run from: a GitHub action, the CLI (laptops, other CI), a GitLab component (which runs the CLI). */
export type FrontEnd = "action" | "cli" | "gitlab";

/**
 * How an option's text becomes a value. Every front end passes text (action
 * inputs, flags, component inputs); the kind says how to read it and how the
 * generated front ends type it (GitLab `type: boolean`, `options:`, `regex:`).
 */
export type OptionKind =
  /** Free text (a ref, a URL, a PromQL query). */
  | "string"
  /** A file or directory, relative to the project. */
  | "path"
  /** Several values, one per line (a repeated flag, a multi-line input); `separator` may split further. */
  | "list"
  | "number"
  | "boolean"
  /** One of `choices` (read from the settings schema when the option sets one). */
  | "enum"
  /** `30m`, `24h`, `14d`. */
  | "duration"
  /** A gate's own threshold grammar (`lines=80,branches=70`, `http_req_duration=p(95)<500`), read by `convert`. */
  | "thresholds";

export interface GateOption {
  /** kebab-case: the action input, the CLI flag (`--name`) and the component input. */
  name: string;
  kind: OptionKind;
  /** The CLI's name where it differs from the action's (`env` for `environment`, `cwd` for `working-directory`). */
  cliName?: string;
  /** Where the value goes in the gate's settings (`traffic.minRps`); absent for options the front end uses itself. */
  setting?: string;
  /** One sentence for action.yml, the component's spec, the CLI help and the README. */
  description: string;
  /** The default as users should read it ("the policy's, else 80"). */
  shownDefault?: string;
  /** The value when the option is not given, in every front end (action.yml's and the component's default too). */
  default?: string;
  /** The action input's default where only the action has one (a GitHub expression, a switch the CLI spells as a flag). */
  actionDefault?: string;
  /** The component input's default where only the component has one. */
  gitlabDefault?: string;
  /** The word after the flag in the CLI help: FILE, N, REF. */
  placeholder?: string;
  /** For enums that set no setting (the setting's own enum is read from its schema otherwise). */
  choices?: readonly string[];
  /** Where the option exists; everywhere when absent. */
  frontEnds?: readonly FrontEnd[];
  /** Lists: what separates values within one line of text (lines always separate). */
  separator?: RegExp;
  /** Reads the text of `thresholds` options; the result is then validated against the setting's schema. */
  convert?: (text: string, where: string) => unknown;
  /** A component input's `regex:` (GitLab checks it before the pipeline runs). */
  gitlabRegex?: string;
  /** Let GitLab expand variables in this input (`$CI_MERGE_REQUEST_DIFF_BASE_SHA`); every other input is passed as typed. */
  gitlabExpand?: boolean;
}

/** A step output of the action: a name, what it means, and how it is read from the report and the run. */
export interface GateOutput<E = unknown> {
  name: string;
  description: string;
  value: (report: GateReport, extra: E) => string | number | null | undefined;
}

/**
 * A file a run can write besides its report (Cobertura, SARIF, GitLab's
 * security reports): an option that names where, and how GitLab keeps it.
 */
export interface GateDocument {
  /** The option naming the file (`sarif-out`). */
  option: string;
  description: string;
  /** Where the option exists; the component always writes the document to `gitlabPath`. */
  frontEnds: readonly FrontEnd[];
  /** The file the component writes. */
  gitlabPath: string;
  /** The component's `artifacts:reports` entry for it, when GitLab reads it (`coverage_report`, `dependency_scanning`). */
  gitlabReport?: { name: string; value?: Record<string, string> };
  /** The action output that carries the written path (`sarif-path`). */
  actionOutput?: string;
}

/** What a gate renders from its report and the run: loaded only by the gate that runs, so other gates' code stays out of a bundle's startup. */
export interface GateRenderers<E = unknown> {
  /** Sections of the job summary between the checks and the findings; file references link to the commit when `links` are given. */
  markdownSections(report: GateReport, links?: RenderLinks): string[];
  /** Lines after the terminal table (a headline of key figures, the blocking findings). */
  terminal?(report: GateReport): string;
  /** A line for the CI log in every output format (GitLab's `coverage:` regex reads it). */
  logLine?(report: GateReport): string;
  /** Each document by its option; undefined when the run has nothing to write there (a part that did not run). */
  documents?: Record<string, (report: GateReport, extra: E) => string | undefined>;
}

/**
 * Everything the front ends know of a gate, written once: the policy's
 * settings section, the options of the action / CLI / component, the
 * outputs, the documents and the renderers. action.yml, the GitLab template,
 * the CLI help and the README's input tables are generated from it.
 */
export interface GateDescriptor<S extends z.ZodObject = z.ZodObject, E = unknown> {
  /** The policy's key (`gates.coverage`) and the `requires:` name. */
  id: string;
  /** `coverage-gate`: the action's folder, the component, the report's `gate`. */
  name: string;
  /** The CLI command (`release-gates coverage`). */
  command: string;
  /** "Coverage gate". */
  title: string;
  /** What the gate decides, one sentence (action.yml, the component's spec). */
  description: string;
  /** One line in the CLI's command list. */
  summary: string;
  /** The CLI help's paragraph. */
  help: string;
  settings: S;
  options: readonly GateOption[];
  outputs: readonly GateOutput<E>[];
  documents: readonly GateDocument[];
  /** The action's branding icon (Feather icon name). */
  icon: string;
  /** The component's default stage and what it runs after. */
  gitlab: {
    stage: string;
    stageHint: string;
    /** Job variables besides the inputs (`GIT_DEPTH: "0"` where history is read). */
    variables?: Record<string, string>;
    /** The job's `coverage:` regex. */
    coverageRegex?: string;
    /** `artifacts:reports` entries for files the run writes itself (the generated SBOM as `cyclonedx`). */
    reports?: Record<string, string>;
  };
  renderers: () => Promise<GateRenderers<E>>;
}

/** Settings as front ends give them: any part of the gate's settings, nested. */
export type SettingsOverrides<S> = { [K in keyof S]?: S[K] extends readonly unknown[] ? S[K] : S[K] extends object ? SettingsOverrides<S[K]> : S[K] };

/**
 * Any gate's descriptor, whatever its run keeps: what the registry, the CLI's
 * command list and the generators handle. (Its outputs and renderers read
 * that gate's own run, so only code that has the run may call them.)
 */
export type AnyGateDescriptor = GateDescriptor<z.ZodObject, never>;

/** Declares a descriptor with its types inferred (the settings schema, the run's extra data). */
export function defineGate<S extends z.ZodObject, E>(descriptor: GateDescriptor<S, E>): GateDescriptor<S, E> {
  return descriptor;
}
