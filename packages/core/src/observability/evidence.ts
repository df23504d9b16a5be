import { ConfigurationError } from "../errors.js";
import type { Finding } from "../report/schema.js";
import { parseJsonText } from "../validation.js";
import type { YamlDocument } from "../yaml.js";
import { parseYamlDocuments } from "../yaml-stream.js";
import { type Dashboard, type DashboardProvider, dashboardModel, readDashboard, readProvisioning } from "./dashboards.js";
import { type RuleFile, readRuleDocument } from "./rules.js";
import { type DeclaredWindows, SloCollector, type SloSpec } from "./slo.js";
import { type CollectorConfig, readCollectorConfig } from "./telemetry.js";

/** The checks of the observability gate, in the order the report lists them. */
export const OBSERVABILITY_CHECKS = [
  "rules.valid",
  "alerts.slo",
  "alerts.hygiene",
  "dashboards.red",
  "dashboards.lint",
  "docs.runbook",
  "docs.rollback",
  "docs.incident",
  "telemetry.logs",
  "telemetry.traces",
  "live.rules",
  "live.series",
  "live.dashboards",
] as const;

export type ObservabilityCheckId = (typeof OBSERVABILITY_CHECKS)[number];

/** A finding and the check it counts against. */
export interface CheckFinding {
  check: ObservabilityCheckId;
  finding: Finding;
}

/** What a repository's files say, by kind: the join across them is the gate's work. */
export interface Evidence {
  ruleFiles: RuleFile[];
  slos: SloSpec[];
  windows: DeclaredWindows[];
  dashboards: Dashboard[];
  providers: DashboardProvider[];
  collectors: CollectorConfig[];
  findings: CheckFinding[];
  /** Files read that hold none of these (listed so a typo in a glob shows). */
  ignored: string[];
}

/** The kind of a YAML document, from what it says, not its name. */
type DocumentKind =
  | { kind: "rules"; format: RuleFile["format"] }
  | { kind: "slo"; format: "sloth" | "sloth-crd" | "sloth-windows" | "openslo-v1alpha" | "openslo-v1" }
  | { kind: "provisioning" }
  | { kind: "collector" }
  | { kind: "grafana-operator" };

function detect(value: unknown): DocumentKind | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const apiVersion = typeof record.apiVersion === "string" ? record.apiVersion : undefined;
  const kind = record.kind;
  if (kind === "PrometheusRule" && apiVersion?.startsWith("monitoring.coreos.com/")) return { kind: "rules", format: "prometheus-operator" };
  if (record.version === "prometheus/v1") return { kind: "slo", format: "sloth" };
  if (apiVersion?.startsWith("sloth.slok.dev/")) {
    if (kind === "PrometheusServiceLevel") return { kind: "slo", format: "sloth-crd" };
    if (kind === "AlertWindows") return { kind: "slo", format: "sloth-windows" };
  }
  if (apiVersion === "openslo/v1alpha" && kind === "SLO") return { kind: "slo", format: "openslo-v1alpha" };
  if (apiVersion === "openslo/v1") return { kind: "slo", format: "openslo-v1" };
  if (kind === "GrafanaDashboard" && apiVersion?.startsWith("grafana.integreatly.org/")) return { kind: "grafana-operator" };
  if ((record.apiVersion === 1 || record.apiVersion === "1") && Array.isArray(record.providers)) return { kind: "provisioning" };
  if (record.service && typeof record.service === "object" && "pipelines" in (record.service as object) && ("receivers" in record || "exporters" in record))
    return { kind: "collector" };
  if ("groups" in record && apiVersion === undefined && kind === undefined) return { kind: "rules", format: "prometheus" };
  return undefined;
}

/**
 * Reads the observability evidence of a repository, one file at a time,
 * telling formats apart by content: rule files and PrometheusRule manifests,
 * Sloth and OpenSLO specs, Grafana dashboards (JSON, or grafana-operator
 * manifests) and provisioning files, OpenTelemetry Collector configs. A file
 * that cannot be read is a finding against the check it would have fed.
 */
export class EvidenceReader {
  private readonly evidence: Evidence = { ruleFiles: [], slos: [], windows: [], dashboards: [], providers: [], collectors: [], findings: [], ignored: [] };
  private readonly slos = new SloCollector();

  add(path: string, text: string): void {
    const json = /\.json$/i.test(path);
    try {
      if (json) this.addJson(path, text);
      else this.addYaml(path, text);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      this.unreadable(json ? "dashboards.red" : "rules.valid", error.withSource(path));
    }
  }

  private unreadable(check: ObservabilityCheckId, error: ConfigurationError): void {
    this.evidence.findings.push({
      check,
      finding: {
        id: "evidence-unreadable",
        severity: "error",
        message: error.detail,
        location: { path: error.source as string, ...(error.line ? { startLine: error.line } : {}) },
      },
    });
  }

  private addJson(path: string, text: string): void {
    const model = dashboardModel(parseJsonText(text, "JSON (a Grafana dashboard)", path));
    if (!model) {
      this.evidence.ignored.push(path);
      return;
    }
    this.evidence.dashboards.push(readDashboard(model, path));
  }

  private addYaml(path: string, text: string): void {
    let recognised = false;
    for (const document of parseYamlDocuments(text, path)) {
      const kind = detect(document.value);
      if (!kind) continue;
      recognised = true;
      try {
        this.addDocument(document, kind);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        const check =
          kind.kind === "slo" ? "alerts.slo" : kind.kind === "collector" ? "telemetry.traces" : kind.kind === "rules" ? "rules.valid" : "dashboards.red";
        this.unreadable(check, error.withSource(path));
      }
    }
    if (!recognised) this.evidence.ignored.push(path);
  }

  private addDocument(document: YamlDocument, kind: DocumentKind): void {
    switch (kind.kind) {
      case "rules": {
        const { file, findings } = readRuleDocument(document, kind.format);
        this.evidence.ruleFiles.push(file);
        for (const finding of findings) this.evidence.findings.push({ check: "rules.valid", finding });
        return;
      }
      case "slo":
        this.slos.add(document, kind.format);
        return;
      case "provisioning":
        this.evidence.providers.push(...readProvisioning(document));
        return;
      case "collector":
        this.evidence.collectors.push(readCollectorConfig(document));
        return;
      case "grafana-operator": {
        const spec = (document.value as { spec?: { json?: unknown } }).spec;
        if (typeof spec?.json !== "string")
          throw new ConfigurationError(
            "spec.json: expected the dashboard's JSON as text, found none (dashboards given by URL or grafanaCom id are not read)",
            document.source,
            document.lineOf(["spec"]),
          );
        const model = dashboardModel(parseJsonText(spec.json, "a Grafana dashboard in spec.json", document.source));
        if (!model)
          throw new ConfigurationError(
            "spec.json: expected a Grafana dashboard (panels), found other JSON",
            document.source,
            document.lineOf(["spec", "json"]),
          );
        this.evidence.dashboards.push(readDashboard(model, document.source));
        return;
      }
    }
  }

  /** Everything read, SLO references joined. */
  finish(): Evidence {
    const { slos, windows, findings } = this.slos.finish();
    this.evidence.slos = slos;
    this.evidence.windows = windows;
    for (const finding of findings) this.evidence.findings.push({ check: "alerts.slo", finding });
    return this.evidence;
  }
}
