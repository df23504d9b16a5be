import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { renderMarkdown, renderRiskRegisterVex, renderSecuritySarif, securityMarkdownSections, securityOverrides } from "@release-gates/core";
import { GitHubClient, publishGateResult, readGitHubContext, runGateAction, runSecurityGate } from "@release-gates/platform";

const GATE = "security-gate";

/** Gathers the run's inputs, lets the gate decide, and publishes what it decided. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runGateAction(GATE, async () => {
    const cwd = resolve(core.getInput("working-directory") || ".");
    const context = readGitHubContext(env);
    const token = core.getInput("github-token");
    const { report, dependencies, secrets, register, decidedAt, generatedSbom } = await runSecurityGate({
      cwd,
      policyPath: core.getInput("policy") || undefined,
      environment: core.getInput("environment") || undefined,
      overrides: securityOverrides(
        (name) => core.getInput(name),
        (name) => `input ${name}`,
      ),
      subject: { name: context.repository, commit: context.sha },
    });
    if (generatedSbom) core.setOutput("sbom-path", generatedSbom);
    // Written before publishing: a failing gate still leaves them for the upload steps (if: always()).
    const extras = [
      ["sarif-out", "sarif-path", () => renderSecuritySarif(report)],
      ["vex-out", "vex-path", () => renderRiskRegisterVex(register, decidedAt)],
    ] as const;
    for (const [input, output, render] of extras) {
      if (!core.getInput(input)) continue;
      const path = resolve(cwd, core.getInput(input));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(render(), null, 2)}\n`);
      core.setOutput(output, path);
    }
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
