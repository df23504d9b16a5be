import { createHash } from "node:crypto";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import { type Check, type Finding, type GateReport, type GateStatus, type Predicate, REPORT_PREDICATE_TYPE, STATEMENT_TYPE, type Subject } from "./schema.js";

/** What a check contributes to its gate, once the no-data policy is applied. */
export function effectiveStatus(check: Check): "pass" | "fail" | "warn" {
  if (check.status === "no-data") return check.onNoData ?? "fail";
  return check.status;
}

/** A gate fails if any check fails, warns if any warns, and passes otherwise; no checks at all is not a pass. */
export function deriveGateStatus(checks: readonly Check[]): GateStatus {
  if (checks.length === 0) return "fail";
  const statuses = checks.map(effectiveStatus);
  if (statuses.includes("fail")) return "fail";
  if (statuses.includes("warn")) return "warn";
  return "pass";
}

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON with sorted keys, so equal values always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

export interface ReportParts {
  gate: string;
  subject: Subject[];
  checks: Check[];
  findings: Finding[];
  details: Record<string, unknown>;
  inputs: Predicate["inputs"];
  /** The effective policy this decision was made under. */
  policy: unknown;
  environment?: string;
  startedAt: Date;
  finishedAt: Date;
  summary?: string;
}

/** "a", "a and b", "a, b and c". */
function listed(checks: readonly Check[]): string {
  const ids = checks.map((check) => check.id);
  return ids.length <= 1 ? (ids[0] ?? "") : `${ids.slice(0, -1).join(", ")} and ${ids.at(-1)}`;
}

function summarise(gate: string, status: GateStatus, checks: readonly Check[]): string {
  const failing = checks.filter((check) => effectiveStatus(check) === "fail");
  const warning = checks.filter((check) => effectiveStatus(check) === "warn");
  if (checks.length === 0) return `${gate} made no checks, so nothing shows the release is safe: configure at least one threshold.`;
  // One line that names the checks; each check's own sentence says why (the reports list them).
  if (status === "fail") return `${gate} failed ${failing.length} of ${checks.length} checks: ${listed(failing)}.`;
  if (status === "warn") return `${gate} passed with ${warning.length} warning${warning.length > 1 ? "s" : ""}: ${listed(warning)}.`;
  return `${gate} passed all ${checks.length} checks.`;
}

/** Assembles the report every front end writes; the status is derived, never passed in. */
export function buildReport(parts: ReportParts): GateReport {
  const status = deriveGateStatus(parts.checks);
  return {
    _type: STATEMENT_TYPE,
    subject: parts.subject,
    predicateType: REPORT_PREDICATE_TYPE,
    predicate: {
      gate: parts.gate,
      status,
      summary: parts.summary ?? summarise(parts.gate, status, parts.checks),
      ...(parts.environment ? { environment: parts.environment } : {}),
      checks: parts.checks,
      findings: parts.findings,
      details: parts.details,
      inputs: parts.inputs,
      policyDigest: { sha256: sha256(canonicalJson(parts.policy)) },
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      startedAt: parts.startedAt.toISOString(),
      finishedAt: parts.finishedAt.toISOString(),
    },
  };
}
