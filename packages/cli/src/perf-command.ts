import { resolve } from "node:path";
import {
  type PerfDetails,
  type PerfSettings,
  parseThresholdAssignments,
  perfMarkdownSections,
  renderLoadPerformance,
  renderMarkdown,
  renderText,
} from "@release-gates/core";
import { readGitLabContext, runPerfGate } from "@release-gates/platform";
import { choiceOption, numberOption, parseCommandLine } from "./args.js";
import { type CommandIo, writeOutput } from "./io.js";

export const PERF_HELP = `Usage: release-gates perf [options]

Reads k6 output, decides against the policy's thresholds and writes the gate report.

Options:
  --summary FILE            k6 end-of-test summary: --summary-export, handleSummary data or the machine-readable summary
  --results FILE            k6 --out json NDJSON results (streamed; thresholds are computed from the samples)
  --threshold 'METRIC=EXPR' a k6 threshold, e.g. 'http_req_duration{name:login}=p(95)<300' (repeatable, or ';'-separated)
  --baseline FILE           a previous run (summary or NDJSON) to detect regressions against
  --resources FILE          CPU / memory samples during the test (CSV time,cpu_percent,memory_bytes or JSON)
  --prometheus-url URL      read CPU / memory over the test's window from Prometheus (needs --results)
  --cpu-query PROMQL        one series of CPU use in percent, e.g. 'max(rate(process_cpu_seconds_total{job="api"}[1m])) * 100'
  --memory-query PROMQL     one series of memory use in bytes
  --max-cpu N               the highest CPU use (%) allowed during the test
  --max-memory BYTES        the highest memory use allowed during the test
  --min-rps N               the request rate the test must have reached
  --min-vus N               the virtual users the test must have reached
  --policy FILE             policy file (default: release-gates.yml if present)
  --env NAME                apply this environment's settings from the policy
  --report-out FILE         write the gate report (JSON) here (default: release-gates/perf-report.json)
  --summary-out FILE        also write the Markdown summary here
  --load-performance-out F  also write GitLab's load_performance report (k6's legacy summary shape)
  --format F                what to print: text (default), markdown or json
  --cwd DIR                 project directory (default: the current directory)
  -h, --help                this help

Exit codes: 0 pass (or warn), 1 gate failed, 2 bad usage or unreadable input, 3 internal error.
`;

export async function perfCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const values = parseCommandLine(args, {
    summary: { type: "string" },
    results: { type: "string" },
    threshold: { type: "string", multiple: true },
    baseline: { type: "string" },
    resources: { type: "string" },
    "prometheus-url": { type: "string" },
    "cpu-query": { type: "string" },
    "memory-query": { type: "string" },
    "max-cpu": { type: "string" },
    "max-memory": { type: "string" },
    "min-rps": { type: "string" },
    "min-vus": { type: "string" },
    policy: { type: "string" },
    env: { type: "string" },
    "report-out": { type: "string" },
    "summary-out": { type: "string" },
    "load-performance-out": { type: "string" },
    format: { type: "string" },
    cwd: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(PERF_HELP);
    return 0;
  }
  const format = choiceOption(values.format, "--format", ["text", "markdown", "json"] as const, "text");
  const overrides: Partial<PerfSettings> = {};
  if (typeof values.summary === "string") overrides.summary = values.summary;
  if (typeof values.results === "string") overrides.results = values.results;
  if (typeof values.baseline === "string") overrides.baseline = values.baseline;
  // Not split on spaces like other lists: expressions may hold them ("med <= 2").
  const thresholds = Array.isArray(values.threshold) ? parseThresholdAssignments(values.threshold, "--threshold") : undefined;
  if (thresholds) overrides.thresholds = thresholds;
  const minRps = numberOption(values["min-rps"], "--min-rps", 0, Number.MAX_SAFE_INTEGER);
  const minVus = numberOption(values["min-vus"], "--min-vus", 0, Number.MAX_SAFE_INTEGER);
  if (minRps !== undefined || minVus !== undefined)
    overrides.traffic = { ...(minRps === undefined ? {} : { minRps }), ...(minVus === undefined ? {} : { minVus }) };
  const resources: NonNullable<PerfSettings["resources"]> = {};
  if (typeof values.resources === "string") resources.samples = values.resources;
  if (typeof values["prometheus-url"] === "string") {
    resources.prometheus = {
      url: values["prometheus-url"],
      cpuQuery: values["cpu-query"] as string | undefined,
      memoryQuery: values["memory-query"] as string | undefined,
      stepSeconds: 15,
    };
  }
  const maxCpu = numberOption(values["max-cpu"], "--max-cpu", 0, Number.MAX_SAFE_INTEGER);
  const maxMemory = numberOption(values["max-memory"], "--max-memory", 0, Number.MAX_SAFE_INTEGER);
  if (maxCpu !== undefined) resources.maxCpuPercent = maxCpu;
  if (maxMemory !== undefined) resources.maxMemoryBytes = maxMemory;
  if (Object.keys(resources).length > 0) overrides.resources = resources;

  const cwd = resolve(io.cwd, typeof values.cwd === "string" ? values.cwd : ".");
  const gitlab = readGitLabContext(io.env);
  const { report, run, durationMs } = await runPerfGate({
    cwd,
    policyPath: values.policy as string | undefined,
    environment: values.env as string | undefined,
    overrides,
    subject: { name: gitlab?.projectPath ?? io.env.GITHUB_REPOSITORY, commit: gitlab?.commitSha },
  });

  const reportOut = typeof values["report-out"] === "string" ? resolve(io.cwd, values["report-out"]) : resolve(cwd, "release-gates/perf-report.json");
  await writeOutput(reportOut, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report, perfMarkdownSections(report));
  if (typeof values["summary-out"] === "string") await writeOutput(resolve(io.cwd, values["summary-out"]), markdown);
  if (typeof values["load-performance-out"] === "string") {
    await writeOutput(resolve(io.cwd, values["load-performance-out"]), `${JSON.stringify(renderLoadPerformance(run, durationMs), null, 2)}\n`);
  }
  if (format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === "markdown") io.stdout(markdown);
  else {
    const details = report.predicate.details as unknown as PerfDetails;
    const headline = [
      details.p95Ms === null ? undefined : `p(95) ${Math.round(details.p95Ms * 100) / 100} ms`,
      details.errorRate === null ? undefined : `errors ${Math.round(details.errorRate * 10000) / 100} %`,
      details.rps === null ? undefined : `${Math.round(details.rps * 100) / 100} req/s`,
    ]
      .filter(Boolean)
      .join(", ");
    io.stdout(`${renderText(report)}${headline ? `${headline}\n` : ""}Report: ${reportOut}\n`);
  }
  return report.predicate.status === "fail" ? 1 : 0;
}
