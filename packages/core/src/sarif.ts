import * as z from "zod";
import { onFirstUse, parseJsonText, validateAs } from "./validation.js";

const LEVELS = ["none", "note", "warning", "error"] as const;

/** SARIF 2.1.0 as the gates read it, built with the first log read: only the gates that read SARIF pay for it. */
const sarifLogSchema = onFirstUse(() => {
  const Properties = z.record(z.string(), z.unknown()).optional();

  const SarifRule = z.looseObject({
    id: z.string(),
    shortDescription: z.looseObject({ text: z.string() }).optional(),
    defaultConfiguration: z.looseObject({ level: z.string().optional() }).optional(),
    properties: Properties,
  });

  const Level = z.enum(LEVELS);

  const SarifResult = z.looseObject({
    ruleId: z.string().optional(),
    ruleIndex: z.number().int().min(0).optional(),
    level: Level.optional(),
    message: z.looseObject({ text: z.string().optional() }),
    locations: z
      .array(
        z.looseObject({
          physicalLocation: z
            .looseObject({
              artifactLocation: z.looseObject({ uri: z.string() }).optional(),
              region: z.looseObject({ startLine: z.number().int().positive().optional(), endLine: z.number().int().positive().optional() }).optional(),
            })
            .optional(),
        }),
      )
      .optional(),
    suppressions: z.array(z.looseObject({ kind: z.string().optional(), status: z.string().optional(), justification: z.string().optional() })).optional(),
    baselineState: z.enum(["new", "unchanged", "updated", "absent"]).optional(),
    partialFingerprints: z.record(z.string(), z.string()).optional(),
    fingerprints: z.record(z.string(), z.string()).optional(),
    properties: Properties,
  });

  const Notification = z.looseObject({
    level: Level.optional(),
    message: z.looseObject({ text: z.string().optional() }).optional(),
    descriptor: z.looseObject({ id: z.string().optional() }).optional(),
  });

  const SarifLog = z.looseObject({
    version: z.literal("2.1.0"),
    runs: z.array(
      z.looseObject({
        tool: z.looseObject({ driver: z.looseObject({ name: z.string(), version: z.string().optional(), rules: z.array(SarifRule).optional() }) }),
        results: z.array(SarifResult).optional(),
        invocations: z
          .array(
            z.looseObject({
              executionSuccessful: z.boolean().optional(),
              toolConfigurationNotifications: z.array(Notification).optional(),
              toolExecutionNotifications: z.array(Notification).optional(),
            }),
          )
          .optional(),
      }),
    ),
  });
  return SarifLog;
});

/** One result with what its rule says filled in: the level (the result's, else its rule's default, else SARIF's default warning). */
export interface SarifResultRead {
  tool: string;
  rule: string;
  title?: string;
  level: (typeof LEVELS)[number];
  message: string;
  path?: string;
  startLine?: number;
  endLine?: number;
  fingerprint?: string;
  /** The justification of an accepted suppression (in source, external…). */
  suppressed?: string;
  baselineState?: "new" | "unchanged" | "updated" | "absent";
  /** The result's rule and result properties, for tools that put severity there. */
  properties: { result?: Record<string, unknown>; rule?: Record<string, unknown> };
}

/** A run: its tool, its results, and why it cannot be trusted to be complete (the tool crashed or could not read its configuration). */
export interface SarifRunRead {
  tool: string;
  results: SarifResultRead[];
  /** Error-level notifications and an unsuccessful execution, as sentences; empty for a run that finished. */
  broken: string[];
}

/** Messages span lines (Slither lists each statement): one line, bounded, for logs and annotations. */
export function oneLine(text: string, limit = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

/**
 * Reads a SARIF 2.1.0 log, validated. Each result's level is resolved as
 * SARIF says (Semgrep writes none on results, only on rules); a run that
 * reports `executionSuccessful: false` or error-level notifications is
 * marked broken, because "no results" from a tool that crashed is not clean.
 */
export function readSarifLog(text: string, source: string): SarifRunRead[] {
  const log = validateAs(sarifLogSchema(), parseJsonText(text, "a SARIF 2.1.0 log", source), "expected a SARIF 2.1.0 log", source);
  return log.runs.map((run) => {
    const rules = run.tool.driver.rules ?? [];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const results = (run.results ?? []).map((result): SarifResultRead => {
      const rule = (result.ruleIndex !== undefined ? rules[result.ruleIndex] : undefined) ?? byId.get(result.ruleId ?? "");
      const ruleId = result.ruleId ?? rule?.id ?? "unknown-rule";
      const level = result.level ?? LEVELS.find((known) => known === rule?.defaultConfiguration?.level) ?? "warning";
      const location = result.locations?.[0]?.physicalLocation;
      const accepted = result.suppressions?.find((suppression) => (suppression.status ?? "accepted") === "accepted");
      return {
        tool: run.tool.driver.name,
        rule: ruleId,
        ...(rule?.shortDescription?.text ? { title: rule.shortDescription.text } : {}),
        level,
        message: oneLine(result.message.text ?? rule?.shortDescription?.text ?? ruleId) || ruleId,
        ...(location?.artifactLocation?.uri ? { path: location.artifactLocation.uri.replace(/^file:\/\//, "") } : {}),
        ...(location?.region?.startLine ? { startLine: location.region.startLine } : {}),
        ...(location?.region?.endLine ? { endLine: location.region.endLine } : {}),
        ...((result.partialFingerprints?.id ?? result.partialFingerprints?.primaryLocationLineHash ?? Object.values(result.fingerprints ?? {})[0])
          ? {
              fingerprint: result.partialFingerprints?.id ?? result.partialFingerprints?.primaryLocationLineHash ?? Object.values(result.fingerprints ?? {})[0],
            }
          : {}),
        ...(accepted ? { suppressed: accepted.justification || `suppressed (${accepted.kind ?? "accepted"})` } : {}),
        ...(result.baselineState ? { baselineState: result.baselineState } : {}),
        properties: { result: result.properties, rule: rule?.properties },
      };
    });
    const broken: string[] = [];
    for (const invocation of run.invocations ?? []) {
      if (invocation.executionSuccessful === false)
        broken.push(`${run.tool.driver.name} reports that it did not run successfully (executionSuccessful: false)`);
      for (const notification of [...(invocation.toolConfigurationNotifications ?? []), ...(invocation.toolExecutionNotifications ?? [])])
        if (notification.level === "error")
          broken.push(`${run.tool.driver.name} reported an error: ${oneLine(notification.message?.text ?? notification.descriptor?.id ?? "no message", 200)}`);
    }
    return { tool: run.tool.driver.name, results, broken };
  });
}
