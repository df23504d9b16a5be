import { fixture } from "@release-gates/test-helpers/fixtures";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.js";
import { evaluatePerf, type PerfRun } from "../src/perf/evaluate.js";
import { compare, parseMetricSelector, parseThresholdExpression } from "../src/perf/expression.js";
import { renderLoadPerformance } from "../src/perf/render.js";
import { parseResourceSamples } from "../src/perf/resources.js";
import { createK6ResultsParser, type K6Results } from "../src/perf/results.js";
import { PerfSettings } from "../src/perf/settings.js";
import { k6Percentile, mannWhitney, normalCdf } from "../src/perf/stats.js";
import { parseK6Summary } from "../src/perf/summary.js";
import { buildReport } from "../src/report/build.js";

const summary = (name: string) => parseK6Summary(fixture(`perf/k6-summary/${name}`));
const results = (text: string, selectors: string[] = []): K6Results => {
  const parser = createK6ResultsParser(selectors.map((selector) => parseMetricSelector(selector)));
  parser.write(text);
  return parser.end();
};

function decide(run: PerfRun, settings: Record<string, unknown> = {}, extra: Partial<Parameters<typeof evaluatePerf>[0]> = {}) {
  const parsed = PerfSettings.parse(settings);
  const evaluation = evaluatePerf({ settings: parsed, run, sources: {}, ...extra });
  const report = expectValidReport(
    buildReport({
      gate: "perf-gate",
      subject: [{ name: "x", digest: { gitCommit: "a".repeat(40) } }],
      ...evaluation,
      details: evaluation.details as unknown as Record<string, unknown>,
      inputs: [],
      policy: parsed,
      startedAt: new Date(0),
      finishedAt: new Date(1),
    }),
  );
  return { ...evaluation, report, check: (id: string) => evaluation.checks.find((check) => check.id === id) };
}

describe("k6 threshold expressions (k6's BNF)", () => {
  it.each([
    ["p(95)<500", { aggregation: "p", percentile: 95, operator: "<", value: 500 }],
    ["p(99.9) <= 1500.5", { aggregation: "p", percentile: 99.9, operator: "<=", value: 1500.5 }],
    ["med <= 2", { aggregation: "med", operator: "<=", value: 2 }],
    ["rate >= 0.8", { aggregation: "rate", operator: ">=", value: 0.8 }],
    ["count===100", { aggregation: "count", operator: "===", value: 100 }],
    ["value!=0", { aggregation: "value", operator: "!=", value: 0 }],
    ["avg>1", { aggregation: "avg", operator: ">", value: 1 }],
    ["min==0", { aggregation: "min", operator: "==", value: 0 }],
    ["max<1000", { aggregation: "max", operator: "<", value: 1000 }],
  ])("%s", (source, expected) => {
    expect(parseThresholdExpression(source)).toMatchObject(expected);
  });

  it.each([
    ["p95<500", /percentiles are written p\(95\)/],
    ["rate<1%", /rates are fractions/],
    ["mean<5", /expected a k6 threshold/],
    ["p(95)=>5", /found "p\(95\)=>5"/],
    ["p(95)<-1", /found "p\(95\)<-1"/],
    ["p(101)<5", /expected a percentile from 0 to 100/],
  ])("%j is refused with a clear sentence", (source, message) => {
    expect(() => parseThresholdExpression(source, "--threshold")).toThrow(message);
  });

  it("operators compare as k6 does", () => {
    expect([
      compare(1, "<", 2),
      compare(2, "<=", 2),
      compare(3, ">", 2),
      compare(2, ">=", 2),
      compare(2, "==", 2),
      compare(2, "===", 2),
      compare(1, "!=", 2),
    ]).toEqual([true, true, true, true, true, true, true]);
  });

  it("metric selectors normalise tag filters, with quotes and spaces as k6 allows", () => {
    expect(parseMetricSelector("http_req_duration{ name : 'login', method:GET }")).toEqual({
      key: "http_req_duration{method:GET,name:login}",
      metric: "http_req_duration",
      tags: { name: "login", method: "GET" },
    });
    expect(parseMetricSelector("checks{step:Course Library Podcast2 API}").tags).toEqual({ step: "Course Library Podcast2 API" });
    expect(() => parseMetricSelector("http_req_duration{name}")).toThrow(/key:value pairs/);
  });
});

