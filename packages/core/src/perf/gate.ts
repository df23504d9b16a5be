import { defineGate } from "../kit/descriptor.js";
import type { PerfDetails, PerfRun } from "./evaluate.js";
import { parseThresholdAssignments } from "./expression.js";
import { PerfSettings } from "./settings.js";

/** What a perf run keeps besides its report: the run itself and its duration, for GitLab's load_performance report. */
export interface PerfExtra {
  run: PerfRun;
  durationMs: number | undefined;
}

const details = (report: { predicate: { details: unknown } }) => report.predicate.details as PerfDetails;

/** The perf gate: k6 thresholds, expected traffic, regressions against a baseline, resource use. */
export const perfGate = defineGate<typeof PerfSettings, PerfExtra>({
  id: "perf",
  name: "perf-gate",
  command: "perf",
  title: "Perf gate",
  description:
    "Decides whether a k6 load test meets the release policy (thresholds, expected traffic, regressions against a baseline, resource use) and explains why.",
  summary: "perf gate: k6 thresholds, expected traffic, regressions against a baseline, resources",
  help: "Reads k6 output, decides against the policy's thresholds and writes the gate report.",
  icon: "activity",
  settings: PerfSettings,
  options: [
    {
      name: "summary",
      kind: "path",
      setting: "summary",
      placeholder: "FILE",
      description: "k6 end-of-test summary (--summary-export, handleSummary data, or the machine-readable summary of k6 1.5+).",
    },
    {
      name: "results",
      kind: "path",
      setting: "results",
      placeholder: "FILE",
      description: "k6 --out json NDJSON results; thresholds are then computed from the samples (streamed, any size).",
    },
    {
      name: "threshold",
      kind: "thresholds",
      setting: "thresholds",
      convert: (text, where) => parseThresholdAssignments([text], where),
      placeholder: "'METRIC=EXPR'",
      description:
        "k6 thresholds as METRIC=EXPRESSION, one per line or separated by \";\" (http_req_duration{name:login}=p(95)<300). Added to the policy's and the script's.",
    },
    {
      name: "baseline",
      kind: "path",
      setting: "baseline",
      placeholder: "FILE",
      description: "A previous run (summary or NDJSON) to detect regressions against.",
    },
    {
      name: "baseline-artifact",
      kind: "string",
      frontEnds: ["action"],
      description: "Or the name of an artifact holding the baseline, from the latest successful run on the base branch (needs actions read).",
    },
    {
      name: "baseline-artifact-path",
      kind: "path",
      frontEnds: ["action"],
      description: "The baseline's path inside baseline-artifact, when it holds more than one file.",
    },
    {
      name: "resources",
      kind: "path",
      setting: "resources.samples",
      placeholder: "FILE",
      description: "CPU / memory samples taken during the test (CSV time,cpu_percent,memory_bytes or JSON).",
    },
    {
      name: "prometheus-url",
      kind: "string",
      setting: "resources.prometheus.url",
      placeholder: "URL",
      description: "Read the service's CPU / memory over the test's window from this Prometheus (needs results for the window).",
    },
    {
      name: "cpu-query",
      kind: "string",
      setting: "resources.prometheus.cpuQuery",
      placeholder: "PROMQL",
      description: "PromQL giving one series of CPU use in percent.",
    },
    {
      name: "memory-query",
      kind: "string",
      setting: "resources.prometheus.memoryQuery",
      placeholder: "PROMQL",
      description: "PromQL giving one series of memory use in bytes.",
    },
    { name: "max-cpu", kind: "number", setting: "resources.maxCpuPercent", placeholder: "N", description: "The highest CPU use (%) allowed during the test." },
    {
      name: "max-memory",
      kind: "number",
      setting: "resources.maxMemoryBytes",
      placeholder: "BYTES",
      description: "The highest memory use (bytes) allowed during the test.",
    },
    { name: "min-rps", kind: "number", setting: "traffic.minRps", placeholder: "N", description: "The request rate the test must have reached." },
    { name: "min-vus", kind: "number", setting: "traffic.minVus", placeholder: "N", description: "The virtual users the test must have reached." },
  ],
  documents: [
    {
      option: "load-performance-out",
      frontEnds: ["cli"],
      description: "Also write GitLab's load_performance report (k6's legacy summary shape).",
      gitlabPath: "release-gates/load-performance.json",
      gitlabReport: { name: "load_performance" },
    },
  ],
  outputs: [
    {
      name: "p95-ms",
      description: "http_req_duration p(95) in milliseconds (empty without HTTP samples)",
      value: (report) => details(report).p95Ms,
    },
    { name: "error-rate", description: "http_req_failed rate, a fraction from 0 to 1", value: (report) => details(report).errorRate },
    { name: "rps", description: "HTTP requests per second", value: (report) => details(report).rps },
  ],
  gitlab: { stage: "test", stageHint: "after the job that runs k6" },
  renderers: async () => (await import("./renderers.js")).perfRenderers,
});
