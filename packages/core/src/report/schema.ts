import * as z from "zod";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const REPORT_PREDICATE_TYPE = "https://release-gates.dev/report/v1";

export const GateStatus = z.enum(["pass", "fail", "warn", "skipped"]);
export const CheckStatus = z.enum(["pass", "fail", "warn", "no-data"]);
/** What a `no-data` check does to the gate: the policy decides, failing by default. */
export const NoDataOutcome = z.enum(["fail", "warn", "pass"]);

export const Location = z.object({
  path: z.string().min(1),
  startLine: z.number().int().positive().optional(),
  endLine: z.number().int().positive().optional(),
});

export const Check = z.object({
  id: z.string().min(1),
  status: CheckStatus,
  measured: z.union([z.number(), z.string(), z.null()]),
  threshold: z.union([z.number(), z.string(), z.null()]),
  unit: z.string().optional(),
  /** Only on `no-data` checks: whether the missing data fails, warns or passes the gate. */
  onNoData: NoDataOutcome.optional(),
  message: z.string().min(1),
});

export const Finding = z.object({
  id: z.string().min(1),
  severity: z.enum(["error", "warning", "notice"]),
  message: z.string().min(1),
  location: Location.optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export const Predicate = z.object({
  gate: z.string().min(1),
  status: GateStatus,
  /** One sentence: the decision and its main reason. */
  summary: z.string().min(1),
  /** Why a gate was skipped; only with status `skipped`. */
  skippedReason: z.string().optional(),
  environment: z.string().optional(),
  checks: z.array(Check),
  findings: z.array(Finding),
  /** Gate-specific measurements (coverage totals, worst files…) for renderers and later gates. */
  details: z.record(z.string(), z.unknown()),
  inputs: z.array(z.object({ path: z.string(), format: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  policyDigest: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  tool: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
});

export const Subject = z.object({
  name: z.string().min(1),
  digest: z.record(z.string(), z.string().min(1)).refine((digest) => Object.keys(digest).length > 0, "at least one digest"),
});

/** The gate report: an in-toto Statement v1 whose subject is the commit. */
export const GateReport = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(Subject).min(1),
  predicateType: z.literal(REPORT_PREDICATE_TYPE),
  predicate: Predicate,
});

export type GateStatus = z.infer<typeof GateStatus>;
export type CheckStatus = z.infer<typeof CheckStatus>;
export type NoDataOutcome = z.infer<typeof NoDataOutcome>;
export type Check = z.infer<typeof Check>;
export type Finding = z.infer<typeof Finding>;
export type Location = z.infer<typeof Location>;
export type Predicate = z.infer<typeof Predicate>;
export type Subject = z.infer<typeof Subject>;
export type GateReport = z.infer<typeof GateReport>;
