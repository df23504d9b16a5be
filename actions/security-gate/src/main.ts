import { resolve } from "node:path";
import * as core from "@actions/core";
import { renderMarkdown, securityMarkdownSections, securityOverrides } from "@release-gates/core";
import { GitHubClient, publishGateResult, readGitHubContext, runGateAction, runSecurityGate, writeSecurityDocuments } from "@release-gates/platform";

const GATE = "security-gate";

/** Gathers the run's inputs, lets the gate decide, and publishes what it decided. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runGateAction(GATE, async () => {
    const cwd = resolve(core.getInput("working-directory") || ".");
    const context = readGitHubContext(env);
    const token = core.getInput("github-token");
    const result = await runSecurityGate({
      cwd,
      policyPath: core.getInput("policy") || undefined,
      environment: core.getInput("environment") || undefined,
      overrides: securityOverrides(
        (name) => core.getInput(name),
        (name) => `input ${name}`,
      ),
      subject: { name: context.repository, commit: context.sha },
    });
    const { report, dependencies, secrets, generatedSbom } = result;
    if (generatedSbom) core.setOutput("sbom-path", generatedSbom);
    // Written before publishing: a failing gate still leaves them for the upload steps (if: always()).
    const written = await writeSecurityDocuments(result, {
      "sarif-out": core.getInput("sarif-out") ? resolve(cwd, core.getInput("sarif-out")) : undefined,
      "vex-out": core.getInput("vex-out") ? resolve(cwd, core.getInput("vex-out")) : undefined,
    });
    if (written["sarif-out"]) core.setOutput("sarif-path", written["sarif-out"]);
    if (written["vex-out"]) core.setOutput("vex-path", written["vex-out"]);
    await publishGateResult({
      gate: GATE,
      title: "Security gate",
      report,
      markdown: renderMarkdown(report, securityMarkdownSections(report)),
      reportPath: resolve(cwd, core.getInput("report-out") || "release-gates/security-report.json"),
      outputs: {
        blocking: report.predicate.findings.filter((finding) => finding.severity === "error").length,
        vulnerable: dependencies?.details.vulnerableComponents,
        secrets: secrets?.findings.filter((finding) => finding.severity === "error").length,
      },
      context,
      client: token ? new GitHubClient(context.apiUrl, token) : undefined,
      comment: core.getBooleanInput("comment"),
    });
  });
}
