import { resolve } from "node:path";
import { breakGlass, type CommandView, ConfigurationError, renderCommandHelp } from "@release-gates/core";
import { planView, promoteView, renderPlanMarkdown, renderPlanText, renderPromotionMarkdown, renderPromotionText } from "@release-gates/core/promote";
import { writeOutputFile } from "@release-gates/platform";
import { type PromoteRequest, promoteRequest, runPlan, runPromote } from "@release-gates/platform/promote";
import { readCommandLine } from "./args.js";
import type { CommandIo } from "./io.js";

/** The options of promote or plan, and the request they make; undefined when --help was printed. */
async function read(
  view: CommandView,
  args: readonly string[],
  io: CommandIo,
): Promise<{ values: Record<string, unknown>; request: PromoteRequest } | undefined> {
  const options = readCommandLine(args, view.options("cli"));
  if (!options) {
    io.stdout(renderCommandHelp(view));
    return undefined;
  }
  return { values: options.values, request: await promoteRequest(options.values, { frontEnd: "cli", cwd: io.cwd, env: io.env }) };
}

export async function promoteCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = await read(promoteView, args, io);
  if (!parsed) return 0;
  const { values, request } = parsed;
  if (typeof values.to !== "string") throw new ConfigurationError('expected the target environment or "next", found none', "--to");
  const { promotion, context } = await runPromote({ ...request, target: values.to, record: values.record === true, override: breakGlass(values, "cli") });
  const decision = `${JSON.stringify({ commit: context.commit, ...promotion }, null, 2)}\n`;
  const markdown = renderPromotionMarkdown(context.policy, context.history, context.commit, promotion);
  const out = (option: string) => (typeof values[option] === "string" ? resolve(io.cwd, values[option] as string) : undefined);
  const reportOut = out("report-out");
  if (reportOut) await writeOutputFile(reportOut, decision);
  const summaryOut = out("summary-out");
  if (summaryOut) await writeOutputFile(summaryOut, markdown);
  const dotenvOut = out("dotenv-out");
  if (dotenvOut) {
    const dotenv = [
      `DECISION=${promotion.decision}`,
      `ENVIRONMENT=${promotion.environment}`,
      `TRAFFIC_PERCENT=${promotion.trafficPercent ?? ""}`,
      `WAIT_UNTIL=${promotion.waitUntil ?? ""}`,
      `ROLLBACK_TO=${promotion.rollbackTo ?? ""}`,
      `REQUIRES=${promotion.requires.join(" ")}`,
    ];
    await writeOutputFile(dotenvOut, `${dotenv.join("\n")}\n`);
  }
  if (values.format === "json") io.stdout(decision);
  else if (values.format === "markdown") io.stdout(markdown);
  else io.stdout(renderPromotionText(promotion));
  return promotion.decision === "promote" ? 0 : 1;
}

export async function planCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = await read(planView, args, io);
  if (!parsed) return 0;
  const { values, request } = parsed;
  const { plan, context } = await runPlan(request);
  if (values.format === "json") io.stdout(`${JSON.stringify({ commit: context.commit, plan }, null, 2)}\n`);
  else if (values.format === "markdown") io.stdout(renderPlanMarkdown(plan));
  else io.stdout(`plan for ${context.commit.slice(0, 12)}\n${renderPlanText(plan)}`);
  return 0;
}