describe("statistics", () => {
  it("percentiles interpolate like k6's TrendSink (rank p·(n−1))", () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // By hand: rank 0.95·9 = 8.55 → 9 + 0.55·(10−9) = 9.55; rank 0.5·9 = 4.5 → 5.5; rank 0.9·9 = 8.1 → 9.1.
    expect(
      [k6Percentile(values, 0.95), k6Percentile(values, 0.5), k6Percentile(values, 0.9), k6Percentile(values, 0), k6Percentile(values, 1)].map(
        (value) => Math.round(value * 1e9) / 1e9,
      ),
    ).toEqual([9.55, 5.5, 9.1, 1, 10]);
    expect(k6Percentile(Float64Array.from([42]), 0.95)).toBe(42);
    expect(k6Percentile(new Float64Array(0), 0.95)).toBe(0);
  });

  it("the normal CDF matches the tables", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-2.326348)).toBeCloseTo(0.01, 6);
  });

  it("Mann-Whitney U matches the reference asymptotic p-value", () => {
    // scipy.stats.mannwhitneyu([6..10], [1..5], alternative="greater", method="asymptotic") gives p = 0.00609:
    // U = 25, mean 12.5, variance 5·5·11/12, z = (25 − 12.5 − 0.5)/4.787 = 2.507.
    const result = mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(result.u).toBe(25);
    expect(result.z).toBeCloseTo(2.5067, 3);
    expect(result.pGreater).toBeCloseTo(0.00609, 4);
    expect(result.effect).toBe(1);
    // All ties: no evidence either way.
    expect(mannWhitney([3, 3, 3], [3, 3, 3])).toMatchObject({ u: 4.5, z: 0, effect: 0.5 });
  });
});

describe("k6 summaries from the corpus, in all three shapes", () => {
  it("legacy --summary-export: types inferred, a rate's value is its rate, 700 of 700 requests failed", () => {
    const sap = summary("sap-samples-cloud-cap-samples.load-performance.summary-export-legacy.json");
    expect(sap.shape).toBe("summary-export");
    expect(sap.metrics.get("http_req_failed")).toMatchObject({ type: "rate", values: { passes: 700, rate: 1 } });
    expect(sap.metrics.get("http_req_duration")?.type).toBe("trend");
    expect(sap.metrics.get("vus")).toMatchObject({ type: "gauge", values: { max: 100 } });
  });

  it("a run where every request failed and no threshold was set cannot pass: the default threshold catches it", () => {
    const { check, report } = decide({ summary: summary("sap-samples-cloud-cap-samples.load-performance.summary-export-legacy.json") });
    expect(check("threshold:http_req_failed:rate<0.01")).toMatchObject({ status: "fail", measured: 1 });
    expect(report.predicate.status).toBe("fail");
  });

  it("custom summaryTrendStats: p(95) is absent, so a p(95) threshold is no-data that says why", () => {
    const { check } = decide(
      { summary: summary("andreposman-qr-code-generator.summary-export-legacy.json") },
      { thresholds: { http_req_duration: "p(95)<500", "http_req_duration{expected_response:true}": "p(99)<400" } },
    );
    expect(check("threshold:http_req_duration:p(95)<500")).toMatchObject({ status: "no-data", onNoData: "fail" });
    expect(check("threshold:http_req_duration:p(95)<500")?.message).toMatch(
      /has no p\(95\) for this metric \(it has .*p\(99\.9\).*\): add it to summaryTrendStats/,
    );
    expect(check("threshold:http_req_duration{expected_response:true}:p(99)<400")).toMatchObject({ status: "pass", measured: 348.649, unit: "ms" });
  });

  it("handleSummary data: k6's failed verdict is honoured", () => {
    const grpc = summary("benc-uk-k6-reporter.tests-data-grpc.handlesummary-data.json");
    expect(grpc.shape).toBe("handle-summary");
    const { check } = decide({ summary: grpc });
    expect(check("threshold:fake_rate:rate>=0.8")).toMatchObject({ status: "fail", measured: 0.5 });
    expect(check("threshold:grpc_req_duration:med<=2")?.status).toBeDefined();
  });

  it("submetric thresholds with zero samples that k6 called ok are no-data here (grafana/k6#4283)", () => {
    const { check, report } = decide({ summary: summary("mn1809-K6PerformanceTesting.k6-summary.handlesummary-data.TRIMMED-REDACTED.json") });
    const vacuous = check("threshold:checks{step:Course Library Podcast2 API}:rate>0.95");
    expect(vacuous).toMatchObject({ status: "no-data", onNoData: "fail" });
    expect(vacuous?.message).toMatch(/k6 reported it as passed, but a threshold on a metric without samples proves nothing/);
    expect(report.predicate.status).toBe("fail");
  });

  it("the machine-readable summary (metrics grouped by category) is read, with its duration", () => {
    const draft = summary("grafana-k6-summary.examples-v1.example-summary-v1-basic.machine-readable-draft.json");
    expect(draft.shape).toBe("machine-readable");
    expect(draft.durationMs).toBe(60_000);
    expect(draft.metrics.get("http_req_duration")?.values["p(95)"]).toBe(421.32);
    expect(draft.metrics.get("http_reqs")?.values.count).toBe(1500);
  });

  it("checks at exactly 99 % miss the default checks > 99 %", () => {
    const { check } = decide({ summary: summary("itzaddddd-ticket-reserve.summary-export-legacy.json") });
    expect(check("threshold:checks:rate>0.99")).toMatchObject({ status: "fail", measured: 0.99 });
  });

  it.each([
    [
      '{"metrics": {"http_reqs": {"type": "counter", "values": {"count": "many"}}}}',
      /^k6 handleSummary data: metrics\.http_reqs\.values\.count: expected .*found string "many"/,
    ],
    ['{"metrics": {"http_reqs": {"type": "histogram", "values": {}}}}', /metrics\.http_reqs\.type: expected one of "trend"\|"rate"\|"counter"\|"gauge"/],
    ['{"metrics": {"http_req_duration": {"avg": 1, "p(95)": 2', /truncated file/],
  ])("bad summary %# is one sentence naming the field", (text, message) => {
    expect(() => parseK6Summary(text)).toThrow(message);
  });

  it('NaN stats (null or "NaN") are treated as missing, not as numbers', () => {
    const parsed = parseK6Summary(
      '{"metrics": {"http_req_duration": {"type": "trend", "contains": "time", "values": {"avg": null, "p(95)": "NaN", "max": 3}}}}',
    );
    expect(parsed.metrics.get("http_req_duration")?.values).toEqual({ max: 3 });
  });
});

