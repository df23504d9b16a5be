import { describe, expect, it } from "vitest";
import { corpus, countLines, evidenceOf } from "./support.js";

const RULE_FILES = [
  "prometheus-rules/alertmanager-mixin.alerts.yaml",
  "prometheus-rules/kubernetes-mixin.alerts.yaml",
  "prometheus-rules/kubernetes-mixin.rules.yaml",
  "prometheus-rules/node-exporter-mixin.alerts.yaml",
  "slo/sloth-getting-started.generated-rules.yml",
];

describe("Prometheus rule files", () => {
  it.each(RULE_FILES)("%s: every rule read, counted independently from the text, and every expression parses", (name) => {
    const file = corpus(name);
    const evidence = evidenceOf(file);
    const rules = evidence.ruleFiles.flatMap((ruleFile) => ruleFile.rules);
    expect(evidence.findings).toEqual([]);
    expect(rules.filter((rule) => rule.kind === "alert")).toHaveLength(countLines(file.text, /^\s*-?\s*alert:/));
    expect(rules.filter((rule) => rule.kind === "record")).toHaveLength(countLines(file.text, /^\s*-?\s*record:/));
    for (const rule of rules) expect(rule.query.error, `${rule.name}: ${rule.expr}`).toBeUndefined();
  });

  it("keeps each rule's line, labels and annotations", () => {
    const evidence = evidenceOf(corpus("prometheus-rules/kubernetes-mixin.alerts.yaml"));
    const burn = evidence.ruleFiles[0]?.rules.find((rule) => rule.name === "KubeAPIErrorBudgetBurn");
    expect(burn).toMatchObject({
      line: 627,
      group: "kube-apiserver-slos",
      for: "2m",
      forMs: 120_000,
      labels: { long: "1h", short: "5m", severity: "critical" },
    });
    expect(burn?.annotations.runbook_url).toBe(
      "https://github.com/kubernetes-monitoring/kubernetes-mixin/tree/master/runbook.md#alert-name-kubeapierrorbudgetburn",
    );
    expect(burn?.exprLine).toBe(633);
  });

  it("reads a PrometheusRule manifest's spec.groups, among other documents of the stream", () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: api\nspec:\n  groups:\n    - name: api\n      rules:\n        - alert: ApiDown\n          expr: up{job="api"} == 0\n          for: 5m\n`;
    const evidence = evidenceOf({ path: "deploy/rules.yaml", text });
    expect(evidence.ruleFiles).toHaveLength(1);
    expect(evidence.ruleFiles[0]).toMatchObject({ format: "prometheus-operator", path: "deploy/rules.yaml" });
    expect(evidence.ruleFiles[0]?.rules[0]).toMatchObject({ name: "ApiDown", line: 13, forMs: 300_000 });
  });

  it("reports what Prometheus would refuse, each with its line", () => {
    const text = [
      "groups:",
      "  - name: api",
      "    rules:",
      "      - alert: Broken",
      "        expr: |",
      "          sum(rate(x_total[5m]))",
      "            > bool",
      "      - record: job:x:rate5m",
      "        expr: sum(rate(x_total[5m]))",
      "  - name: api",
      "    rules: []",
    ].join("\n");
    const evidence = evidenceOf({ path: "rules/api.yml", text });
    expect(evidence.findings.map(({ check, finding }) => [check, finding.id, finding.location?.startLine])).toEqual([
      ["rules.valid", "promql-invalid", 7],
      ["rules.valid", "rule-group-repeated", 10],
    ]);
    expect(evidence.findings[0]?.finding.message).toMatch(/^alert "Broken": expected valid PromQL, found it ends too early/);
    expect(evidence.ruleFiles[0]?.rules.map((rule) => rule.name)).toEqual(["job:x:rate5m"]);
  });

  it("refuses a file's shape in one sentence with the line: unknown keys, alert and record together, a bad duration", () => {
    const check = (text: string) =>
      evidenceOf({ path: "rules.yml", text }).findings.map(({ finding }) => [finding.id, finding.location?.startLine, finding.message]);
    expect(check("groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        severity: page\n")).toEqual([
      ["rule-file-invalid", 4, 'groups[0].rules[0]: expected only known keys, found unknown key "severity"'],
    ]);
    expect(check("groups:\n  - name: a\n    rules:\n      - alert: A\n        record: a\n        expr: up\n")[0]?.[2]).toMatch(
      /exactly one of record or alert/,
    );
    expect(check("groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        for: 5 minutes\n")[0]?.[2]).toMatch(
      /groups\[0\]\.rules\[0\]\.for: expected a Prometheus duration/,
    );
    expect(check("groups:\n  - name: a\n    rules:\n      - record: not a name\n        expr: up\n")[0]?.[2]).toMatch(/expected a metric name/);
  });

  it("a file that is not YAML is a finding against rules.valid, naming the line", () => {
    const evidence = evidenceOf({ path: "monitoring/broken.yml", text: "groups:\n  - name: [unclosed\n" });
    expect(evidence.findings[0]).toMatchObject({
      check: "rules.valid",
      finding: { id: "evidence-unreadable", severity: "error", location: { path: "monitoring/broken.yml" } },
    });
  });

  it("ignores YAML that is no monitoring evidence, and lists it", () => {
    const evidence = evidenceOf({ path: "monitoring/values.yaml", text: "replicas: 3\nimage: api:1.2\n" });
    expect(evidence.ignored).toEqual(["monitoring/values.yaml"]);
    expect(evidence.findings).toEqual([]);
  });
});
