import * as core from "@actions/core";
import { breakGlass, readOptions } from "@release-gates/core";
import { promoteView, renderPromotionMarkdown, renderPromotionText } from "@release-gates/core/promote";
import { actionInput, logUntrusted, publishSummary, readGitHubContext, reportingErrors } from "@release-gates/platform/github";
import { promoteRequest, runPromote } from "@release-gates/platform/promote";

/** Decides the promotion, records it, and publishes the decision as outputs and a summary with the chain. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await reportingErrors("promote", async () => {
    const { values } = readOptions(promoteView.options("action"), { frontEnd: "action", read: actionInput });
    const context = readGitHubContext(env);
    const request = await promoteRequest(values, {
      frontEnd: "action",
      cwd: process.cwd(),
      env,
      github: { apiUrl: context.apiUrl, repository: context.repository, token: values["github-token"] as string | undefined, commit: context.sha },
    });
    const { promotion, context: decided } = await runPromote({
      ...request,
      target: (values.to as string | undefined) ?? "next",
      record: (values.record as boolean | undefined) ?? true,
      override: breakGlass(values, "action"),
    });
    core.setOutput("decision", promotion.decision);
    core.setOutput("environment", promotion.environment);
    core.setOutput("traffic-percent", promotion.trafficPercent ?? "");
    core.setOutput("wait-until", promotion.waitUntil ?? "");
    core.setOutput("rollback-to", promotion.rollbackTo ?? "");
    core.setOutput("requires", JSON.stringify(promotion.requires));
    logUntrusted(renderPromotionText(promotion));
    for (const bypass of promotion.bypassed) core.warning(`Break-glass on this commit: ${bypass}`);
    await publishSummary(renderPromotionMarkdown(decided.policy, decided.history, decided.commit, promotion));
  });
}
