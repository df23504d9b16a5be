import * as z from "zod";
import { CalendarDate, Duration } from "../durations.js";

const GateName = z.string().regex(/^[a-z][a-z0-9-]*$/, "a gate name in lower case (coverage, security, perf…)");
const EnvironmentName = z.string().regex(/^[a-z][a-z0-9-]*$/, "an environment name in lower case letters, digits and dashes");

const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const ClockTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "a time of day such as 09:00 or 24:00");

/**
 * A calendar rule in a time zone: days of the week and/or a date range, and
 * a time-of-day range (default the whole day). "No mainnet on Fridays" is
 * `{ days: [fri] }`; the holiday freeze is `{ from: 2026-12-20, to: 2027-01-05 }`.
 */
export const CalendarWindow = z.strictObject({
  days: z.array(Weekday).min(1).optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  start: ClockTime.default("00:00"),
  end: ClockTime.default("24:00"),
  timezone: z.string().min(1).default("UTC"),
  reason: z.string().min(1).optional(),
});

/** One comparison of a canary analysis: a PromQL template and the condition each interval must meet. */
export const AnalysisMetric = z
  .strictObject({
    name: z.string().min(1),
    /** PromQL giving one series; {{variant}} becomes the canary's or the stable version's label value. */
    query: z.string().min(1),
    /** The canary's value must stay at or under this. */
    max: z.number().optional(),
    /** The canary's value must stay at or over this. */
    min: z.number().optional(),
    /** The canary may exceed the stable version by at most this percentage (needs both series). */
    maxIncreasePercent: z.number().min(0).optional(),
  })
  .refine(
    (metric) => metric.max !== undefined || metric.min !== undefined || metric.maxIncreasePercent !== undefined,
    "at least one of max, min or maxIncreasePercent",
  );

/** How a canary or rollout step is judged, interval by interval (as Argo Rollouts and Flagger analyses do). */
export const Analysis = z.strictObject({
  interval: Duration.default("5m"),
  /** Successful measurements needed before the analysis passes. */
  count: z.number().int().positive().default(3),
  /** Failed measurements tolerated; one more rolls back. */
  failureLimit: z.number().int().min(0).default(0),
  /** Measurements without data tolerated; one more makes the analysis inconclusive. */
  inconclusiveLimit: z.number().int().min(0).default(1),
  variants: z
    .strictObject({ canary: z.string().min(1).default("canary"), stable: z.string().min(1).default("stable") })
    .default({ canary: "canary", stable: "stable" }),
  metrics: z.array(AnalysisMetric).min(1),
});

const environmentFields = {
  name: EnvironmentName,
  /** Gates whose reports for this commit must pass before it may enter this environment. */
  requires: z.array(GateName).default([]),
  /** Soak: how long the commit must have run in earlier environments (`{ testnet: 14d }`). */
  after: z.record(EnvironmentName, Duration).optional(),
  canary: z
    .strictObject({
      traffic: z.number().gt(0).max(100),
      watch: Duration,
      analysis: Analysis.optional(),
    })
    .optional(),
  rollout: z
    .strictObject({
      steps: z.array(z.number().gt(0).max(100)).min(1),
      wait: Duration,
      analysis: Analysis.optional(),
    })
    .optional(),
  /** Soak that requires health, not only time: checked on Prometheus over the soak window in this environment. */
  health: z
    .strictObject({
      /** PromQL that is non-empty while an alert for the service fires, e.g. ALERTS{alertstate="firing",service="api"}. */
      alerts: z.string().min(1).optional(),
      /** PromQL giving the service's request rate; a soak without traffic proves nothing. */
      traffic: z.string().min(1).optional(),
      minTraffic: z.number().min(0).default(0),
    })
    .optional(),
  /** Promotions into this environment are refused inside `deny` windows and, when `allow` is given, outside all of them. */
  freeze: z.strictObject({ deny: z.array(CalendarWindow).default([]), allow: z.array(CalendarWindow).optional() }).optional(),
  /** Where to roll back to from here: the environment whose current version is the known-good one. */
  rollbackTo: EnvironmentName.optional(),
};

/** A gate's section of the policy: its key and its settings schema (each gate owns its own). */
export interface GateSettingsEntry<Id extends string = string, S extends z.ZodObject = z.ZodObject> {
  id: Id;
  settings: S;
}

type GateSections<G extends readonly GateSettingsEntry[]> = { [E in G[number] as E["id"]]: z.ZodPrefault<E["settings"]> };
type GateOverrides<G extends readonly GateSettingsEntry[]> = {
  [E in G[number] as E["id"]]: z.ZodOptional<z.ZodObject<{ [K in keyof E["settings"]["shape"]]: z.ZodOptional<E["settings"]["shape"][K]> }>>;
};

/**
 * `release-gates.yml`, composed from the gates' own settings: `gates.<id>`
 * for each, the environment chain, and `environments[].gates.<id>` for the
 * settings that differ in one environment (staging may be looser than mainnet).
 */
export function composePolicySchema<const G extends readonly GateSettingsEntry[]>(gates: G) {
  const sections = Object.fromEntries(gates.map((gate) => [gate.id, gate.settings.prefault({})])) as unknown as GateSections<G>;
  const overrides = Object.fromEntries(gates.map((gate) => [gate.id, gate.settings.partial().optional()])) as unknown as GateOverrides<G>;
  const GateSettings = z.strictObject(sections);
  const Environment = z.strictObject({ ...environmentFields, gates: z.strictObject(overrides).optional() });
  const Policy = z.strictObject({
    version: z.literal(1).default(1),
    /** The Prometheus that canary analyses and soak health checks query. */
    prometheus: z.strictObject({ url: z.url() }).optional(),
    /** Gates of your own (reports with `predicate.gate` "<name>-gate") that environments may require. */
    customGates: z.array(GateName).default([]),
    // Every section has its own default, so an empty mapping is a complete input (TypeScript cannot see that through the generic).
    gates: GateSettings.prefault({} as z.input<typeof GateSettings>),
    environments: z.array(Environment).default([]),
  });
  return { Policy, Environment };
}

export type CalendarWindow = z.infer<typeof CalendarWindow>;
export type Analysis = z.infer<typeof Analysis>;
