import { anyText, FUZZ_TIMEOUT_MS, fuzzParameters, numberText, onlyOwnErrors, onlyOwnErrorsAsync, printFuzzStats } from "@release-gates/test-helpers/fuzz";
import fc from "fast-check";
import semver from "semver";
import { afterAll, describe, expect, it } from "vitest";
import { fileCounts, METRICS } from "../../src/coverage/model.js";
import { parseCoverageReport } from "../../src/coverage/parsers/index.js";
import { parseThresholdList } from "../../src/coverage/thresholds.js";
import { isCalendarDate, parseDuration } from "../../src/durations.js";
import { ConfigurationError } from "../../src/errors.js";
import { parseMetricSelector, parseThresholdAssignments, parseThresholdExpression } from "../../src/perf/expression.js";
import { createK6ResultsParser } from "../../src/perf/results.js";
import { matchAdvisories, parseOsvAdvisory } from "../../src/security/osv.js";
import { parsePurl } from "../../src/security/purl.js";
import { cvss3BaseScore, cvss4BaseScore, cvssVectorProblem } from "../../src/security/severity.js";

const isOwnError = (error: unknown) => error instanceof ConfigurationError;
afterAll(printFuzzStats);
const nothingThrows = () => false;
/** Versions npm's semver reads (loosely, as npm does): the others cannot be placed on a range. */
const comparableVersion = (version: string) => version === "0" || semver.valid(version, { loose: true }) !== null;
const HUNDRED_YEARS_MS = 100 * 366 * 24 * 3600 * 1000;

/** One of the given pieces, or arbitrary text in its place. */
const piece = (...choices: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...choices) }, { weight: 1, arbitrary: anyText });

