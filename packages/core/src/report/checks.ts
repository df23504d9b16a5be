import type { z } from "zod";
import type { Check, Finding, NoDataOutcome } from "./schema.js";

/** "1 alert", "2 alerts". */
export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * A check from its findings: an error fails it, a warning warns, none
 * passes with the `passed` sentence; otherwise the message counts the
 * problems and quotes the first.
 */
export function checkFromFindings(
  id: string,
  findings: readonly Finding[],
  passed: string,
  measured: Check["measured"],
  threshold: Check["threshold"],
  unit?: string,
): Check {
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const warnings = findings.filter((finding) => finding.severity === "warning").length;
  const status = errors ? "fail" : warnings ? "warn" : "pass";
  const message =
    status === "pass"
      ? passed
      : `${plural(errors || warnings, errors ? "problem" : "warning")}${errors && warnings ? ` and ${plural(warnings, "warning")}` : ""}: ${(findings.find((finding) => finding.severity === (errors ? "error" : "warning")) as Finding).message}`;
  return { id, status, measured, threshold, ...(unit ? { unit } : {}), message };
}

/** A check with nothing to measure; the policy's `onNoData` says what that does to the gate. */
export function noDataCheck(id: string, message: string, onNoData: z.infer<typeof NoDataOutcome>): Check {
  return { id, status: "no-data", measured: null, threshold: null, onNoData, message };
}

/** Findings of a check the policy set to `warn` become warnings; `fail` and `off` leave them as they are. */
export const softened = (findings: readonly Finding[], severity: "fail" | "warn" | "off") =>
  severity === "warn" ? findings.map((finding) => (finding.severity === "error" ? { ...finding, severity: "warning" as const } : finding)) : [...findings];
