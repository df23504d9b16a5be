import { formatInstant } from "../durations.js";
import type { Policy } from "../gates.js";
import { escapeCell, section, table } from "../render/markdown.js";
import { finalTraffic, type Promotion, standing } from "./decide.js";
import type { LedgerEntry } from "./ledger.js";

const ICON = { promote: "🚀", wait: "⏳", hold: "✋", rollback: "↩️" } as const;

function headline(promotion: Promotion): string {
  switch (promotion.decision) {
    case "promote":
      return `promote to ${promotion.environment} at ${promotion.trafficPercent} %`;
    case "wait":
      return `wait for ${promotion.environment} until ${promotion.waitUntil}`;
    case "hold":
      return `hold: ${promotion.environment} is not possible now`;
    case "rollback":
      return `roll back ${promotion.environment}${promotion.rollbackTo ? ` to ${promotion.rollbackTo.slice(0, 12)}` : ""}`;
  }
}

/** The job summary of a promote decision: the decision, its reasons, the chain and any break-glass. */
export function renderPromotionMarkdown(policy: Policy, history: readonly LedgerEntry[], commit: string, promotion: Promotion): string {
  const parts = [
    `## ${ICON[promotion.decision]} promote ${commit.slice(0, 12)}: ${headline(promotion)}`,
    "",
    ...promotion.reasons.map((reason) => `- ${reason}`),
    "",
    renderPromotionMermaid(policy, history, commit, promotion),
  ];
  if (promotion.evidence.length > 0) {
    const rows = promotion.evidence.map(
      (used) => `| ${used.gate} | ${used.status} | ${used.environment ?? "base"} | ${formatInstant(used.finishedAt)} | ${escapeCell(used.source)} |`,
    );
    parts.push("", section("Gate reports used", table(["Gate", "Status", "Settings", "Finished", "From"], rows), rows.length));
  }
  if (promotion.bypassed.length > 0) parts.push("", "### Break-glass overrides on this commit", "", ...promotion.bypassed.map((bypass) => `- ⚠️ ${bypass}`));
  return `${parts.join("\n")}\n`;
}

/** A plain decision for terminals and CI logs. */
export function renderPromotionText(promotion: Promotion): string {
  const lines = [`${promotion.decision.toUpperCase()}: ${headline(promotion)}`, ...promotion.reasons.map((reason) => `- ${reason}`)];
  for (const used of promotion.evidence)
    lines.push(`  used ${used.gate} (${used.status}, ${used.environment ?? "base"} settings, ${formatInstant(used.finishedAt)}): ${used.source}`);
  for (const bypass of promotion.bypassed) lines.push(`! bypassed: ${bypass}`);
  return `${lines.join("\n")}\n`;
}

/** `release-gates plan`: one row per environment. */
export function renderPlanMarkdown(plan: readonly Promotion[]): string {
  const rows = plan.map(
    (step) =>
      `| ${step.environment} | ${step.reached ? "✅ deployed" : `${ICON[step.decision]} ${step.decision}`} | ${step.trafficPercent ?? ""} | ${step.waitUntil ?? ""} | ${escapeCell(step.reasons.join(" "))} |`,
  );
  return ["| Environment | Now | Traffic % | Earliest | Why |", "| --- | --- | --- | --- | --- |", ...rows, ""].join("\n");
}

/** One line per environment (deployed, or the decision and when), then every reason. */
export function renderPlanText(plan: readonly Promotion[]): string {
  const width = Math.max(...plan.map((step) => step.environment.length), 11);
  return `${plan
    .map((step) => {
      const state = step.reached ? "deployed" : step.decision;
      const reasons = step.reached ? [] : step.reasons.map((reason) => `${" ".repeat(width + 2)}- ${reason}`);
      return [`${step.environment.padEnd(width)}  ${state.padEnd(8)}  ${step.waitUntil ?? ""}`.trimEnd(), ...reasons].join("\n");
    })
    .join("\n")}\n`;
}

/** The chain as a Mermaid flowchart, marking where the commit stands and where the decision points. */
export function renderPromotionMermaid(policy: Policy, history: readonly LedgerEntry[], commit: string, promotion: Promotion): string {
  const lines = ["```mermaid", "flowchart LR"];
  policy.environments.forEach((environment, index) => {
    const last = standing(history, commit, environment.name);
    const state =
      last?.event === "deployed"
        ? last.traffic >= finalTraffic(environment)
          ? "done"
          : "partial"
        : last?.event === "rolled-back"
          ? "failed"
          : environment.name === promotion.environment
            ? promotion.decision
            : "todo";
    // The canary being rolled back is drawn as the rollback, not as where it stands.
    const drawn = promotion.decision === "rollback" && environment.name === promotion.environment ? "rollback" : state;
    const label = `${environment.name}${last?.event === "deployed" && last.traffic < 100 ? ` ${last.traffic} %` : ""}`;
    lines.push(`  ${environment.name.replace(/\W/g, "_")}["${label}"]:::${drawn}`);
    const previous = policy.environments[index - 1];
    if (previous) lines.push(`  ${previous.name.replace(/\W/g, "_")} --> ${environment.name.replace(/\W/g, "_")}`);
  });
  lines.push(
    "  classDef done fill:#2da44e,color:#fff",
    "  classDef partial fill:#9be9a8",
    "  classDef promote fill:#0969da,color:#fff",
    "  classDef wait fill:#bf8700,color:#fff",
    "  classDef hold fill:#6e7781,color:#fff",
    "  classDef rollback fill:#cf222e,color:#fff",
    "  classDef failed fill:#cf222e,color:#fff",
    "  classDef todo fill:#fff,stroke:#6e7781",
    "```",
  );
  return lines.join("\n");
}