describe("grammar-aware inputs: well-formed in shape, hostile in content", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("lcov records", () => {
    const line = fc.oneof(
      fc.tuple(piece("TN:", "SF:"), piece("src/a.ts", "/abs/b.js", "C:\\w\\c.ts", "")).map(([tag, path]) => `${tag}${path}`),
      fc.tuple(numberText, numberText, fc.option(anyText)).map(([at, hits, checksum]) => `DA:${at},${hits}${checksum === null ? "" : `,${checksum}`}`),
      fc.tuple(numberText, numberText, numberText, fc.oneof(numberText, fc.constant("-"))).map((parts) => `BRDA:${parts.join(",")}`),
      fc.tuple(numberText, piece("main", "a,b", "")).map(([at, name]) => `FN:${at},${name}`),
      fc.tuple(numberText, piece("main", "")).map(([hits, name]) => `FNDA:${hits},${name}`),
      fc.tuple(piece("LF", "LH", "BRF", "BRH", "FNF", "FNH"), numberText).map(([tag, value]) => `${tag}:${value}`),
      fc.constantFrom("end_of_record", ""),
      anyText,
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const text = `SF:src/a.ts\n${lines.join("\n")}\nend_of_record\n`;
        const outcome = onlyOwnErrors("lcov grammar", isOwnError, () => parseCoverageReport(text, "lcov"), text.length);
        if (!("value" in outcome)) return;
        for (const file of outcome.value.files) {
          for (const metric of METRICS) {
            const { covered, total } = fileCounts(file, metric);
            expect(Number.isSafeInteger(covered) && Number.isSafeInteger(total) && covered <= total && covered >= 0).toBe(true);
          }
        }
      }),
      fuzzParameters(),
    );
  });

  it("k6 NDJSON: Metric and Point lines with hostile names, types, values and tags", () => {
    const name = piece("http_req_duration", "http_reqs", "checks", "__proto__", "constructor", "a{b:c}", "");
    const metric = fc
      .tuple(name, piece("trend", "counter", "rate", "gauge", "histogram"), piece("time", "default", "data"))
      .map(([metricName, type, contains]) =>
        JSON.stringify({ type: "Metric", data: { name: metricName, type, contains, thresholds: [] }, metric: metricName }),
      );
    const point = fc
      .tuple(name, numberText, fc.dictionary(piece("name", "status", "scenario", "__proto__"), anyText, { maxKeys: 3 }))
      .map(
        ([metricName, value, tags]) =>
          `{"metric":${JSON.stringify(metricName)},"type":"Point","data":{"time":"2026-11-26T09:00:00Z","value":${value},"tags":${JSON.stringify(tags)}}}`,
      );
    fc.assert(
      fc.property(fc.array(fc.oneof(metric, point, anyText), { maxLength: 40 }), (lines) => {
        const text = `${lines.join("\n")}\n`;
        const outcome = onlyOwnErrors(
          "k6 NDJSON grammar",
          isOwnError,
          () => {
            const parser = createK6ResultsParser([parseMetricSelector("http_req_duration{name:login}")]);
            parser.write(text);
            return parser.end();
          },
          text.length,
        );
        if (!("value" in outcome)) return;
        for (const samples of outcome.value.metrics.values()) {
          for (const aggregation of ["avg", "min", "max", "med", "p", "rate", "count", "value"] as const) {
            const measured = samples.aggregate(aggregation, 95, 60_000);
            expect(measured === undefined || !Number.isNaN(measured)).toBe(true);
          }
        }
      }),
      fuzzParameters(),
    );
  });

  it("k6 thresholds and metric selectors", () => {
    const selector = fc
      .tuple(piece("http_req_duration", "checks", "my-metric", ""), fc.option(fc.array(fc.tuple(anyText, anyText), { maxLength: 3 })))
      .map(([metric, tags]) => (tags === null ? metric : `${metric}{${tags.map(([key, value]) => `${key}:${value}`).join(",")}}`));
    const expression = fc
      .tuple(
        piece("avg", "min", "max", "med", "p(95)", "p(99.9)", "p(101)", "p(-1)", "rate", "count", "value"),
        piece("<", "<=", ">", ">=", "==", "===", "!=", "=<"),
        numberText,
      )
      .map(([aggregation, operator, value]) => `${aggregation}${operator}${value}`);
    fc.assert(
      fc.property(selector, fc.array(expression, { minLength: 1, maxLength: 3 }), (metric, expressions) => {
        const item = `${metric}=${expressions.join(";")}`;
        const outcome = onlyOwnErrors("thresholds grammar", isOwnError, () => parseThresholdAssignments([item], "--threshold"), item.length);
        if (!("value" in outcome)) return;
        for (const [selectorText, list] of Object.entries(outcome.value)) {
          parseMetricSelector(selectorText);
          for (const text of list) {
            const parsed = parseThresholdExpression(text);
            expect(Number.isFinite(parsed.value)).toBe(true);
            if (parsed.percentile !== undefined) expect(parsed.percentile >= 0 && parsed.percentile <= 100).toBe(true);
          }
        }
      }),
      fuzzParameters(),
    );
  });

  it("coverage threshold lists", () => {
    const item = fc
      .tuple(piece("lines", "branches", "functions", "statements", "LINES", ""), piece("=", ":", "=="), numberText)
      .map(([metric, separator, value]) => `${metric}${separator}${value}`);
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), (items) => {
        const text = items.join(",");
        const outcome = onlyOwnErrors("coverage thresholds grammar", isOwnError, () => parseThresholdList(text, "--threshold"), text.length);
        if ("value" in outcome) for (const value of Object.values(outcome.value)) expect(Number.isFinite(value) && (value as number) <= 100).toBe(true);
      }),
      fuzzParameters(),
    );
  });

  it("package URLs", () => {
    const purl = fc
      .tuple(
        piece("pkg:", "PKG:", "pkg:/", ""),
        piece("npm", "pypi", "maven", "golang", "", "n%20pm"),
        piece("", "@scope/", "org.apache/", "%40scope/"),
        piece("lodash", "", "@", "%zz", "a/b"),
        piece("", "@4.17.15", "@", "@%", "@1.0.0@2"),
        piece("", "?type=jar", "?", "?a=b&c"),
        piece("", "#sub/path", "#", "#/../x"),
      )
      .map(([scheme, type, namespace, name, version, qualifiers, subpath]) => `${scheme}${type}/${namespace}${name}${version}${qualifiers}${subpath}`);
    fc.assert(
      fc.property(fc.oneof(purl, anyText), (text) => {
        const outcome = onlyOwnErrors("purl grammar", isOwnError, () => parsePurl(text), text.length);
        if ("value" in outcome) {
          expect(outcome.value.type.length).toBeGreaterThan(0);
          expect(outcome.value.name.length).toBeGreaterThan(0);
        }
      }),
      fuzzParameters(),
    );
  });

  it("CVSS vectors: a score is from 0 to 10 exactly when the vector is valid", async () => {
    const metric = piece("AV", "AC", "PR", "UI", "S", "C", "I", "A", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "E", "constructor", "__proto__", "toString", "");
    const value = piece("N", "L", "H", "P", "A", "U", "C", "R", "X", "", "N:N");
    const vector = fc
      .tuple(piece("CVSS:3.1/", "CVSS:3.0/", "CVSS:4.0/", "CVSS:2.0/", "cvss:3.1/", ""), fc.array(fc.tuple(metric, value), { maxLength: 14 }))
      .map(([prefix, pairs]) => `${prefix}${pairs.map(([name, choice]) => `${name}:${choice}`).join("/")}`);
    await fc.assert(
      fc.asyncProperty(vector, async (text) => {
        const outcome = await onlyOwnErrorsAsync(
          "CVSS grammar",
          nothingThrows,
          async () => ({ problem: cvssVectorProblem(text), v3: cvss3BaseScore(text), v4: await cvss4BaseScore(text) }),
          text.length,
        );
        if (!("value" in outcome)) return;
        const { problem, v3, v4 } = outcome.value;
        for (const score of [v3, v4]) if (score !== undefined) expect(score >= 0 && score <= 10).toBe(true);
        if (problem !== undefined) expect([v3, v4]).toEqual([undefined, undefined]);
      }),
      fuzzParameters(),
    );
  });

  it("durations and calendar dates", () => {
    const duration = fc
      .tuple(fc.oneof(numberText, fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)), piece("ms", "s", "m", "h", "d", "w", "y", "", "D", " d"))
      .map(([amount, unit]) => `${amount}${unit}`);
    fc.assert(
      fc.property(fc.oneof(duration, anyText), (text) => {
        const outcome = onlyOwnErrors("duration grammar", isOwnError, () => parseDuration(text, "after.staging"), text.length);
        if ("value" in outcome) expect(Number.isFinite(outcome.value) && outcome.value >= 0 && outcome.value <= HUNDRED_YEARS_MS).toBe(true);
      }),
      fuzzParameters(),
    );
    const date = fc
      .tuple(fc.integer({ min: -1, max: 10_000 }), fc.integer({ min: -1, max: 14 }), fc.integer({ min: -1, max: 33 }))
      .map(([year, month, day]) => `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`);
    fc.assert(
      fc.property(fc.oneof(date, anyText), (text) => {
        const outcome = onlyOwnErrors("calendar date grammar", nothingThrows, () => isCalendarDate(text), text.length);
        if ("value" in outcome && outcome.value) {
          const [year, month, day] = text.split("-").map(Number) as [number, number, number];
          expect(new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10)).toBe(text);
        }
      }),
      fuzzParameters(),
    );
  });

  it("OSV ranges against arbitrary versions: matching never throws, and every component is matched, undecided or listed as unmatched", async () => {
    const version = piece("1.0.0", "0.0.0", "4.17.21", "1.0.0-alpha.1", "v1", "1", "1.0.0+build", "01.2.3", "", "999999999999999999999.0.0");
    const event = fc.oneof(
      version.map((introduced) => ({ introduced })),
      version.map((fixed) => ({ fixed })),
      version.map((last_affected) => ({ last_affected })),
      version.map((limit) => ({ limit })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 6 }), piece("SEMVER", "ECOSYSTEM", "GIT"), version, async (events, type, installed) => {
        const text = JSON.stringify({
          id: "GHSA-fuzz",
          modified: "2026-11-01T00:00:00Z",
          affected: [{ package: { ecosystem: "npm", name: "lodash" }, ranges: [{ type, events }] }],
        });
        const outcome = await onlyOwnErrorsAsync(
          "OSV ranges",
          isOwnError,
          () =>
            matchAdvisories(
              [{ name: "lodash", version: installed, ecosystem: "npm", purl: `pkg:npm/lodash@${installed}` } as never],
              [parseOsvAdvisory(text, "GHSA-fuzz.json")],
            ),
          text.length,
        );
        if (!("value" in outcome)) return;
        const { hits, undecided, unmatched } = outcome.value;
        // A version that cannot be compared is never silently clean: it is a hit, undecided or unmatched.
        const decided = hits.length + undecided.length + unmatched.length > 0;
        const comparable =
          comparableVersion(installed) && events.every((step) => Object.values(step).every((value) => value === "" || comparableVersion(value)));
        if (type === "SEMVER" && events.length > 0 && !comparable) expect(decided).toBe(true);
      }),
      fuzzParameters(),
    );
  });
});
