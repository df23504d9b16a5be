import { resolve } from "node:path";
import { type AnyGateDescriptor, defaultReportPath, gateView, renderCommandHelp, renderMarkdown, renderText } from "@release-gates/core";
import {
  frontEndRequest,
  loadGateRunner,
  platformLinks,
  type RunPlatform,
  writeGateDocuments,
  writeOutputFile,
  writeReportFile,
} from "@release-gates/platform";
import { readGitLabContext } from "@release-gates/platform/gitlab";
import { readCommandLine } from "./args.js";
import type { CommandIo } from "./io.js";

export interface Command {
  name: string;
  /** One line in `release-gates --help`. */
  summary: string;
  /** The gate named in an internal error (`release-gates/coverage-gate failed: …`). */
  gate: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/**
 * `release-gates <gate>`, the same for every gate: the flags are the
 * descriptor's options (one parser, errors naming the flag), the run is the
 * gate's runner with what a GitLab job knows, and the outputs are the report,
 * the summary, the documents asked for and the terminal table.
 */
export function gateCommand(descriptor: AnyGateDescriptor): Command {
  return {
    name: descriptor.command,
    summary: descriptor.summary,
    gate: descriptor.name,
    async run(args, io) {
      const view = gateView(descriptor);
      const read = readCommandLine(args, view.options("cli"), descriptor.settings);
      if (!read) {
        io.stdout(renderCommandHelp(view));
        return 0;
      }
      const gitlab = readGitLabContext(io.env);
      const log = (message: string) => io.stderr(`${message}\n`);
      const platform: RunPlatform = gitlab ? { kind: "gitlab", context: gitlab, log } : { kind: "local", log };
      const runner = await loadGateRunner(descriptor.id);
      const request = frontEndRequest(read, {
        base: io.cwd,
        frontEnd: "cli",
        subject: { name: gitlab?.projectPath ?? io.env.GITHUB_REPOSITORY, commit: gitlab?.commitSha },
      });
      const result = await runner.run(request, platform);
      const { cwd, values } = request;
      const { report } = result;
      const renderers = await runner.descriptor.renderers();

      // Output paths are relative to where the command runs (like any CLI); the report's default is in the project.
      const reportOut = typeof values["report-out"] === "string" ? resolve(io.cwd, values["report-out"]) : resolve(cwd, defaultReportPath(descriptor));
      await writeReportFile(reportOut, report);
      const links = platformLinks(report, io.env);
      const markdown = renderMarkdown(report, renderers.markdownSections(report, links), links);
      if (typeof values["summary-out"] === "string") await writeOutputFile(resolve(io.cwd, values["summary-out"]), markdown);
      await writeGateDocuments(descriptor, renderers, result, values, "cli", io.cwd);

      const format = (values.format as string | undefined) ?? "text";
      if (format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else if (format === "markdown") io.stdout(markdown);
      else io.stdout(`${renderText(report)}${renderers.terminal?.(report) ?? ""}Report: ${reportOut}\n`);
      if (renderers.logLine) io.stderr(`${renderers.logLine(report)}\n`);
      return report.predicate.status === "fail" ? 1 : 0;
    },
  };
}
