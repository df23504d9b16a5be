import type * as z from "zod";
import type { AnyGateDescriptor, FrontEnd, GateOption } from "./descriptor.js";
import { GATE_EXIT_CODES } from "./help.js";
import { optionsFor } from "./options.js";

/**
 * What the generated front ends (action.yml, the GitLab component, the CLI
 * help) need of a command, whether a gate or promote: its names and texts,
 * its options per front end, its outputs, and the component's job.
 */
export interface CommandView {
  /** The action's folder and the component's name: `coverage-gate`, `promote`. */
  name: string;
  command: string;
  title: string;
  description: string;
  /** The CLI help's paragraph. */
  help: string;
  /** The CLI help's usage line after `release-gates <command>`. */
  usage: string;
  icon: string;
  /** The settings schema enum options read their choices from. */
  settings?: z.ZodObject;
  options(frontEnd: FrontEnd): readonly GateOption[];
  actionOutputs: readonly { name: string; description: string }[];
  exitCodes: string;
  gitlab: {
    stage: string;
    stageHint: string;
    variables?: Record<string, string>;
    coverageRegex?: string;
    /** What the job always passes after the inputs: fixed output paths, the pipeline's commit. */
    fixedArguments: readonly string[];
    reports: Record<string, string | Record<string, string>>;
    artifactPaths: readonly string[];
    /** Exit codes that are decisions the pipeline reads, not failures of the job. */
    allowFailureExitCodes?: readonly number[];
    /** Jobs sharing it run one at a time across pipelines. */
    resourceGroup?: string;
  };
  /** Where the generated files come from, for their header. */
  source: { file: string; what: string };
}

/** A gate as the front ends see it: its options with its documents and the common ones, and its outputs. */
export function gateView(gate: AnyGateDescriptor): CommandView {
  const reports: CommandView["gitlab"]["reports"] = {};
  for (const document of gate.documents) if (document.gitlabReport) reports[document.gitlabReport.name] = document.gitlabReport.value ?? document.gitlabPath;
  Object.assign(reports, gate.gitlab.reports);
  return {
    name: gate.name,
    command: gate.command,
    title: gate.title,
    description: gate.description,
    help: gate.help,
    usage: "[options]",
    icon: gate.icon,
    settings: gate.settings,
    options: (frontEnd) => optionsFor(gate, frontEnd),
    actionOutputs: [
      { name: "status", description: "pass, warn or fail" },
      ...gate.outputs.map(({ name, description }) => ({ name, description })),
      { name: "report-path", description: "Path of the gate report file" },
      ...gate.documents.flatMap((document) =>
        document.actionOutput ? [{ name: document.actionOutput, description: `Path of the file written for ${document.option}, when it is set` }] : [],
      ),
    ],
    exitCodes: GATE_EXIT_CODES,
    gitlab: {
      stage: gate.gitlab.stage,
      stageHint: gate.gitlab.stageHint,
      variables: gate.gitlab.variables,
      coverageRegex: gate.gitlab.coverageRegex,
      fixedArguments: [`--summary-out release-gates/${gate.id}-summary.md`, ...gate.documents.map((document) => `--${document.option} ${document.gitlabPath}`)],
      reports,
      artifactPaths: ["release-gates/", "$[[ inputs.report-out ]]"],
    },
    source: { file: `packages/core/src/${gate.id}/gate.ts`, what: `the ${gate.title.toLowerCase()}'s descriptor` },
  };
}
