import { buildReport, type GateReport } from "@release-gates/core";

/** A gate report from an evaluation, as runGate builds it, for tests of renderers and outputs. */
export function reportOf(
  gate: string,
  evaluation: { checks: GateReport["predicate"]["checks"]; findings: GateReport["predicate"]["findings"]; details: object },
): GateReport {
  return buildReport({
    gate,
    subject: [{ name: "acme/app", digest: { gitCommit: "b7e2d94c1a3f5068e2d4c6b8a0f1e3d5c7b9a2e4" } }],
    checks: evaluation.checks,
    findings: evaluation.findings,
    details: evaluation.details as Record<string, unknown>,
    inputs: [],
    policy: {},
    startedAt: new Date(0),
    finishedAt: new Date(0),
  });
}
