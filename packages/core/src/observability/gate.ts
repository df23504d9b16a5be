import { defineGate } from "../kit/descriptor.js";
import type { GateReport } from "../report/schema.js";
import type { ObservabilityDetails } from "./evaluate.js";
import { DEFAULT_DOCUMENT_PATHS, ObservabilitySettings } from "./settings.js";

/** What an observability run keeps besides its report: nothing its documents need. */
export type ObservabilityExtra = Record<never, never>;

const shownPaths = (paths: readonly string[]) => paths.map((path) => `\`${path}\``).join(", ");
const details = (report: GateReport) => report.predicate.details as unknown as ObservabilityDetails;

/** The observability gate: SLO alerts, dashboards, runbooks and telemetry, proven in the repository and, when asked, live. */
export const observabilityGate = defineGate<typeof ObservabilitySettings, ObservabilityExtra>({
  id: "observability",
  name: "observability-gate",
  command: "observability",
  title: "Observability gate",
  description:
    "Prometheus rules valid, burn-rate alerts for every SLO, actionable alerts, RED dashboards, a fresh runbook, rollback procedure and incident plan, structured logs and exported traces, checked in the repository and, when asked, in the live Prometheus and Grafana.",
  summary: "observability gate: SLO burn-rate alerts, RED dashboards, runbooks, telemetry, live Prometheus and Grafana",
  help: `Reads the repository's Prometheus rules, SLO specs (Sloth, OpenSLO), Grafana
dashboards, runbook / rollback / incident documents and telemetry configuration,
joins them (which SLO each alert serves, which request metric each panel shows),
checks them against the running Prometheus and Grafana when their URLs are given,
decides against the policy and writes the gate report.`,
  icon: "activity",
  settings: ObservabilitySettings,
  options: [
    {
      name: "files",
      kind: "list",
      setting: "files",
      placeholder: "GLOB",
      shownDefault: "monitoring/, observability/, prometheus/, alerts/, rules/, slo(s)/, grafana/, dashboards/, *.rules.yml, *.slo.yml, *.dashboard.json",
      description:
        "Rule files, PrometheusRule manifests, Sloth and OpenSLO specs, Grafana dashboards and provisioning, Collector configs, paths or globs, one per line; told apart by content.",
    },
    {
      name: "request-metric",
      kind: "list",
      setting: "requestMetrics",
      separator: /[\s,]+/,
      placeholder: "NAME",
      shownDefault: "those the SLOs read, else those named like request metrics",
      description: "The service's request metrics (Prometheus or OpenTelemetry names) whose rate, errors and duration must be on a dashboard.",
    },
    {
      name: "slo-period",
      kind: "duration",
      setting: "slo.period",
      placeholder: "DUR",
      description: "The period of SLOs whose spec has none (Sloth's), e.g. 28d.",
    },
    {
      name: "runbook",
      kind: "list",
      setting: "docs.runbook.paths",
      placeholder: "GLOB",
      shownDefault: shownPaths(DEFAULT_DOCUMENT_PATHS.runbook),
      description: "Where the runbook is.",
    },
    {
      name: "rollback-doc",
      kind: "list",
      setting: "docs.rollback.paths",
      placeholder: "GLOB",
      shownDefault: shownPaths(DEFAULT_DOCUMENT_PATHS.rollback),
      description: "Where the rollback procedure is.",
    },
    {
      name: "incident-doc",
      kind: "list",
      setting: "docs.incident.paths",
      placeholder: "GLOB",
      shownDefault: shownPaths(DEFAULT_DOCUMENT_PATHS.incident),
      description: "Where the incident response plan is.",
    },
    {
      name: "otel-collector",
      kind: "list",
      setting: "telemetry.collector",
      placeholder: "FILE",
      description: "OpenTelemetry Collector configurations whose pipelines must export traces (and logs).",
    },
    {
      name: "otel-env",
      kind: "list",
      setting: "telemetry.sdkEnv",
      placeholder: "FILE",
      description: "The service's OpenTelemetry SDK environment: dotenv files, or manifests with env / environment.",
    },
    {
      name: "logging-config",
      kind: "list",
      setting: "telemetry.logging",
      placeholder: "FILE",
      description: "Logging configurations that must write structured (JSON, ECS, OpenTelemetry) records.",
    },
    {
      name: "runbook-url-prefix",
      kind: "list",
      setting: "alerts.runbookUrlPrefixes",
      placeholder: "URL",
      description: "Runbook links outside the repository are accepted under these prefixes (a wiki, a runbook site).",
    },
    {
      name: "prometheus-url",
      kind: "string",
      setting: "live.prometheusUrl",
      placeholder: "URL",
      description:
        "Check live: every committed rule loaded and healthy here, and the series alerts and panels read present (bearer token from PROMETHEUS_TOKEN).",
    },
    {
      name: "grafana-url",
      kind: "string",
      setting: "live.grafanaUrl",
      placeholder: "URL",
      description: "Check live: every committed dashboard deployed here unchanged (service-account token from GRAFANA_TOKEN).",
    },
    { name: "require-live", kind: "boolean", setting: "live.required", description: "Fail unless the live checks ran (typically from testnet on)." },
  ],
  documents: [],
  outputs: [
    { name: "slos", description: "Number of SLOs read from the specs", value: (report) => details(report).counts?.slos },
    { name: "alerts", description: "Number of alerting rules read", value: (report) => details(report).counts?.alerts },
    {
      name: "missing",
      description: "Checks that failed or found nothing to check, comma-separated (empty when all is in place)",
      value: (report) => details(report).missing?.join(","),
    },
  ],
  gitlab: { stage: "test", stageHint: "after the jobs that write what it reads", variables: { GIT_DEPTH: "0" } },
  renderers: async () => (await import("./renderers.js")).observabilityRenderers,
});
