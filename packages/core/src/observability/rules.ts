import * as z from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import type { Finding } from "../report/schema.js";
import type { YamlDocument } from "../yaml.js";
import { PromqlQuery, promDurationMs } from "./promql.js";

/** A rule of a Prometheus rule file, with where it is. */
export interface Rule {
  kind: "alert" | "record";
  /** The alert's name or the recorded metric. */
  name: string;
  expr: string;
  query: PromqlQuery;
  /** `for:` as written, and in milliseconds. */
  for?: string;
  forMs?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  group: string;
  path: string;
  line: number | undefined;
  /** Where the expression's text starts, so a syntax error names its own line. */
  exprLine: number | undefined;
}

export interface RuleFile {
  path: string;
  /** `prometheus` for a rule file, `prometheus-operator` for a PrometheusRule manifest. */
  format: "prometheus" | "prometheus-operator";
  rules: Rule[];
  /** The groups' text as Prometheus would load it, for promtool (a PrometheusRule's `spec`). */
  groupsDocument: unknown;
}

const PromDuration = z.string().refine((text) => promDurationMs(text) !== undefined, "a Prometheus duration such as 5m or 1h30m");
const LabelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Go's YAML reads `severity: 1` into a string field: numbers and booleans are label text too.
const LabelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Labels = z.record(z.string().regex(LabelName, "a label name (letters, digits and _, not starting with a digit)"), LabelValue);

const RuleNode = z
  .strictObject({
    record: z.string().regex(MetricName, "a metric name (letters, digits, _ and :)").optional(),
    alert: z.string().min(1).optional(),
    expr: z.union([z.string(), z.number()]).transform(String),
    for: PromDuration.optional(),
    keep_firing_for: PromDuration.optional(),
    labels: Labels.optional(),
    annotations: z.record(z.string(), LabelValue).optional(),
  })
  .refine((rule) => (rule.record === undefined) !== (rule.alert === undefined), "exactly one of record or alert")
  .refine((rule) => rule.alert !== undefined || (rule.for === undefined && rule.annotations === undefined), "for and annotations only on alerting rules");

const RuleGroup = z.strictObject({
  name: z.string().min(1),
  interval: PromDuration.optional(),
  query_offset: PromDuration.optional(),
  limit: z.number().int().min(0).optional(),
  labels: Labels.optional(),
  rules: z.array(RuleNode).nullable().default([]),
});

const RuleGroups = z.strictObject({ groups: z.array(RuleGroup).nullable().default([]) });

type RuleGroups = z.infer<typeof RuleGroups>;

/** A finding about the rule files, for `rules.valid`. */
function invalid(id: string, message: string, path: string, line: number | undefined): Finding {
  return { id, severity: "error", message, location: { path, ...(line ? { startLine: line } : {}) } };
}

/**
 * A rule file (`groups:`) or a PrometheusRule manifest (`spec.groups`) read
 * as Prometheus loads it: the file's shape, each group's name once, each
 * expression through the PromQL grammar. What is wrong is returned as
 * findings (a broken rule file is what this gate exists to catch), with the
 * line; what is right is returned as rules.
 */
export function readRuleDocument(document: YamlDocument, format: RuleFile["format"]): { file: RuleFile; findings: Finding[] } {
  const path = document.source;
  const prefix = format === "prometheus-operator" ? ["spec"] : [];
  const data = format === "prometheus-operator" ? (document.value as { spec?: unknown }).spec : document.value;
  let groups: RuleGroups;
  try {
    groups = document.validate(RuleGroups, data, prefix);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return { file: { path, format, rules: [], groupsDocument: data }, findings: [invalid("rule-file-invalid", error.detail, path, error.line)] };
  }
  const findings: Finding[] = [];
  const rules: Rule[] = [];
  const groupNames = new Set<string>();
  (groups.groups ?? []).forEach((group, groupIndex) => {
    const groupPath = [...prefix, "groups", groupIndex];
    if (groupNames.has(group.name))
      findings.push(
        invalid(
          "rule-group-repeated",
          `group ${quoted(group.name)} is defined twice in this file (Prometheus refuses the file)`,
          path,
          document.lineOf(groupPath),
        ),
      );
    groupNames.add(group.name);
    (group.rules ?? []).forEach((node, ruleIndex) => {
      const rulePath = [...groupPath, "rules", ruleIndex];
      const name = (node.alert ?? node.record) as string;
      const exprLine = document.textLineOf([...rulePath, "expr"]);
      const query = new PromqlQuery(node.expr);
      if (query.error) {
        const line = exprLine === undefined ? undefined : exprLine + node.expr.slice(0, query.error.offset).split("\n").length - 1;
        findings.push(invalid("promql-invalid", `${node.alert ? "alert" : "recording rule"} ${quoted(name)}: ${query.error.message}`, path, line));
        return;
      }
      rules.push({
        kind: node.alert ? "alert" : "record",
        name,
        expr: node.expr,
        query,
        ...(node.for ? { for: node.for, forMs: promDurationMs(node.for) } : {}),
        labels: { ...group.labels, ...node.labels },
        annotations: node.annotations ?? {},
        group: group.name,
        path,
        line: document.lineOf(rulePath),
        exprLine,
      });
    });
  });
  return { file: { path, format, rules, groupsDocument: data }, findings };
}