describe("k6 NDJSON results from the corpus", () => {
  // Expected values computed with an independent Python script over the same lines.
  it("aggregates points per metric, tracks declared submetrics and the run's duration", () => {
    const kirill = results(fixture("perf/k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson"));
    expect(kirill.metrics.get("http_req_duration")?.count).toBe(2);
    expect(kirill.metrics.get("http_req_duration")?.aggregate("p", 95, undefined)).toBeCloseTo(13525.49886, 5);
    expect(kirill.metrics.get("http_req_duration{expected_response:true}")?.count).toBe(2);
    expect(kirill.metrics.get("vus")?.count).toBe(16);
    expect(kirill.metrics.get("vus_max")?.max).toBe(11);
    expect(kirill.metrics.get("data_received")?.sum).toBe(275);
    expect(kirill.metrics.get("http_req_failed")?.aggregate("rate", undefined, undefined)).toBe(0);
    expect((kirill.endMs ?? 0) - (kirill.startMs ?? 0)).toBe(16161);
    expect(kirill.truncated).toBe(false);
  });

  it("lines in k6's own layout (read without JSON.parse) and in any other key order give the same aggregates", () => {
    const text = fixture("perf/k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson");
    const reordered = text
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const { metric, type, data } = JSON.parse(line);
        return JSON.stringify(type === "Point" ? { type, data: { tags: data.tags, value: data.value, time: data.time }, metric } : { metric, type, data });
      })
      .join("\n");
    const summarise = (run: K6Results) => [...run.metrics].map(([name, samples]) => [name, samples.count, samples.sum, samples.max]);
    expect(summarise(results(reordered, ["http_req_duration{scenario:main}"]))).toEqual(summarise(results(text, ["http_req_duration{scenario:main}"])));
    expect(results(text, ["http_req_duration{scenario:main}"]).metrics.get("http_req_duration{scenario:main}")?.count).toBeGreaterThan(0);
  });

  it("policy submetrics are tracked from the samples' tags", () => {
    const run = results(fixture("perf/k6-ndjson/Vocalforlocals-Karighar.k6-output.HEAD-32-lines.ndjson"), [
      "http_req_duration{status:200}",
      "http_req_duration{status:500}",
    ]);
    expect(run.metrics.get("http_req_duration{status:200}")?.count).toBe(1);
    expect(run.metrics.get("http_req_duration{status:500}")?.count).toBe(0);
    const { check } = decide({ results: run }, { thresholds: { "http_req_duration{status:500}": "p(95)<200", "http_req_duration{status:200}": "p(95)<200" } });
    expect(check("threshold:http_req_duration{status:200}:p(95)<200")).toMatchObject({ status: "pass", measured: 111.299 });
    expect(check("threshold:http_req_duration{status:500}:p(95)<200")).toMatchObject({ status: "no-data" });
  });

  it("a last line cut off mid-write marks the results truncated, which fails the gate", () => {
    const text = fixture("perf/k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson");
    const run = results(text.slice(0, text.length - 40));
    expect(run.truncated).toBe(true);
    expect(decide({ results: run }).check("results.complete")).toMatchObject({ status: "fail" });
  });

  it.each([
    [
      '{"type":"Metric","data":{"name":"x","type":"trend"}}\nnot json\n{"type":"Point","metric":"x","data":{"value":1}}\n',
      /^line 2: expected one JSON object per line/,
    ],
    ['{"type":"Point","metric":"x","data":{"value":1}}\n', /^line 1: expected a Metric line declaring "x" before its first Point/],
    [
      '{"type":"Metric","data":{"name":"x","type":"trend"}}\n{"type":"Point","metric":"x","data":{"value":"NaN"}}\n',
      /^line 2: expected data\.value to be a finite number, found "NaN"/,
    ],
    ['{"type":"Sample","data":{}}\n', /^line 1: expected "type": "Metric" or "Point", found "Sample"/],
    [
      '{"type":"Metric","data":{"name":"x","type":"trend"}}\n{"type":"Metric","data":{"name":"x","type":"counter"}}\n',
      /^line 2: expected each metric declared with one type, found "x" declared again as counter after trend/,
    ],
  ])("broken NDJSON %# names the line", (text, message) => {
    expect(() => results(text)).toThrow(message);
  });

  // Point lines in k6's own layout take the fast path; a value that is not JSON's number syntax must not be read as one.
  const METRIC = '{"metric":"x","type":"Metric","data":{"name":"x","type":"trend","contains":"time"}}';
  const point = (value: string) => `{"metric":"x","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":${value},"tags":{}}}`;
  it.each([
    ["nothing", "", /^line 2: expected one JSON object per line/],
    ["blanks", "  ", /^line 2: expected one JSON object per line/],
    ["hexadecimal", "0x10", /^line 2: expected one JSON object per line/],
    ["minus infinity", "-Infinity", /^line 2: expected one JSON object per line/],
    ["a number too large for a double", "1e400", /^line 2: expected data\.value to be a finite number/],
    ["a string", '"5"', /^line 2: expected data\.value to be a finite number, found "5"/],
  ])("a point whose value is %s is an error naming its line, never a sample", (_name, value, message) => {
    expect(() => results(`${METRIC}\n${point(value)}\n${point("1")}\n`)).toThrow(message);
  });

  it("a metric declared again with a submetric tracks it from there on, though the lines repeat in one order", () => {
    // The fast path predicts each line's metric from the one before; a new declaration must not leave a stale prediction.
    const declare = (name: string, submetrics: string) =>
      `{"type":"Metric","data":{"name":"${name}","type":"trend","contains":"time","submetrics":${submetrics}},"metric":"${name}"}`;
    const at = (name: string, value: number, status: number) =>
      `{"metric":"${name}","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":${value},"tags":{"status":"${status}"}}}`;
    const cycle = (value: number, status: number) => [at("a", value, status), at("b", value, status)];
    const lines = [
      declare("a", "null"),
      declare("b", "null"),
      ...cycle(1, 200),
      ...cycle(2, 500),
      declare("b", '[{"name":"b{status:500}"}]'),
      ...cycle(3, 500),
      ...cycle(4, 200),
      ...cycle(5, 500),
    ];
    const run = results(`${lines.join("\n")}\n`);
    expect([run.metrics.get("a")?.count, run.metrics.get("b")?.count]).toEqual([5, 5]);
    expect(run.metrics.get("b{status:500}")?.sortedValues()).toEqual(new Float64Array([3, 5]));
  });

  it("points sharing a tag set and points with their own tags are broken down alike", () => {
    const lines = [METRIC.replaceAll('"x"', '"http_req_duration"')];
    for (let index = 0; index < 1200; index += 1)
      lines.push(
        `{"metric":"http_req_duration","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":${index},"tags":{"name":"${index % 2 ? "home" : `item-${index}`}","status":"200"}}}`,
      );
    const run = results(`${lines.join("\n")}\n`);
    const byName = run.breakdowns.get("name");
    expect(byName?.get("home")?.count).toBe(600);
    expect([...(byName?.keys() ?? [])].slice(0, 3)).toEqual(["item-0", "home", "item-2"]);
    expect(byName?.get("(other)")?.count).toBe(600 - 49);
    expect(run.breakdowns.get("status")?.get("200")?.count).toBe(1200);
  });

  it("a metric name written with a JSON escape in k6's layout is the name JSON reads", () => {
    const escaped = `{"metric":"x\\u0041","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":7,"tags":{}}}`;
    const run = results(`${METRIC.replaceAll('"x"', '"xA"')}\n${escaped}\n`);
    expect(run.metrics.get("xA")?.sum).toBe(7);
  });

  it("plain JSON numbers, negative and exponent forms included, are read exactly on the fast path", () => {
    const run = results(`${METRIC}\n${["0", "-1.5", "2e3", "1.25E-2"].map(point).join("\n")}\n`);
    expect([run.metrics.get("x")?.count, run.metrics.get("x")?.sum]).toEqual([4, 0 - 1.5 + 2000 + 0.0125]);
  });
});

