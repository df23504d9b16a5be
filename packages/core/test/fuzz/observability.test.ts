import { readdirSync } from "node:fs";
import { fixture, fixturePath } from "@release-gates/test-helpers/fixtures";
import { anyBytesAsText, anyText, FUZZ_TIMEOUT_MS, fuzzParameters, mutationsOf, onlyOwnErrors, printFuzzStats } from "@release-gates/test-helpers/fuzz";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors.js";
import { markdownAnchors, markdownHeadings } from "../../src/observability/docs.js";
import { evaluateObservability } from "../../src/observability/evaluate.js";
import { EvidenceReader } from "../../src/observability/evidence.js";
import { PromqlQuery } from "../../src/observability/promql.js";
import { ObservabilitySettings } from "../../src/observability/settings.js";
import { parseCollectorConfig, parseSdkEnvironment } from "../../src/observability/telemetry.js";

const isOwnError = (error: unknown) => error instanceof ConfigurationError;
const nothingThrows = () => false;
afterAll(printFuzzStats);

const folder = (path: string) => readdirSync(fixturePath(`observability/${path}`)).map((name) => fixture(`observability/${path}/${name}`));
const RULES = folder("prometheus-rules").map((text) => text.slice(0, 20_000));
const SLOS = folder("slo");
const DASHBOARDS = folder("grafana-dashboards").map((text) => text.slice(0, 20_000));
const EXPRESSIONS = [
  "sum by (cluster) (apiserver_request:burnrate1h) > (14.40 * 0.01000) and on(cluster) sum by(cluster) (apiserver_request:burnrate5m) > (14.40 * 0.01000)",
  'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
  'max(slo:sli_error:ratio_rate5m{sloth_id="x"} > (14.4 * 0.001)) without (sloth_window)',
  '{"http.server.request.duration", code=~"5.."} offset 5m @ 100',
];
const settings = ObservabilitySettings.parse({});

/** What reading a monitoring file, then deciding on it, may do: never throw, never pass without evidence. */
function readAndDecide(path: string, text: string) {
  const reader = new EvidenceReader();
  reader.add(path, text);
  const evidence = reader.finish();
  const evaluation = evaluateObservability(settings, {
    evidence,
    documents: {},
    covered: {},
    telemetry: { collectors: [], environments: [], logging: [], findings: [] },
    repositoryUrls: [],
    files: { read: () => undefined },
    now: new Date("2026-11-29T00:00:00Z"),
  });
  const passed = new Set(evaluation.checks.filter((check) => check.status === "pass").map((check) => check.id));
  const rules = evidence.ruleFiles.reduce((sum, file) => sum + file.rules.length, 0);
  if (passed.has("rules.valid")) expect(rules, "rules.valid passed without a rule").toBeGreaterThan(0);
  if (passed.has("alerts.slo")) expect(evidence.slos.length, "alerts.slo passed without an SLO").toBeGreaterThan(0);
  if (passed.has("alerts.hygiene")) expect(evidence.ruleFiles.some((file) => file.rules.some((rule) => rule.kind === "alert"))).toBe(true);
  if (passed.has("dashboards.red")) expect(evidence.dashboards.length, "dashboards.red passed without a dashboard").toBeGreaterThan(0);
  for (const id of ["docs.runbook", "docs.rollback", "docs.incident", "telemetry.logs", "telemetry.traces"])
    expect(passed.has(id), `${id} passed with no document`).toBe(false);
  return evaluation;
}

describe("observability inputs, fuzzed: only our own errors, never a pass without evidence", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it.each([
    ["a rule file", "monitoring/rules.yml", RULES],
    ["an SLO spec", "monitoring/slo.yml", SLOS],
    ["a dashboard", "monitoring/dashboard.json", DASHBOARDS],
  ])("%s: arbitrary bytes and mutations of real files become findings, not exceptions", (name, path, corpus) => {
    fc.assert(
      fc.property(fc.oneof(anyBytesAsText, mutationsOf(...corpus)), (text) => {
        onlyOwnErrors(`${name}: read and decide`, nothingThrows, () => readAndDecide(path, text), text.length);
      }),
      fuzzParameters(),
    );
  });

  it("PromQL: any text parses to a query or a syntax error, and every question about it is answered", () => {
    fc.assert(
      fc.property(
        fc.oneof(anyText, mutationsOf(...EXPRESSIONS)),
        fc.constantFrom("prometheus", "grafana", "sloth") as fc.Arbitrary<"prometheus" | "grafana" | "sloth">,
        (text, dialect) => {
          onlyOwnErrors(
            "PromQL",
            nothingThrows,
            () => {
              const query = new PromqlQuery(text, dialect);
              if (query.error) expect(query.error.message).toMatch(/^expected /);
              query.selectors();
              query.comparisons();
              query.conjunctions();
              query.functions();
              query.dividesSeries();
              for (const comparison of query.comparisons()) expect(typeof comparison.threshold).toBe("number");
            },
            text.length,
          );
        },
      ),
      fuzzParameters(),
    );
  });

  it("a Collector config and an SDK environment: only our own errors", () => {
    const collector =
      "receivers:\n  otlp: {}\nexporters:\n  otlphttp: {endpoint: x}\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [otlphttp]}\n";
    fc.assert(
      fc.property(fc.oneof(anyBytesAsText, mutationsOf(collector)), (text) => {
        onlyOwnErrors("collector", isOwnError, () => parseCollectorConfig(text, "collector.yaml"), text.length);
      }),
      fuzzParameters(),
    );
    fc.assert(
      fc.property(fc.oneof(anyBytesAsText, mutationsOf("OTEL_SERVICE_NAME=a\nOTEL_TRACES_SAMPLER_ARG=0.5\n")), (text) => {
        onlyOwnErrors("dotenv", isOwnError, () => parseSdkEnvironment(text, ".env"), text.length);
        onlyOwnErrors("env manifest", isOwnError, () => parseSdkEnvironment(text, "deploy.yaml"), text.length);
      }),
      fuzzParameters(),
    );
  });

  it("Markdown documents: headings and anchors of any text", () => {
    fc.assert(
      fc.property(fc.oneof(anyBytesAsText, mutationsOf("---\nowner: x\n---\n# Runbook\n\n## Detection\n\n```\n# no\n```\n\nEscalation\n---\n")), (text) => {
        onlyOwnErrors("markdown", nothingThrows, () => [markdownHeadings(text), markdownAnchors(text)], text.length);
      }),
      fuzzParameters(),
    );
  });
});
