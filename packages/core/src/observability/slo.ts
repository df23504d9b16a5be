import * as z from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import type { YamlDocument } from "../yaml.js";
import { PromqlQuery, promDurationMs } from "./promql.js";

/** One pair of windows a burn-rate alert watches, and the burn rate that fires it. */
export interface BurnWindow {
  /** `page` or `ticket` (Sloth), or the alert condition's severity (OpenSLO). */
  severity: string;
  longMs: number;
  shortMs: number;
  /** The burn rate: how many times faster than the objective allows the budget is spent. */
  factor: number;
}

/** A service level objective, whichever spec declared it. */
export interface SloSpec {
  name: string;
  service?: string;
  /** The target as a ratio: 0.999 for 99.9 %. */
  objective: number;
  periodMs: number;
  /** False when the spec has no period of its own (Sloth's come from the command line; the policy's is used). */
  periodDeclared: boolean;
  format: string;
  path: string;
  line?: number;
  /** The SLI's queries (`{{.window}}` templates accepted). */
  queries: PromqlQuery[];
  /** Sloth's alerting section: the alert name and which severities it generates. */
  alerting?: { name?: string; page: boolean; ticket: boolean };
  /** The burn-rate windows the spec declares (OpenSLO alert conditions). */
  windows?: BurnWindow[];
}

/** Sloth's `AlertWindows`: the windows for SLOs of one period. */
export interface DeclaredWindows {
  periodMs: number;
  windows: BurnWindow[];
  path: string;
}

const SPEC_INVALID = "slo-spec-invalid";

function invalid(message: string, path: string, line?: number): Finding {
  return { id: SPEC_INVALID, severity: "error", message, location: { path, ...(line ? { startLine: line } : {}) } };
}

const Query = z.string().min(1);
const Objective = z.number().gt(0).lt(100);