/** Deterministic latencies: a log-normal around 100 ms (mulberry32 + Box-Muller). */
function latencies(count: number, seed: number, scale = 1): string[] {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines = [
    '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}',
  ];
  for (let index = 0; index < count; index += 1) {
    const gaussian = Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
    const value = 100 * Math.exp(0.25 * gaussian) * scale;
    lines.push(
      `{"type":"Point","metric":"http_req_duration","data":{"time":"2026-01-01T00:00:${String(index % 60).padStart(2, "0")}Z","value":${value},"tags":{"name":"home"}}}`,
    );
  }
  return lines;
}

describe("regressions against a baseline", () => {
  const run = (seed: number, scale = 1) => ({ results: results(latencies(3000, seed, scale).join("\n")) });

  it("two noisy runs of the same service do not fail", () => {
    const { check } = decide(run(1), {}, { baseline: run(2) });
    expect(check("regression:http_req_duration")).toMatchObject({ status: "pass" });
  });

  it("a real 10 % slowdown fails, with the shift and its confidence", () => {
    const { check } = decide(run(1, 1.1), {}, { baseline: run(2) });
    const regression = check("regression:http_req_duration");
    expect(regression?.status).toBe("fail");
    expect(Number(regression?.measured)).toBeGreaterThan(7);
    expect(regression?.message).toMatch(/regressed: the median moved from .* significant at \d+(\.\d+)? % confidence \(Mann-Whitney U/);
  });

  it("a significant but tiny shift stays under the effect-size floor", () => {
    const { check } = decide(run(1, 1.02), { regression: { minShiftPercent: 5 } }, { baseline: run(1) });
    expect(check("regression:http_req_duration")?.status).toBe("pass");
  });

  it("with summaries only, a relative bound on p(95) decides", () => {
    const base = parseK6Summary('{"metrics":{"http_req_duration":{"type":"trend","contains":"time","values":{"p(95)":100,"count":10}}}}');
    const slower = parseK6Summary('{"metrics":{"http_req_duration":{"type":"trend","contains":"time","values":{"p(95)":115,"count":10}}}}');
    const { check } = decide({ summary: slower }, {}, { baseline: { summary: base } });
    expect(check("regression:http_req_duration")).toMatchObject({ status: "fail", measured: 15 });
    expect(check("regression:http_req_duration")?.message).toMatch(/summaries only: no statistical test possible/);
  });
});

describe("expected traffic and resources", () => {
  it("a test that never reached its load does not pass", () => {
    const sap = summary("itzaddddd-ticket-reserve.summary-export-legacy.json");
    const { check } = decide({ summary: sap }, { traffic: { minRps: 50, minVus: 100 }, defaultThresholds: false });
    expect(check("traffic.rps")).toMatchObject({ status: "fail" });
    // vus_max was 100, but no more than 97 VUs were ever active at once.
    expect(check("traffic.vus")).toMatchObject({ status: "fail", measured: 97 });
  });

  it("resource samples from CSV and JSON are checked against limits", () => {
    const csv = parseResourceSamples("time,cpu_percent,memory_bytes\n2026-01-01T00:00:00Z,40,1000\n1767225601,95.5,2000\n");
    expect(csv.map((sample) => sample.cpuPercent)).toEqual([40, 95.5]);
    const json = parseResourceSamples('[{"time":"2026-01-01T00:00:00Z","cpuPercent":10,"memoryBytes":5}]');
    expect(json[0]).toMatchObject({ cpuPercent: 10, memoryBytes: 5 });
    const { check } = decide(
      { summary: summary("itzaddddd-ticket-reserve.summary-export-legacy.json") },
      { defaultThresholds: false, resources: { maxCpuPercent: 90, maxMemoryBytes: 4000 } },
      { resources: csv },
    );
    expect(check("resources.cpu.max")).toMatchObject({ status: "fail", measured: 95.5 });
    expect(check("resources.memory.max")).toMatchObject({ status: "pass", measured: 2000 });
    expect(() => parseResourceSamples("when,load\n1,2\n")).toThrow(/expected a CSV header with time and cpu_percent/);
  });
});

describe("job summary", () => {
  it("lists thresholds failing first, with the baseline's value and the change", async () => {
    const { perfMarkdownSections } = await import("../src/perf/render.js");
    const base = parseK6Summary('{"metrics":{"http_req_duration":{"type":"trend","contains":"time","values":{"p(95)":100,"avg":50,"count":10}}}}');
    const slower = parseK6Summary('{"metrics":{"http_req_duration":{"type":"trend","contains":"time","values":{"p(95)":130,"avg":40,"count":10}}}}');
    const { report } = decide({ summary: slower }, { thresholds: { http_req_duration: ["avg<100", "p(95)<120"] } }, { baseline: { summary: base } });
    const [thresholds] = perfMarkdownSections(report);
    expect(thresholds?.split("\n").slice(4)).toEqual([
      "| ❌ | `http_req_duration` | `p(95)<120` | 130 ms | 100 ms | +30 % |",
      "| ✅ | `http_req_duration` | `avg<100` | 40 ms | 50 ms | -20 % |",
    ]);
  });
});

describe("GitLab load_performance report", () => {
  it("is the legacy shape whatever the input, and reads back as such", () => {
    const run = results(fixture("perf/k6-ndjson/KirillY-k6-load-template.k6-results.HEAD-75-lines.ndjson"));
    const legacy = renderLoadPerformance({ results: run }, 16161);
    const back = parseK6Summary(JSON.stringify(legacy));
    expect(back.shape).toBe("summary-export");
    expect(back.metrics.get("http_reqs")?.values).toMatchObject({ count: 2 });
    expect(back.metrics.get("http_req_failed")).toMatchObject({ type: "rate", values: { passes: 0, fails: 2, rate: 0 } });
    expect(back.metrics.get("http_req_duration")?.values["p(95)"]).toBeCloseTo(13525.49886, 5);
    const fromHandleSummary = renderLoadPerformance({ summary: summary("benc-uk-k6-reporter.tests-test-data.handlesummary-data.json") }, undefined) as {
      metrics: Record<string, Record<string, number>>;
    };
    expect(fromHandleSummary.metrics.checks).toHaveProperty("value");
  });

  it("an unknown aggregation for a metric's type is a configuration error", () => {
    expect(() => decide({ summary: summary("itzaddddd-ticket-reserve.summary-export-legacy.json") }, { thresholds: { checks: "p(95)<1" } })).toThrow(
      ConfigurationError,
    );
  });
});
