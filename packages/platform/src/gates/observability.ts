import { evaluateObservability, type ObservabilityExtra, type ObservabilitySettings, observabilityGate, RuleIndex } from "@release-gates/core/observability";
import { type GateRequest, type GateRunner, type ReportInput, runGate } from "../kit/run-gate.js";
import { readDocuments, readEvidence, readTelemetry, repositoryFiles } from "../observability/gather.js";
import { observeLive } from "../observability/live.js";
import { findPromtool, promtoolVerdicts } from "../observability/promtool.js";

/** The repository's web addresses: the policy's, and the one the CI names (so `runbook_url`s into the repository resolve to its files). */
function repositoryUrls(settings: ObservabilitySettings, env: NodeJS.ProcessEnv): string[] {
  const urls = settings.alerts.repositoryUrl ? [settings.alerts.repositoryUrl] : [];
  if (env.GITHUB_REPOSITORY) urls.push(`${(env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "")}/${env.GITHUB_REPOSITORY}`);
  if (env.CI_PROJECT_URL) urls.push(env.CI_PROJECT_URL);
  return urls;
}

/**
 * The observability gate from files to report: the monitoring files (by
 * content), the documents with their git dates, the telemetry
 * configuration, promtool's verdict where it is installed, and the live
 * Prometheus and Grafana when their addresses are given; core decides.
 */
export async function runObservabilityGate(request: GateRequest<ObservabilitySettings>, env: NodeJS.ProcessEnv = process.env) {
  return runGate(observabilityGate, request, async ({ cwd, settings, startedAt, git }) => {
    const inputs: ReportInput[] = [];
    const { evidence, notes } = await readEvidence(cwd, settings, inputs);
    const inGit = await git.inWorkTree();
    const ruleFiles = [...new Set(evidence.ruleFiles.map((file) => file.path))];
    const { documents, covered } = await readDocuments(cwd, settings, ruleFiles, inGit, inputs);
    const telemetry = await readTelemetry(cwd, settings, inputs);
    const promtool = findPromtool(env);
    const index = new RuleIndex(evidence.ruleFiles);
    const evaluation = evaluateObservability(settings, {
      evidence: { ...evidence, findings: [...evidence.findings, ...notes] },
      documents,
      covered,
      telemetry,
      repositoryUrls: repositoryUrls(settings, env),
      files: repositoryFiles(cwd),
      ...(promtool && evidence.ruleFiles.length ? { promtool: await promtoolVerdicts(promtool, evidence.ruleFiles, cwd) } : {}),
      live: await observeLive(settings.live, index, evidence.dashboards, env),
      now: startedAt,
    });
    return { ...evaluation, inputs, extra: {} satisfies ObservabilityExtra };
  });
}

export const observabilityRunner: GateRunner<typeof observabilityGate.settings, ObservabilityExtra> = {
  descriptor: observabilityGate,
  run: (request) => runObservabilityGate(request),
};
