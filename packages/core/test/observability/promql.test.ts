import { describe, expect, it } from "vitest";
import { formatPromDuration, PromqlQuery, promDurationMs } from "../../src/observability/promql.js";

describe("PromQL through the official grammar", () => {
  it("reads selectors: metric, matchers, range and the function applied", () => {
    const query = new PromqlQuery('sum by (code) (rate(http_requests_total{job="api", code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m]))');
    expect(query.error).toBeUndefined();
    expect(query.selectors()).toEqual([
      {
        metric: "http_requests_total",
        matchers: [
          { label: "job", op: "=", value: "api" },
          { label: "code", op: "=~", value: "5.." },
        ],
        range: "5m",
        rangeMs: 300_000,
        call: "rate",
      },
      { metric: "http_requests_total", matchers: [{ label: "job", op: "=", value: "api" }], range: "5m", rangeMs: 300_000, call: "rate" },
    ]);
    expect(query.metrics()).toEqual(["http_requests_total"]);
    expect(query.functions()).toEqual(["rate"]);
    expect(query.dividesSeries()).toBe(true);
  });

  it("reads __name__ matchers, recorded names with colons and quoted UTF-8 names", () => {
    expect(new PromqlQuery('{__name__="up", job!="x"}').selectors()[0]).toMatchObject({ metric: "up", matchers: [{ label: "job", op: "!=", value: "x" }] });
    expect(new PromqlQuery("job:errors:rate5m").metrics()).toEqual(["job:errors:rate5m"]);
    expect(new PromqlQuery('{"http.server.request.duration"}').metrics()).toEqual(["http.server.request.duration"]);
  });

  it("folds constant thresholds, keeps a product's two factors, and flips a constant on the left", () => {
    const [comparison] = new PromqlQuery("slo:sli_error:ratio_rate1h > (14.4 * 0.0009999999999999432)").comparisons();
    expect(comparison?.op).toBe(">");
    expect(comparison?.threshold).toBeCloseTo(0.0144, 10);
    expect(comparison?.factors).toEqual([14.4, 0.0009999999999999432]);
    const [flipped] = new PromqlQuery("0.5 < errors_ratio").comparisons();
    expect(flipped).toMatchObject({ op: ">", threshold: 0.5 });
    expect(new PromqlQuery("up == bool 1").comparisons()).toEqual([]);
    expect(new PromqlQuery("-(2 - 3) * 0x10 / 4 + 1 >= x").comparisons()[0]?.threshold).toBe(5);
  });

  it("a long chain of and: each link's sides hold exactly the comparisons inside them, nested or not", () => {
    const links = 60;
    const chain = Array.from({ length: links }, (_, index) => `(m${index} > ${index})`).join(" and ");
    const query = new PromqlQuery(`${chain} or (x > 1 and (y < 2 and z == 3))`);
    expect(query.comparisons().map((comparison) => comparison.selectors[0]?.metric)).toEqual([
      ...Array.from({ length: links }, (_, index) => `m${index}`),
      "x",
      "y",
      "z",
    ]);
    const sides = query.conjunctions().map(({ left, right }) => [left.map((c) => c.selectors[0]?.metric).join(","), right.map((c) => c.threshold).join(",")]);
    // `and` binds to the left: the k-th link (from the outside) has every earlier comparison on its left.
    for (let link = 1; link < links; link += 1) expect(sides).toContainEqual([Array.from({ length: link }, (_, index) => `m${index}`).join(","), String(link)]);
    expect(sides).toContainEqual(["x", "2,3"]);
    expect(sides).toContainEqual(["y", "3"]);
    expect(sides).toHaveLength(links - 1 + 2);
  });

  it("finds the two sides of every and", () => {
    const query = new PromqlQuery("(a:rate1h > 14.4 * 0.001 and a:rate5m > 14.4 * 0.001) or (a:rate6h > 6 * 0.001 and a:rate30m > 6 * 0.001)");
    const pairs = query.conjunctions().map(({ left, right }) => [left.map((c) => c.selectors[0]?.metric), right.map((c) => c.selectors[0]?.metric)]);
    expect(pairs).toEqual([
      [["a:rate1h"], ["a:rate5m"]],
      [["a:rate6h"], ["a:rate30m"]],
    ]);
  });

  it("reads Grafana's variables as what they stand for, outside string literals only", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template
    const query = new PromqlQuery('sum(rate(http_requests_total{cluster="$cluster", job=~"${job:regex}"}[$__rate_interval])) by ($label)', "grafana");
    expect(query.error).toBeUndefined();
    const [selector] = query.selectors();
    expect(selector?.range).toBe("$__rate_interval");
    expect(selector?.rangeMs).toBeUndefined();
    expect(selector?.matchers).toEqual([
      { label: "cluster", op: "=", value: "$cluster" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template
      { label: "job", op: "=~", value: "${job:regex}" },
    ]);
  });

  it("reads Sloth's {{.window}} template as a range", () => {
    const query = new PromqlQuery('sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))', "sloth");
    expect(query.error).toBeUndefined();
    expect(query.selectors()[0]).toMatchObject({ metric: "http_request_duration_seconds_count", range: "{{.window}}" });
  });

  it("says where a query stops parsing, by line and column", () => {
    expect(new PromqlQuery("sum(rate(x[5m])").error?.message).toMatch(/^expected valid PromQL, found it ends too early \(column 16\)$/);
    expect(new PromqlQuery("rate(x[5m]) >\n  ) foo").error?.message).toMatch(/line 2 of the expression, column 3, near "\) foo"/);
    expect(new PromqlQuery("   ").error?.message).toBe("expected a PromQL expression, found an empty one");
    expect(new PromqlQuery("nosuchfunction(x)").error).toBeDefined();
  });

  it("reads and writes durations as Prometheus does", () => {
    expect(promDurationMs("1h30m")).toBe(5_400_000);
    expect(promDurationMs("300")).toBe(300_000);
    expect(promDurationMs("5x")).toBeUndefined();
    expect(formatPromDuration(129_600_000)).toBe("1d12h");
    expect(formatPromDuration(300_000)).toBe("5m");
  });
});
