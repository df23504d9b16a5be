import { resolve } from "node:path";
import * as core from "@actions/core";
import { actionDefaultOf, defaultReportPath, type GateOption, readGateOptions, renderMarkdown } from "@release-gates/core";
import type { z } from "zod";
import { classifyError } from "../errors.js";
import { platformLinks } from "../kit/links.js";
import { shieldWorkflowCommands } from "../kit/log.js";
import { writeGateDocuments } from "../kit/outputs.js";
import { frontEndRequest, type GateRunner } from "../kit/run-gate.js";
import { GitHubClient } from "./client.js";
import { readGitHubContext } from "./context.js";
import { publishGateResult } from "./publish.js";

/**
 * An input as the runner passes it; an absent one is its default from
 * action.yml (the runner fills those in, but a step run by other tools may
 * not), never a crash. Expressions such as `${{ github.token }}` are the
 * runner's to evaluate, so they mean nothing here.
 */
export function actionInput(option: GateOption): string | undefined {
  const given = core.getInput(option.name);
  if (given) return given;
  const fallback = actionDefaultOf(option);
  return fallback?.includes("${{") ? undefined : fallback;
}

/** Writes text that came from inputs to the step's log, never as a workflow command. */
export function logUntrusted(text: string): void {
  process.stdout.write(shieldWorkflowCommands(text.endsWith("\n") ? text : `${text}\n`));
}

/** An action's body with the kinds of error kept apart: a user's mistake is one sentence, a crash says it is a bug. */
export async function reportingErrors(gate: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    core.setFailed(classifyError(error, gate).sentence);
  }
}

/**
 * A gate's action, the same for every gate: reads the inputs the descriptor
 * declares (one parser, errors naming the input), runs the gate with what the
 * runner knows (the pull request, the token), writes the report and the
 * documents asked for, and publishes outputs, annotations, the comment and the summary.
 */
export async function runGateAction<S extends z.ZodObject, E>(runner: GateRunner<S, E>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { descriptor } = runner;
  await reportingErrors(descriptor.name, async () => {
    const read = readGateOptions(descriptor, { frontEnd: "action", read: actionInput });
    const context = readGitHubContext(env);
    const token = read.values["github-token"] as string | undefined;
    const client = token ? new GitHubClient(context.apiUrl, token) : undefined;
    const request = frontEndRequest(read, { base: process.cwd(), frontEnd: "action", subject: { name: context.repository, commit: context.sha } });
    const result = await runner.run(request, { kind: "github", context, client, log: logUntrusted });
    const { cwd, values } = request;
    const renderers = await descriptor.renderers();
    const links = platformLinks(result.report, { GITHUB_ACTIONS: "true", ...env });
    // Written before publishing: a failing gate still leaves them for the upload steps (if: always()).
    const written = await writeGateDocuments(descriptor, renderers, result, values, "action", cwd);
    const outputs: Record<string, string | number | null | undefined> = {};
    for (const output of descriptor.outputs) outputs[output.name] = output.value(result.report, result);
    for (const document of descriptor.documents) if (document.actionOutput) outputs[document.actionOutput] = written[document.option];
    await publishGateResult({
      gate: descriptor.name,
      title: descriptor.title,
      report: result.report,
      markdown: renderMarkdown(result.report, renderers.markdownSections(result.report, links), links),
      reportPath: resolve(cwd, (values["report-out"] as string | undefined) ?? defaultReportPath(descriptor)),
      outputs,
      context,
      client,
      comment: (values.comment as boolean | undefined) ?? true,
    });
  });
}
