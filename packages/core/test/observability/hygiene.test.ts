import { describe, expect, it } from "vitest";
import { checkSloAlerts } from "../../src/observability/burn.js";
import { checkAlertHygiene } from "../../src/observability/hygiene.js";
import { RuleIndex } from "../../src/observability/rule-index.js";
import { ObservabilitySettings } from "../../src/observability/settings.js";
import { corpus, countLines, evidenceOf } from "./support.js";

function hygiene(files: { path: string; text: string }[], policy: object = {}, repository: Record<string, string> = {}, repositoryUrls: string[] = []) {
  const settings = ObservabilitySettings.parse(policy);
  const evidence = evidenceOf(...files);
  const index = new RuleIndex(evidence.ruleFiles);
  const { burnAlerts } = checkSloAlerts(evidence.slos, evidence.windows, index, settings);
  return checkAlertHygiene(index, { settings: settings.alerts, burnAlerts, repositoryUrls, files: { read: (path) => repository[path] } });
}

function ids(findings: { id: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.id] = (counts[finding.id] ?? 0) + 1;
  return counts;
}

describe("alerts.hygiene on the mixins", () => {
  it("node-exporter: no alert has a runbook (26 alerts, counted from the text); the three without for: are named", () => {
    const file = corpus("prometheus-rules/node-exporter-mixin.alerts.yaml");
    const findings = hygiene([file]);
    expect(ids(findings)["alert-no-runbook"]).toBe(countLines(file.text, /^\s*-?\s*alert:/));
    expect(ids(findings)["alert-no-runbook"]).toBe(26);
    const withoutFor = findings.filter((finding) => finding.id === "alert-no-for").map((finding) => finding.message.split('"')[1]);
    expect(withoutFor).toEqual(["NodeHighNumberConntrackEntriesUsed", "NodeTextFileCollectorScrapeError", "NodeRAIDDiskFailure"]);
  });

  it("kubernetes: every alert links a runbook in the mixin's repository, accepted once that prefix is allowed", () => {
    const file = corpus("prometheus-rules/kubernetes-mixin.alerts.yaml");
    expect(ids(hygiene([file]))["alert-runbook-outside"]).toBe(countLines(file.text, /runbook_url:/));
    const allowed = hygiene([file], { alerts: { runbookUrlPrefixes: ["https://github.com/kubernetes-monitoring/kubernetes-mixin/"] } });
    expect(allowed.filter((finding) => finding.id.startsWith("alert-runbook"))).toEqual([]);
    // Burn-rate alerts need no `for:`; the mixin's threshold alerts without one are named.
    expect(allowed.filter((finding) => finding.id === "alert-no-for").map((finding) => finding.message.split('"')[1])).toEqual([
      "KubeJobNotCompleted",
      "KubeNodeEviction",
      "KubeletClientCertificateExpiration",
      "KubeletClientCertificateExpiration",
      "KubeletServerCertificateExpiration",
      "KubeletServerCertificateExpiration",
    ]);
  });

  it("Sloth's generated alerts: burn-rate alerts (no for: needed), but no description and severities outside the default set", () => {
    const findings = hygiene([corpus("slo/sloth-getting-started.generated-rules.yml")]);
    expect(ids(findings)).toEqual({ "alert-no-runbook": 2, "alert-annotations-missing": 2, "alert-severity": 2 });
    expect(findings.find((finding) => finding.id === "alert-severity")?.message).toBe(
      'alert "MyServiceHighErrorRate" has severity "pageteam"; expected one of critical, warning, info (alerts.severities)',
    );
  });
});

describe("alerts.hygiene rules", () => {
  const rules = (body: string) => [{ path: "monitoring/rules/api.yml", text: `groups:\n  - name: api\n    rules:\n${body}` }];
  const alert = (extra = "", name = "ApiErrors", labels = "severity: critical") =>
    `      - alert: ${name}\n        expr: sum(rate(http_requests_total{code=~"5.."}[5m])) > 1\n        for: 5m\n        labels: { ${labels} }\n        annotations:\n          summary: API errors\n          description: The API answers 5xx.\n${extra}`;

  it("a runbook link into the repository resolves to the file and its heading, relative or by the repository's URL", () => {
    const repository = { "docs/runbook.md": "# Runbook\n\n## API errors\n\nDo this.\n" };
    const url = "https://github.com/acme/api";
    expect(hygiene(rules(alert("          runbook_url: ../../../docs/runbook.md#api-errors\n")), {}, repository)).toEqual([]);
    expect(hygiene(rules(alert(`          runbook_url: ${url}/blob/main/docs/runbook.md#api-errors\n`)), {}, repository, [url])).toEqual([]);
    const missingAnchor = hygiene(rules(alert(`          runbook_url: ${url}/blob/main/docs/runbook.md#latency\n`)), {}, repository, [url]);
    expect(missingAnchor.map((finding) => finding.message)).toEqual([
      'alert "ApiErrors": runbook_url points at #latency, which is no heading of docs/runbook.md',
    ]);
    const missingFile = hygiene(rules(alert("          runbook_url: /docs/missing.md\n")), {}, repository);
    expect(missingFile.map((finding) => finding.id)).toEqual(["alert-runbook-missing"]);
  });

  it("$value in a label, rate() of a gauge, and two alerts no label tells apart", () => {
    const body =
      alert("          runbook_url: https://runbooks.example.com/api\n", "ApiErrors", 'severity: critical, value: "{{ $value }}"') +
      "      - alert: QueueDepth\n        expr: rate(queue_depth[5m]) > 10\n        for: 5m\n        labels: { severity: warning }\n        annotations: { summary: s, description: d, runbook_url: https://runbooks.example.com/q }\n" +
      alert("          runbook_url: https://runbooks.example.com/api\n", "ApiErrors", 'severity: critical, value: "{{ $value }}"');
    const findings = hygiene(rules(body), { alerts: { runbookUrlPrefixes: ["https://runbooks.example.com/"] } });
    expect(findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ["alert-value-in-labels", "error"],
      ["alert-value-in-labels", "error"],
      ["rate-on-non-counter", "warning"],
      ["alert-duplicate", "error"],
    ]);
    expect(findings[3]?.message).toMatch(/^alert "ApiErrors" is defined again with the same labels as at monitoring\/rules\/api\.yml:4/);
  });

  it("warn makes the findings warnings; off turns the check off", () => {
    expect(hygiene(rules(alert()), { alerts: { severity: "warn" } }).map((finding) => finding.severity)).toEqual(["warning"]);
    expect(hygiene(rules(alert()), { alerts: { severity: "off" } })).toEqual([]);
  });
});
