import { parseDuration } from "../durations.js";
import { quoted } from "../errors.js";
import { checkFromFindings, noDataCheck, plural, softened } from "../report/checks.js";
import type { Check, Finding } from "../report/schema.js";
import { checkSloAlerts, type SloVerdict } from "./burn.js";
import { lintDashboards } from "./dashboard-lint.js";
import { checkDocument, type DocumentFacts, type DocumentKind } from "./docs.js";
import type { CheckFinding, Evidence, ObservabilityCheckId } from "./evidence.js";
import { checkAlertHygiene, type RepositoryFiles } from "./hygiene.js";
import { checkDeployedDashboards, checkLoadedRules, checkSeries, type DeployedDashboard, type LoadedRule } from "./live.js";
import { checkRed, type RedRow } from "./red.js";
import { RuleIndex } from "./rule-index.js";
import type { ObservabilitySettings } from "./settings.js";
import { type CollectorConfig, checkLogs, checkTraces, type SdkEnvironment } from "./telemetry.js";

/** promtool's verdict on one rule file, when promtool is on the PATH. */
export interface PromtoolVerdict {
  path: string;
  ok: boolean;
  /** What it printed, for the finding when it disagrees. */
  output: string;
}

/** What the Prometheus and the Grafana of the environment showed, when live checking was asked for. */
export interface LiveObservations {
  prometheus?: { url: string; rules: LoadedRule[]; series: Map<string, boolean> };
  grafana?: { url: string; dashboards: DeployedDashboard[] };
}

/** Everything the gate decides from, gathered by the platform. */
export interface ObservabilityInputs {
  evidence: Evidence;
  /** The documents found for each kind, with when git last saw them change. */
  documents: Partial<Record<DocumentKind, DocumentFacts>>;
  /** For each document, the latest change of the files it covers. */
  covered: Partial<Record<DocumentKind, { changedMs: number; path: string }>>;
  telemetry: { collectors: CollectorConfig[]; environments: SdkEnvironment[]; logging: { path: string; text: string }[]; findings: CheckFinding[] };
  /** The repository's web addresses, so runbook links to it resolve to its files. */
  repositoryUrls: readonly string[];
  files: RepositoryFiles;
  promtool?: { version: string; verdicts: PromtoolVerdict[] };
  live?: LiveObservations;
  now: Date;
}

export interface ObservabilityDetails {
  counts: { ruleFiles: number; alerts: number; recordingRules: number; slos: number; dashboards: number; panels: number };
  slos: SloVerdict[];
  red: RedRow[];
  docs: { kind: DocumentKind; path?: string; owner?: string; reviewedMs?: number; fresh: boolean; missingSections: string[] }[];
  telemetry: { logs: string[]; traces: string[] };
  /** How each check was proven: from the repository, or against the running systems. */
  verification: Partial<Record<ObservabilityCheckId, "static" | "live">>;
  promtool?: { version: string; files: number };
  /** Checks that failed or had nothing to check. */
  missing: string[];
  ignored: string[];
}

export interface ObservabilityEvaluation {
  checks: Check[];
  findings: Finding[];
  details: ObservabilityDetails;
}

/** What promtool said, without its "Checking" and "FAILED:" lines. */
function promtoolReason(output: string): string {
  const lines = output.split("\n").filter((line) => line.trim() && !/^Checking |^\s*(FAILED|SUCCESS)\b/.test(line));
  return lines.join(" ").trim() || "see promtool check rules";
}

/**
 * Decides the observability gate: rule files valid (the PromQL grammar,
 * and promtool where it is installed), SLOs alerted with the burn rates
 * their objectives need, alerts actionable, request metrics on dashboards
 * (the RED matrix), dashboards sound, runbook / rollback / incident
 * documents complete and fresh, logs structured and traces exported, and —
 * when asked — the same seen live in Prometheus and Grafana.
 */
