import { resolve } from "node:path";
import * as core from "@actions/core";
import { ConfigurationError, type PerfDetails, type PerfSettings, parseThresholdAssignments, perfMarkdownSections, renderMarkdown } from "@release-gates/core";
import { downloadBaseArtifact, GitHubClient, publishGateResult, readGitHubContext, runGateAction, runPerfGate, writeTempReport } from "@release-gates/platform";

const GATE = "perf-gate";

function positive(name: string): number | undefined {
  const raw = core.getInput(name);
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`expected a positive number, found ${JSON.stringify(raw)}`, `input ${name}`);
  return value;
}

function readOverrides(): Partial<PerfSettings> {
  const overrides: Partial<PerfSettings> = {};
  for (const [input, key] of [
    ["summary", "summary"],
    ["results", "results"],
    ["baseline", "baseline"],
  ] as const) {
    const value = core.getInput(input);
    if (value) overrides[key] = value;
  }
  const thresholds = parseThresholdAssignments(core.getMultilineInput("threshold"), "input threshold");
  if (Object.keys(thresholds).length > 0) overrides.thresholds = thresholds;
  const minRps = positive("min-rps");
  const minVus = positive("min-vus");
  if (minRps !== undefined || minVus !== undefined)
    overrides.traffic = { ...(minRps === undefined ? {} : { minRps }), ...(minVus === undefined ? {} : { minVus }) };
  const resources: NonNullable<PerfSettings["resources"]> = {};
  if (core.getInput("resources")) resources.samples = core.getInput("resources");
  if (core.getInput("prometheus-url")) {
    resources.prometheus = {
      url: core.getInput("prometheus-url"),
      cpuQuery: core.getInput("cpu-query") || undefined,
      memoryQuery: core.getInput("memory-query") || undefined,
      stepSeconds: 15,
    };
  }
  const maxCpu = positive("max-cpu");
  const maxMemory = positive("max-memory");
  if (maxCpu !== undefined) resources.maxCpuPercent = maxCpu;
  if (maxMemory !== undefined) resources.maxMemoryBytes = maxMemory;
  if (Object.keys(resources).length > 0) overrides.resources = resources;
  return overrides;
}

/** Gathers the run's inputs, lets the gate decide, and publishes what it decided. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runGateAction(GATE, async () => {
    const cwd = resolve(core.getInput("working-directory") || ".");
    const context = readGitHubContext(env);
    const token = core.getInput("github-token");
    const client = token ? new GitHubClient(context.apiUrl, token) : undefined;
    const overrides = readOverrides();

    const artifactName = core.getInput("baseline-artifact");
    if (artifactName) {
      const branch = context.pullRequest?.baseRef ?? context.defaultBranch;
      if (!client || !context.repository || !branch) {
        throw new ConfigurationError(
          "expected a token, the repository and a base branch to fetch the artifact from, found the run's context incomplete",
          "input baseline-artifact",
        );
      }
      const artifact = await downloadBaseArtifact(client, context.repository, branch, artifactName, core.getInput("baseline-artifact-path") || undefined);
      overrides.baseline = await writeTempReport(artifact.data, artifact.source);
      core.info(`Baseline: ${artifact.source} (commit ${artifact.commit.slice(0, 12)} on ${branch}).`);
    }

    const { report } = await runPerfGate({
      cwd,
      policyPath: core.getInput("policy") || undefined,
      environment: core.getInput("environment") || undefined,
      overrides,
      subject: { name: context.repository, commit: context.sha },
    });
    const details = report.predicate.details as unknown as PerfDetails;
    await publishGateResult({
      gate: GATE,
      title: "Perf gate",
      report,
      markdown: renderMarkdown(report, perfMarkdownSections(report)),
      reportPath: resolve(cwd, core.getInput("report-out") || "release-gates/perf-report.json"),
      outputs: { "p95-ms": details.p95Ms, "error-rate": details.errorRate, rps: details.rps },
      context,
      client,
      comment: core.getBooleanInput("comment"),
    });
  });
}
