import { ConfigurationError, sha256 } from "@release-gates/core";
import {
  createK6ResultsParser,
  evaluatePerf,
  type K6Results,
  type MetricSelector,
  type PerfEvaluation,
  type PerfExtra,
  type PerfRun,
  type PerfSettings,
  parseK6Summary,
  parseMetricSelector,
  parseResourceSamples,
  perfGate,
  type ResourceSample,
  resultsDurationMs,
} from "@release-gates/core/perf";
import { fetchBaseArtifactReport } from "../github/artifacts.js";
import { type GateRequest, type GateRunner, type ReportInput, runGate } from "../kit/run-gate.js";
import { projectInput, readHead, readTextFile, streamTextFile } from "../local/files.js";
import { queryResourceSamples } from "../promote/prometheus.js";

type Input = ReportInput;

async function readResults(path: string, shown: string, selectors: MetricSelector[]): Promise<{ results: K6Results; input: Input }> {
  const parser = createK6ResultsParser(selectors);
  const digest = await streamTextFile(path, shown, "k6 --out json NDJSON results", (text) => parser.write(text));
  try {
    return { results: parser.end(), input: { path: shown, format: "k6-ndjson", sha256: digest } };
  } catch (error) {
    throw error instanceof ConfigurationError ? error.withSource(shown) : error;
  }
}

async function readSummary(path: string, shown: string): Promise<{ run: PerfRun; input: Input }> {
  const { text, sha256: digest } = await readTextFile(path, shown, "a k6 end-of-test summary (JSON)");
  try {
    const summary = parseK6Summary(text);
    return { run: { summary }, input: { path: shown, format: `k6-summary (${summary.shape})`, sha256: digest } };
  } catch (error) {
    throw error instanceof ConfigurationError ? error.withSource(shown) : error;
  }
}

/** A baseline may be either kind of k6 output: NDJSON starts with a Metric or Point line. */
async function readEither(path: string, shown: string, selectors: MetricSelector[]): Promise<{ run: PerfRun; input: Input }> {
  const head = await readHead(path, shown, "k6 output (a summary or NDJSON results)");
  const firstLine =
    head
      .replace(/^\uFEFF/, "")
      .trimStart()
      .split("\n", 1)[0] ?? "";
  if (/^\{\s*"(type|metric|data)"\s*:/.test(firstLine) && /"type"\s*:\s*"(Metric|Point)"/.test(firstLine)) {
    const { results, input } = await readResults(path, shown, selectors);
    return { run: { results }, input };
  }
  return readSummary(path, shown);
}

/**
 * The perf gate from files to report: reads the k6 summary and/or the NDJSON
 * results (streamed), the baseline and resource samples, lets core decide.
 */
export async function runPerfGate(request: GateRequest<PerfSettings>) {
  return runGate(perfGate, request, async ({ cwd, settings }) => {
    // Submetrics must be known before the samples stream past.
    const selectors = [...Object.keys(settings.thresholds ?? {}), ...settings.regression.metrics].map((selector) =>
      parseMetricSelector(selector, "thresholds"),
    );
    const inputs: Input[] = [];
    const run: PerfRun = {};
    const sources: { summary?: string; results?: string; baseline?: string } = {};
    if (settings.summary) {
      const { path, shown } = projectInput(cwd, settings.summary);
      const read = await readSummary(path, shown);
      run.summary = read.run.summary;
      sources.summary = read.input.path;
      inputs.push(read.input);
    }
    if (settings.results) {
      const { path, shown } = projectInput(cwd, settings.results);
      const read = await readResults(path, shown, selectors);
      run.results = read.results;
      sources.results = read.input.path;
      inputs.push(read.input);
    }
    let baseline: PerfRun | undefined;
    if (settings.baseline) {
      const { path, shown } = projectInput(cwd, settings.baseline);
      const read = await readEither(path, shown, selectors);
      baseline = read.run;
      sources.baseline = read.input.path;
      inputs.push({ ...read.input, format: `baseline ${read.input.format}` });
    }
    let resources: ResourceSample[] | undefined;
    if (settings.resources?.samples) {
      const { path, shown } = projectInput(cwd, settings.resources.samples);
      const { text, sha256: digest } = await readTextFile(path, shown, "resource samples (CSV or JSON)");
      try {
        resources = parseResourceSamples(text);
      } catch (error) {
        throw error instanceof ConfigurationError ? error.withSource(shown) : error;
      }
      inputs.push({ path: shown, format: "resource-samples", sha256: digest });
    }
    if (settings.resources?.prometheus) {
      const window = run.results;
      if (!window?.startMs || !window.endMs) {
        throw new ConfigurationError(
          "expected the k6 NDJSON results to know the test's time window for the Prometheus query, found none: give --results",
          "resources.prometheus",
        );
      }
      resources = [...(resources ?? []), ...(await queryResourceSamples(settings.resources.prometheus, window.startMs, window.endMs))];
      inputs.push({ path: settings.resources.prometheus.url, format: "prometheus query_range", sha256: sha256(JSON.stringify(resources)) });
    }

    const evaluation: PerfEvaluation = evaluatePerf({ settings, run, baseline, resources, sources });
    const durationMs = (run.results && resultsDurationMs(run.results)) ?? run.summary?.durationMs;
    return { ...evaluation, inputs, extra: { run, durationMs, evaluation } satisfies PerfExtra & { evaluation: PerfEvaluation } };
  });
}

export type PerfRunResult = Awaited<ReturnType<typeof runPerfGate>>;

export const perfRunner: GateRunner<typeof perfGate.settings, PerfExtra> = {
  descriptor: perfGate,
  async run(request, platform) {
    const artifact = request.values["baseline-artifact"] as string | undefined;
    if (artifact && platform.kind === "github") {
      const baseline = await fetchBaseArtifactReport(platform, {
        name: artifact,
        path: request.values["baseline-artifact-path"] as string | undefined,
        input: "baseline-artifact",
        what: "Baseline",
      });
      return runPerfGate({ ...request, overrides: { ...request.overrides, baseline: baseline.path } });
    }
    return runPerfGate(request);
  },
};