export function evaluateObservability(settings: ObservabilitySettings, inputs: ObservabilityInputs): ObservabilityEvaluation {
  const { evidence } = inputs;
  const checks: Check[] = [];
  const findings: Finding[] = [];
  const verification: ObservabilityDetails["verification"] = {};
  const index = new RuleIndex(evidence.ruleFiles);
  const byCheck = (id: ObservabilityCheckId) =>
    [...evidence.findings, ...inputs.telemetry.findings].filter((entry) => entry.check === id).map((entry) => entry.finding);
  const record = (check: Check, found: readonly Finding[], how: "static" | "live" = "static") => {
    checks.push(check);
    findings.push(...found);
    verification[check.id as ObservabilityCheckId] = how;
  };

  // rules.valid
  const ruleFindings = byCheck("rules.valid");
  if (inputs.promtool) {
    for (const verdict of inputs.promtool.verdicts) {
      const ours = ruleFindings.some((finding) => finding.location?.path === verdict.path && finding.severity === "error");
      const lint = /lint error/i.test(verdict.output);
      if (!verdict.ok && !ours)
        ruleFindings.push({
          id: "promtool-rejects",
          severity: "error",
          message: `promtool ${inputs.promtool.version} rejects this file, which the PromQL grammar accepts: ${quoted(promtoolReason(verdict.output), 300)}`,
          location: { path: verdict.path },
        });
      else if (verdict.ok && ours)
        ruleFindings.push({
          id: "promtool-accepts",
          severity: "warning",
          message: `promtool ${inputs.promtool.version} accepts this file, which the PromQL grammar rejects: the grammar may know newer syntax than that Prometheus, so check the version you run`,
          location: { path: verdict.path },
        });
      else if (verdict.ok && lint)
        ruleFindings.push({
          id: "promtool-lint",
          severity: "notice",
          message: `promtool ${inputs.promtool.version}: ${verdict.output
            .split("\n")
            .find((line) => /lint error/i.test(line))
            ?.trim()}`,
          location: { path: verdict.path },
        });
    }
  }
  const ruleCount = index.alerts.length + index.records.length;
  // A rule file with no rules proves nothing: `groups: []` is no evidence.
  if (ruleCount === 0 && !ruleFindings.some((finding) => finding.severity !== "notice"))
    record(
      noDataCheck("rules.valid", "No Prometheus rule found: give gates.observability.files (rule files or PrometheusRule manifests).", settings.onNoData),
      ruleFindings,
    );
  else
    record(
      checkFromFindings(
        "rules.valid",
        ruleFindings,
        `${plural(evidence.ruleFiles.length, "rule file")}, ${plural(index.alerts.length, "alert")} and ${plural(index.records.length, "recording rule")}: all parse with the PromQL grammar${inputs.promtool ? `, and promtool ${inputs.promtool.version} agrees` : ""}.`,
        ruleFindings.filter((finding) => finding.severity === "error").length,
        0,
        "problems",
      ),
      ruleFindings,
    );

  // alerts.slo
  const defaultPeriodMs = parseDuration(settings.slo.period, "slo.period");
  const slos = evidence.slos.map((slo) => (slo.periodDeclared ? slo : { ...slo, periodMs: defaultPeriodMs }));
  const sloResult = checkSloAlerts(slos, evidence.windows, index, settings);
  const sloFindings = [...byCheck("alerts.slo"), ...sloResult.findings];
  // Without a spec there is no objective to check alerts against: burn-rate alerts alone prove nothing.
  if (slos.length === 0)
    record(
      noDataCheck(
        "alerts.slo",
        "No SLO spec found (Sloth prometheus/v1 or PrometheusServiceLevel, OpenSLO v1alpha or v1): the gate cannot tell which alerts the SLOs need.",
        settings.onNoData,
      ),
      sloFindings,
    );
  else {
    const covered = sloResult.slos.filter(
      (slo) => slo.windows.every((window) => window.status === "ok" || window.status === "long-only") && slo.alerts.length > 0,
    ).length;
    record(
      checkFromFindings(
        "alerts.slo",
        sloFindings,
        `${plural(slos.length, "SLO")}, each with burn-rate alerts for every window it needs, at thresholds that match its objective.`,
        `${covered} of ${slos.length} alerted`,
        "every SLO",
      ),
      sloFindings,
    );
  }

  // alerts.hygiene
  if (settings.alerts.severity !== "off") {
    const hygiene = checkAlertHygiene(index, {
      settings: settings.alerts,
      burnAlerts: sloResult.burnAlerts,
      repositoryUrls: inputs.repositoryUrls,
      files: inputs.files,
    });
    if (index.alerts.length === 0)
      record(noDataCheck("alerts.hygiene", "No alerting rule found: nothing pages anyone when the service breaks.", settings.onNoData), []);
    else
      record(
        checkFromFindings(
          "alerts.hygiene",
          hygiene,
          `${plural(index.alerts.length, "alert")}: each has a runbook that resolves, ${settings.alerts.annotations.join(" and ")}, a known severity${settings.alerts.requireFor ? " and `for:` where it thresholds" : ""}.`,
          hygiene.filter((finding) => finding.severity === "error").length,
          0,
          "problems",
        ),
        hygiene,
      );
  }

  // dashboards.red and dashboards.lint
  const red = checkRed(settings.requestMetrics, slos, index, evidence.dashboards);
  if (settings.dashboards.red !== "off") {
    const dashboardProblems = byCheck("dashboards.red");
    const signalFindings: Finding[] = red.missing.map((signal) => ({
      id: `red-${signal}-not-dashboarded`,
      severity: "error",
      message: `no dashboard panel shows the ${signal} of the request metrics (${red.rows.map((row) => row.metric).join(", ")})`,
    }));
    const redFindings = softened([...dashboardProblems, ...signalFindings, ...red.findings], settings.dashboards.red);
    if (red.rows.length === 0)
      record(
        noDataCheck(
          "dashboards.red",
          evidence.dashboards.length === 0
            ? "No Grafana dashboard and no request metric found: give the dashboards in gates.observability.files."
            : "No request metric found in the SLOs, rules or dashboards: name them in gates.observability.requestMetrics.",
          settings.onNoData,
        ),
        dashboardProblems,
      );
    else
      record(
        checkFromFindings(
          "dashboards.red",
          redFindings,
          `Rate, errors and duration of ${red.rows.map((row) => row.metric).join(", ")} are each on a dashboard.`,
          (["rate", "errors", "duration"] as const).filter((signal) => !red.missing.includes(signal)).join(", ") || "none",
          "rate, errors, duration",
        ),
        redFindings,
      );
  }
  const panels = evidence.dashboards.reduce((sum, dashboard) => sum + dashboard.panels.filter((panel) => panel.targets.length > 0).length, 0);
  // Without a panel that queries anything there is nothing to lint: dashboards.red says what is missing.
  if (settings.dashboards.lint !== "off" && panels > 0) {
    const lint = lintDashboards(evidence.dashboards, settings.dashboards.lint === "warn" ? "warning" : "error");
    record(
      checkFromFindings(
        "dashboards.lint",
        lint,
        `${plural(evidence.dashboards.length, "dashboard")}, ${plural(panels, "panel")}: titled, in fitting units, on a datasource variable, rates over $__rate_interval.`,
        lint.length,
        0,
        "problems",
      ),
      lint,
    );
  }

  // docs.*
  const docs: ObservabilityDetails["docs"] = [];
  for (const kind of ["runbook", "rollback", "incident"] as const) {
    const documentSettings = settings.docs[kind];
    if (documentSettings.severity === "off") continue;
    const verdict = checkDocument(kind, documentSettings, inputs.documents[kind], inputs.covered[kind], inputs.now.getTime());
    docs.push({
      kind,
      ...(verdict.path ? { path: verdict.path } : {}),
      ...(verdict.owner ? { owner: verdict.owner } : {}),
      ...(verdict.reviewedMs !== undefined ? { reviewedMs: verdict.reviewedMs } : {}),
      fresh: verdict.fresh,
      missingSections: verdict.missingSections,
    });
    const id = `docs.${kind}` as const;
    record(
      checkFromFindings(
        id,
        verdict.findings,
        `${verdict.path} has every required section, an owner${verdict.owner ? ` (${verdict.owner})` : ""}, and is fresh.`,
        verdict.path ?? "missing",
        "sections, owner, fresh",
      ),
      verdict.findings,
    );
  }

  // telemetry.*
  const collectors = [...new Map([...evidence.collectors, ...inputs.telemetry.collectors].map((config) => [config.path, config])).values()];
  const { environments, logging } = inputs.telemetry;
  const telemetry = { logs: [] as string[], traces: [] as string[] };
  if (settings.telemetry.traces !== "off") {
    const verdict = checkTraces(collectors, environments);
    const found = softened([...byCheck("telemetry.traces"), ...verdict.findings], settings.telemetry.traces);
    telemetry.traces = verdict.satisfied;
    if (collectors.length + environments.length === 0 && found.length === 0)
      record(
        noDataCheck(
          "telemetry.traces",
          "No tracing configuration named: give gates.observability.telemetry.collector (a Collector config) and/or sdkEnv (the service's OTEL_* environment).",
          settings.onNoData,
        ),
        [],
      );
    else
      record(
        checkFromFindings(
          "telemetry.traces",
          found,
          `Traces are exported: ${verdict.satisfied.join("; ")}.`,
          `${verdict.satisfied.length} of ${plural(collectors.length + environments.length, "source")}`,
          "every source exports",
        ),
        found,
      );
  }
  if (settings.telemetry.logs !== "off") {
    const verdict = checkLogs(logging, collectors, environments);
    const found = softened([...byCheck("telemetry.logs"), ...verdict.findings], settings.telemetry.logs);
    telemetry.logs = verdict.satisfied;
    if (verdict.satisfied.length === 0 && found.length === 0)
      record(
        noDataCheck(
          "telemetry.logs",
          "No logging configuration named: give gates.observability.telemetry.logging (log4j2.xml, logback.xml, logging.yaml…), or an OpenTelemetry logs pipeline.",
          settings.onNoData,
        ),
        [],
      );
    else
      record(
        checkFromFindings(
          "telemetry.logs",
          found,
          `Logs are structured: ${verdict.satisfied.join("; ")}.`,
          plural(verdict.satisfied.length, "structured source"),
          "structured",
        ),
        found,
      );
  }

  // live.*
  const live = inputs.live;
  if (live?.prometheus) {
    const loaded = checkLoadedRules(index, live.prometheus.rules, live.prometheus.url);
    record(
      checkFromFindings(
        "live.rules",
        loaded,
        `All ${plural(ruleCount, "committed rule")} are loaded and healthy in the Prometheus at ${live.prometheus.url}.`,
        loaded.length,
        0,
        "problems",
      ),
      loaded,
      "live",
    );
    const severity = settings.live.series === "warn" ? "warning" : "error";
    const series = settings.live.series === "off" ? [] : checkSeries(live.prometheus.series, live.prometheus.url, severity);
    record(
      checkFromFindings(
        "live.series",
        series,
        `Each of the ${plural(live.prometheus.series.size, "series selector")} the alerts and panels read matches series in the Prometheus at ${live.prometheus.url}.`,
        series.length,
        0,
        "missing",
      ),
      series,
      "live",
    );
  } else if (settings.live.required) {
    const message =
      "Live verification is required here, but no Prometheus address was given (prometheus-url, or live.prometheusUrl in the policy): the rules are proven only statically.";
    record({ id: "live.rules", status: "fail", measured: null, threshold: null, message }, []);
  }
  if (live?.grafana) {
    const deployed = checkDeployedDashboards(live.grafana.dashboards, live.grafana.url);
    record(
      checkFromFindings(
        "live.dashboards",
        deployed,
        `All ${plural(live.grafana.dashboards.length, "committed dashboard")} are deployed unchanged in the Grafana at ${live.grafana.url}.`,
        deployed.length,
        0,
        "problems",
      ),
      deployed,
      "live",
    );
  } else if (settings.live.required && evidence.dashboards.length > 0) {
    const message =
      "Live verification is required here, but no Grafana address was given (grafana-url, or live.grafanaUrl in the policy): the dashboards are proven only statically.";
    record({ id: "live.dashboards", status: "fail", measured: null, threshold: null, message }, []);
  }

  const details: ObservabilityDetails = {
    counts: {
      ruleFiles: evidence.ruleFiles.length,
      alerts: index.alerts.length,
      recordingRules: index.records.length,
      slos: slos.length,
      dashboards: evidence.dashboards.length,
      panels: evidence.dashboards.reduce((sum, dashboard) => sum + dashboard.panels.length, 0),
    },
    slos: sloResult.slos,
    red: red.rows,
    docs,
    telemetry,
    verification,
    ...(inputs.promtool ? { promtool: { version: inputs.promtool.version, files: inputs.promtool.verdicts.length } } : {}),
    missing: checks.filter((check) => check.status === "fail" || check.status === "no-data").map((check) => check.id),
    ignored: evidence.ignored,
  };
  return { checks, findings, details };
}
