import * as z from "zod";
import { Duration } from "../durations.js";
import { NoDataOutcome } from "../report/schema.js";

/** Where the evidence is looked for unless the policy says: the places teams keep monitoring as code. */
export const DEFAULT_EVIDENCE_GLOBS = [
  "{monitoring,observability,prometheus,alerts,rules,slo,slos,grafana,dashboards}/**/*.{yml,yaml,json}",
  "**/*.rules.{yml,yaml}",
  "**/*.slo.{yml,yaml}",
  "**/*.dashboard.json",
] as const;

const Globs = z.array(z.string().min(1));
const Severity = z.enum(["fail", "warn", "off"]);

/** One pair of burn-rate windows: the SRE workbook's are the default. */
const BurnWindowSetting = z.strictObject({
  severity: z.string().min(1),
  long: Duration,
  short: Duration,
  /** The share of the period's error budget the alert lets burn over the long window before it fires. */
  budgetPercent: z.number().gt(0).max(100),
});

/** Where the documents are by convention, when the policy does not say. */
export const DEFAULT_DOCUMENT_PATHS = {
  runbook: ["RUNBOOK.md", "docs/runbook*.md", "docs/runbooks/**/*.md", "runbooks/**/*.md"],
  rollback: ["ROLLBACK.md", "docs/rollback*.md", "docs/runbooks/rollback*.md"],
  incident: ["INCIDENT_RESPONSE.md", "INCIDENT.md", "docs/incident*.md"],
};

const DocumentSettings = (paths: string[], sections: string[], covers: string[]) =>
  z
    .strictObject({
      /** Where the document is: paths or globs; the first match is read. */
      paths: Globs.min(1).default(paths),
      /** Headings it must have; `A|B` accepts either. */
      sections: z.array(z.string().min(1)).default(sections),
      /** It must name an owner (front matter `owner:`, an `Owner:` line or an Owner section). */
      requireOwner: z.boolean().default(true),
      /** It must have changed (or been marked reviewed) after these files last changed… */
      covers: Globs.default(covers),
      /** …or within this long: a document reviewed this recently counts as fresh. */
      maxAge: Duration.default("180d"),
      /** `off` skips the document's check. */
      severity: Severity.default("fail"),
    })
    .prefault({});

/** `gates.observability` in release-gates.yml; every key has a documented default. */
export const ObservabilitySettings = z.strictObject({
  /** The evidence to read: rule files, SLO specs, dashboards, provisioning, collector configs; told apart by content. */
  files: Globs.default([...DEFAULT_EVIDENCE_GLOBS]),
  /** SLOs and burn-rate alerts. */
  slo: z
    .strictObject({
      /** The period of SLOs whose spec has none (Sloth's come from the command line). */
      period: Duration.default("30d"),
      /** The burn-rate windows every SLO needs, unless its spec declares its own; the SRE workbook's when absent. */
      windows: z.array(BurnWindowSetting).min(1).optional(),
      /** Severities of the windows that must be alerted on (`page` and `ticket` by default). */
      require: z.array(z.string().min(1)).min(1).default(["page", "ticket"]),
      /** How far a threshold may be from the computed one, relative (0.01 = 1 %). */
      tolerance: z.number().gt(0).lt(1).default(0.01),
    })
    .prefault({}),
  /** What every alert must carry. */
  alerts: z
    .strictObject({
      /** The annotation holding the runbook link. */
      runbookAnnotation: z.string().min(1).default("runbook_url"),
      /** Runbook links outside the repository must start with one of these. */
      runbookUrlPrefixes: z.array(z.url()).default([]),
      /** The repository's own web address, so runbook links to it resolve to its files (the CI's, when absent). */
      repositoryUrl: z.url().optional(),
      /** Annotations every alert needs. */
      annotations: z.array(z.string().min(1)).default(["summary", "description"]),
      /** Allowed values of the `severity` label. */
      severities: z.array(z.string().min(1)).min(1).default(["critical", "warning", "info"]),
      /** Threshold alerts need `for:` so one bad scrape does not page; burn-rate alerts are exempt. */
      requireFor: z.boolean().default(true),
      severity: Severity.default("fail"),
    })
    .prefault({}),
  /** The service's request metrics (Prometheus or OpenTelemetry names); found in the SLOs, rules and dashboards when absent. */
  requestMetrics: z.array(z.string().min(1)).default([]),
  dashboards: z
    .strictObject({
      /** Rate, errors and duration of the request metrics must each be on a dashboard. */
      red: Severity.default("fail"),
      /** Titles, units, datasource variables, $__rate_interval. */
      lint: Severity.default("warn"),
    })
    .prefault({}),
  docs: z
    .strictObject({
      runbook: DocumentSettings(DEFAULT_DOCUMENT_PATHS.runbook, ["Detection", "Mitigation", "Escalation"], []),
      rollback: DocumentSettings(DEFAULT_DOCUMENT_PATHS.rollback, ["Rollback|Procedure|Steps", "Verification|Verify"], []),
      incident: DocumentSettings(
        DEFAULT_DOCUMENT_PATHS.incident,
        ["Severity|Severities", "Roles|Responsibilities", "Communication", "Escalation", "Postmortem|Post-incident review|Retrospective"],
        [],
      ),
    })
    .prefault({}),
  telemetry: z
    .strictObject({
      /** OpenTelemetry Collector configurations (YAML). */
      collector: Globs.default([]),
      /** OpenTelemetry SDK environment: dotenv files or manifests with `env:` / `environment:`. */
      sdkEnv: Globs.default([]),
      /** Logging configurations (log4j2.xml, logback.xml, logging.yaml, appsettings.json…). */
      logging: Globs.default([]),
      logs: Severity.default("fail"),
      traces: Severity.default("fail"),
    })
    .prefault({}),
  /** Checking what is deployed: the rules a Prometheus loaded, the series they read, the dashboards a Grafana serves. */
  live: z
    .strictObject({
      /** Without the URLs this fails (from testnet on, say) rather than passing statically. */
      required: z.boolean().default(false),
      prometheusUrl: z.url().optional(),
      /** The environment variable holding a bearer token for Prometheus, if it needs one. */
      prometheusTokenEnv: z.string().min(1).default("PROMETHEUS_TOKEN"),
      grafanaUrl: z.url().optional(),
      /** The environment variable holding a Grafana service-account token. */
      grafanaTokenEnv: z.string().min(1).default("GRAFANA_TOKEN"),
      /** Dashboards without a uid are found by this tag. */
      grafanaTag: z.string().min(1).optional(),
      /** The series an alert or panel reads must exist; `warn` tolerates a metric not yet scraped. */
      series: Severity.default("fail"),
    })
    .prefault({}),
  /** Nothing to measure fails by default: a vacuous pass hides regressions. */
  onNoData: NoDataOutcome.default("fail"),
});

export type ObservabilitySettings = z.infer<typeof ObservabilitySettings>;
export type BurnWindowSetting = z.infer<typeof BurnWindowSetting>;