// Sloth's prometheus/v1 spec writes snake_case keys, its Kubernetes CRD camelCase: both are read.
const SlothAlert = z.object({ disable: z.boolean().default(false) }).loose();
const SlothSlo = z
  .object({
    name: z.string().min(1),
    objective: Objective,
    sli: z
      .object({
        events: z
          .object({ error_query: Query.optional(), total_query: Query.optional(), errorQuery: Query.optional(), totalQuery: Query.optional() })
          .optional(),
        raw: z.object({ error_ratio_query: Query.optional(), errorRatioQuery: Query.optional() }).optional(),
        plugin: z.object({ id: z.string() }).loose().optional(),
      })
      .loose(),
    alerting: z
      .object({
        name: z.string().min(1).optional(),
        page_alert: SlothAlert.optional(),
        ticket_alert: SlothAlert.optional(),
        pageAlert: SlothAlert.optional(),
        ticketAlert: SlothAlert.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
const SlothSpec = z.object({ service: z.string().min(1), slos: z.array(SlothSlo).min(1) }).loose();

const SlothWindow = z.object({ errorBudgetPercent: z.number().gt(0).max(100), shortWindow: z.string(), longWindow: z.string() }).loose();
const SlothAlertWindows = z
  .object({
    spec: z
      .object({
        sloPeriod: z.string(),
        page: z.object({ quick: SlothWindow, slow: SlothWindow }).loose(),
        ticket: z.object({ quick: SlothWindow, slow: SlothWindow }).loose(),
      })
      .loose(),
  })
  .loose();

// OpenSLO: https://github.com/OpenSLO/OpenSLO (v1alpha and v1).
const OpenSloV1AlphaMetric = z.object({ query: Query.optional() }).loose();
const OpenSloV1AlphaSlo = z
  .object({
    metadata: z.object({ name: z.string().min(1) }).loose(),
    spec: z
      .object({
        service: z.string().optional(),
        timeWindows: z
          .array(z.object({ count: z.number().int().positive(), unit: z.string() }).loose())
          .min(1)
          .optional(),
        indicator: z.object({ thresholdMetric: OpenSloV1AlphaMetric.optional() }).loose().optional(),
        objectives: z
          .array(
            z
              .object({
                displayName: z.string().optional(),
                target: z.number().gt(0).lt(1),
                ratioMetrics: z
                  .object({ good: OpenSloV1AlphaMetric.optional(), bad: OpenSloV1AlphaMetric.optional(), total: OpenSloV1AlphaMetric })
                  .loose()
                  .optional(),
              })
              .loose(),
          )
          .min(1),
      })
      .loose(),
  })
  .loose();

const MetricSource = z
  .object({ metricSource: z.object({ type: z.string().optional(), spec: z.object({ query: Query.optional() }).loose().optional() }).loose() })
  .loose();
const OpenSloSliSpec = z
  .object({
    thresholdMetric: MetricSource.optional(),
    ratioMetric: z
      .object({ good: MetricSource.optional(), bad: MetricSource.optional(), total: MetricSource.optional(), raw: MetricSource.optional() })
      .loose()
      .optional(),
  })
  .loose();
const Named = z.object({ name: z.string().min(1) }).loose();
const OpenSloCondition = z
  .object({
    metadata: Named.optional(),
    spec: z
      .object({
        severity: z.string().min(1),
        condition: z
          .object({ kind: z.string().default("burnrate"), threshold: z.number().positive(), lookbackWindow: z.string(), alertAfter: z.string().optional() })
          .loose(),
      })
      .loose(),
  })
  .loose();
const OpenSloPolicy = z
  .object({
    metadata: Named.optional(),
    spec: z.object({ conditions: z.array(z.union([z.object({ conditionRef: z.string().min(1) }).loose(), OpenSloCondition])).min(1) }).loose(),
  })
  .loose();
const OpenSloV1Slo = z
  .object({
    metadata: Named,
    spec: z
      .object({
        service: z.string().optional(),
        indicator: z.object({ spec: OpenSloSliSpec }).loose().optional(),
        indicatorRef: z.string().min(1).optional(),
        timeWindow: z
          .array(z.object({ duration: z.string() }).loose())
          .length(1)
          .optional(),
        objectives: z
          .array(
            z
              .object({ displayName: z.string().optional(), target: z.number().gt(0).lt(1).optional(), targetPercent: z.number().gt(0).lt(100).optional() })
              .loose()
              .refine((objective) => (objective.target === undefined) !== (objective.targetPercent === undefined), "exactly one of target or targetPercent"),
          )
          .min(1),
        alertPolicies: z
          .array(z.union([z.object({ alertPolicyRef: z.string().min(1) }).loose(), OpenSloPolicy.extend({ kind: z.literal("AlertPolicy") })]))
          .optional(),
      })
      .loose()
      .refine((spec) => spec.indicator !== undefined || spec.indicatorRef !== undefined, "indicator or indicatorRef"),
  })
  .loose();

/** OpenSLO's duration shorthand; a month is 30 days, a quarter 90, a year 365, as most tools count them. */
function openSloDurationMs(text: string): number | undefined {
  const match = /^(\d+)([mhdwMQY])$/.exec(text);
  if (!match) return undefined;
  const day = 86_400_000;
  const unit: Record<string, number> = { m: 60_000, h: 3_600_000, d: day, w: 7 * day, M: 30 * day, Q: 90 * day, Y: 365 * day };
  return Number(match[1]) * (unit[match[2] as string] as number);
}

const V1ALPHA_UNITS_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 30 * 86_400_000,
  quarter: 90 * 86_400_000,
  year: 365 * 86_400_000,
};

/** Queries for the grammar: Prometheus ones only (OpenSLO specs may query Datadog or CloudWatch). */
function prometheusQueries(...texts: (string | undefined)[]): PromqlQuery[] {
  return texts.flatMap((text) => (text ? [new PromqlQuery(text, "sloth")] : []));
}

/** An OpenSLO v1 SLI's Prometheus queries (a source of another type is not PromQL). */
function sliQueries(spec: z.infer<typeof OpenSloSliSpec>): PromqlQuery[] {
  const sources = [spec.thresholdMetric, spec.ratioMetric?.good, spec.ratioMetric?.bad, spec.ratioMetric?.total, spec.ratioMetric?.raw];
  return prometheusQueries(
    ...sources.map((source) =>
      source && (source.metricSource.type === undefined || /^prometheus$/i.test(source.metricSource.type)) ? source.metricSource.spec?.query : undefined,
    ),
  );
}

/**
 * Collects SLO specs from YAML documents (Sloth `prometheus/v1`, Sloth's
 * `PrometheusServiceLevel` and `AlertWindows`, OpenSLO `v1alpha` and `v1`
 * with their `SLI`, `AlertPolicy` and `AlertCondition` objects), then joins
 * the OpenSLO references across files. Invalid specs become findings.
 */
export class SloCollector {
  readonly slos: SloSpec[] = [];
  readonly windows: DeclaredWindows[] = [];
  readonly findings: Finding[] = [];
  private readonly slis = new Map<string, z.infer<typeof OpenSloSliSpec>>();
  private readonly policies = new Map<string, z.infer<typeof OpenSloPolicy>>();
  private readonly conditions = new Map<string, z.infer<typeof OpenSloCondition>>();
  private readonly pending: { slo: z.infer<typeof OpenSloV1Slo>; document: YamlDocument; line?: number }[] = [];

  /** Reads one document of a kind `detectDocument` said is an SLO spec. */
  add(document: YamlDocument, kind: "sloth" | "sloth-crd" | "sloth-windows" | "openslo-v1alpha" | "openslo-v1", data: unknown = document.value): void {
    try {
      if (kind === "sloth" || kind === "sloth-crd") this.addSloth(document, kind, data);
      else if (kind === "sloth-windows") this.addWindows(document, data);
      else if (kind === "openslo-v1alpha") this.addV1Alpha(document, data);
      else this.addV1(document, data);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      this.findings.push(invalid(error.detail, document.source, error.line));
    }
  }

  private addSloth(document: YamlDocument, kind: "sloth" | "sloth-crd", data: unknown): void {
    const prefix = kind === "sloth-crd" ? ["spec"] : [];
    const spec = document.validate(SlothSpec, kind === "sloth-crd" ? (data as { spec?: unknown }).spec : data, prefix);
    spec.slos.forEach((slo, index) => {
      const events = slo.sli.events;
      const raw = slo.sli.raw;
      const alerting = slo.alerting;
      this.slos.push({
        name: slo.name,
        service: spec.service,
        objective: slo.objective / 100,
        periodMs: 0,
        periodDeclared: false,
        format: kind === "sloth" ? "Sloth prometheus/v1" : "Sloth PrometheusServiceLevel",
        path: document.source,
        line: document.lineOf([...prefix, "slos", index]),
        queries: prometheusQueries(
          events?.error_query ?? events?.errorQuery,
          events?.total_query ?? events?.totalQuery,
          raw?.error_ratio_query ?? raw?.errorRatioQuery,
        ),
        ...(alerting
          ? {
              alerting: {
                name: alerting.name,
                page: !(alerting.page_alert ?? alerting.pageAlert)?.disable,
                ticket: !(alerting.ticket_alert ?? alerting.ticketAlert)?.disable,
              },
            }
          : {}),
      });
    });
  }

  private addWindows(document: YamlDocument, data: unknown): void {
    const { spec } = document.validate(SlothAlertWindows, data);
    const periodMs = promDurationMs(spec.sloPeriod);
    if (!periodMs)
      throw new ConfigurationError(
        `spec.sloPeriod: expected a duration such as 30d, found ${quoted(spec.sloPeriod)}`,
        document.source,
        document.lineOf(["spec", "sloPeriod"]),
      );
    const windows: BurnWindow[] = [];
    for (const severity of ["page", "ticket"] as const)
      for (const speed of ["quick", "slow"] as const) {
        const window = spec[severity][speed];
        const [longMs, shortMs] = [promDurationMs(window.longWindow), promDurationMs(window.shortWindow)];
        if (!longMs || !shortMs)
          throw new ConfigurationError(
            `spec.${severity}.${speed}: expected longWindow and shortWindow durations such as 1h and 5m`,
            document.source,
            document.lineOf(["spec", severity, speed]),
          );
        windows.push({ severity, longMs, shortMs, factor: ((window.errorBudgetPercent / 100) * periodMs) / longMs });
      }
    this.windows.push({ periodMs, windows, path: document.source });
  }

  private addV1Alpha(document: YamlDocument, data: unknown): void {
    const slo = document.validate(OpenSloV1AlphaSlo, data);
    const window = slo.spec.timeWindows?.[0];
    const unit = window ? V1ALPHA_UNITS_MS[window.unit.toLowerCase()] : undefined;
    if (window && !unit)
      throw new ConfigurationError(
        `spec.timeWindows[0].unit: expected Second, Minute, Hour, Day, Week, Month, Quarter or Year, found ${quoted(window.unit)}`,
        document.source,
      );
    slo.spec.objectives.forEach((objective, index) => {
      const metrics = objective.ratioMetrics;
      this.slos.push({
        name: slo.spec.objectives.length > 1 ? `${slo.metadata.name}/${objective.displayName ?? index}` : slo.metadata.name,
        service: slo.spec.service,
        objective: objective.target,
        periodMs: window && unit ? window.count * unit : 0,
        periodDeclared: window !== undefined,
        format: "OpenSLO v1alpha",
        path: document.source,
        line: document.lineOf(["spec", "objectives", index]),
        queries: prometheusQueries(metrics?.good?.query, metrics?.bad?.query, metrics?.total.query, slo.spec.indicator?.thresholdMetric?.query),
      });
    });
  }

  private addV1(document: YamlDocument, data: unknown): void {
    const kind = (data as { kind?: unknown }).kind;
    if (kind === "SLI") {
      const sli = document.validate(z.object({ metadata: Named, spec: OpenSloSliSpec }).loose(), data);
      this.slis.set(sli.metadata.name, sli.spec);
    } else if (kind === "AlertPolicy") {
      const policy = document.validate(OpenSloPolicy.extend({ metadata: Named }), data);
      this.policies.set(policy.metadata.name, policy);
    } else if (kind === "AlertCondition") {
      const condition = document.validate(OpenSloCondition.extend({ metadata: Named }), data);
      this.conditions.set(condition.metadata.name, condition);
    } else if (kind === "SLO") {
      this.pending.push({ slo: document.validate(OpenSloV1Slo, data), document, line: document.lineOf([]) });
    }
    // Service, DataSource and AlertNotificationTarget say nothing the gate checks.
  }

  /** The burn windows an OpenSLO v1 SLO's alert policies declare (long = lookback, short = a twelfth of it, as the SRE workbook pairs them). */
  private declaredWindows(slo: z.infer<typeof OpenSloV1Slo>, path: string): BurnWindow[] | undefined {
    const policies = slo.spec.alertPolicies;
    if (!policies?.length) return undefined;
    const windows: BurnWindow[] = [];
    for (const entry of policies) {
      const policy =
        "alertPolicyRef" in entry && typeof entry.alertPolicyRef === "string"
          ? this.policies.get(entry.alertPolicyRef)
          : (entry as z.infer<typeof OpenSloPolicy>);
      if (!policy) {
        this.findings.push(
          invalid(
            `SLO ${quoted(slo.metadata.name)}: alertPolicyRef ${quoted((entry as { alertPolicyRef: string }).alertPolicyRef)} names no AlertPolicy in the files read`,
            path,
          ),
        );
        continue;
      }
      for (const item of policy.spec.conditions) {
        const condition =
          "conditionRef" in item && typeof item.conditionRef === "string" ? this.conditions.get(item.conditionRef) : (item as z.infer<typeof OpenSloCondition>);
        if (!condition) {
          this.findings.push(
            invalid(
              `SLO ${quoted(slo.metadata.name)}: conditionRef ${quoted((item as { conditionRef: string }).conditionRef)} names no AlertCondition in the files read`,
              path,
            ),
          );
          continue;
        }
        const { threshold, lookbackWindow, kind } = condition.spec.condition;
        const longMs = openSloDurationMs(lookbackWindow);
        if (kind !== "burnrate" || !longMs) {
          this.findings.push(
            invalid(
              `SLO ${quoted(slo.metadata.name)}: expected a burnrate condition with a lookbackWindow such as 1h, found kind ${quoted(kind)} over ${quoted(lookbackWindow)}`,
              path,
            ),
          );
          continue;
        }
        windows.push({ severity: condition.spec.severity, longMs, shortMs: longMs / 12, factor: threshold });
      }
    }
    return windows;
  }

  /** The specs read, OpenSLO references joined; call once every document was added. */
  finish(): { slos: SloSpec[]; windows: DeclaredWindows[]; findings: Finding[] } {
    for (const { slo, document, line } of this.pending) {
      const indicator = slo.spec.indicator?.spec ?? (slo.spec.indicatorRef ? this.slis.get(slo.spec.indicatorRef) : undefined);
      if (!indicator) {
        this.findings.push(
          invalid(`SLO ${quoted(slo.metadata.name)}: indicatorRef ${quoted(slo.spec.indicatorRef)} names no SLI in the files read`, document.source, line),
        );
        continue;
      }
      const duration = slo.spec.timeWindow?.[0]?.duration;
      const periodMs = duration ? openSloDurationMs(duration) : undefined;
      if (duration && !periodMs) {
        this.findings.push(
          invalid(
            `SLO ${quoted(slo.metadata.name)}: spec.timeWindow[0].duration: expected a duration such as 28d or 1M, found ${quoted(duration)}`,
            document.source,
            line,
          ),
        );
        continue;
      }
      const queries = sliQueries(indicator);
      const windows = this.declaredWindows(slo, document.source);
      slo.spec.objectives.forEach((objective, index) => {
        this.slos.push({
          name: slo.spec.objectives.length > 1 ? `${slo.metadata.name}/${objective.displayName ?? index}` : slo.metadata.name,
          service: slo.spec.service,
          objective: objective.target ?? (objective.targetPercent as number) / 100,
          periodMs: periodMs ?? 0,
          periodDeclared: periodMs !== undefined,
          format: "OpenSLO v1",
          path: document.source,
          line,
          queries,
          ...(windows ? { windows } : {}),
        });
      });
    }
    this.pending.length = 0;
    return { slos: this.slos, windows: this.windows, findings: this.findings };
  }
}
