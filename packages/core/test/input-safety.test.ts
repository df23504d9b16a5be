import { describe, expect, it, vi } from "vitest";
import { parseCoverageReport } from "../src/coverage/parsers/index.js";
import { parseThresholdList } from "../src/coverage/thresholds.js";
import { ConfigurationError } from "../src/errors.js";
import type { GateOption } from "../src/kit/descriptor.js";
import { readOptions } from "../src/kit/options.js";
import { parseThresholdAssignments } from "../src/perf/expression.js";
import { parseResourceSamples } from "../src/perf/resources.js";
import { createK6ResultsParser } from "../src/perf/results.js";
import { parseK6Summary } from "../src/perf/summary.js";
import { readPolicy } from "../src/policy/load.js";
import { parsePolicy } from "../src/policy/parse.js";
import { parseRecordedAnalysis } from "../src/promote/analysis.js";
import { parseLedger } from "../src/promote/ledger.js";
import { readAuditManifest } from "../src/security/audits.js";
import { parseNpmAudit, parseNpmLockfile } from "../src/security/npm.js";
import { parseOsvAdvisory } from "../src/security/osv.js";
import { readRiskRegister } from "../src/security/risks.js";
import { parseSbom } from "../src/security/sbom.js";
import { parseGitleaksReport, parseSecretsBaseline, readSecretsAllowlist } from "../src/security/secrets.js";
import { parseSarifResults } from "../src/security/static-analysis.js";
import { parseYamlDocuments } from "../src/yaml-stream.js";

/** Every loader of a YAML or JSON input, as the gates call it (the YAML readers return promises). */
const YAML_LOADERS: [string, (text: string) => unknown][] = [
  ["release-gates.yml", (text) => readPolicy(text)],
  ["release-gates.yml, read synchronously", (text) => parsePolicy(text)],
  ["the risk register", (text) => readRiskRegister(text, "security/accepted-risks.yml")],
  ["the secrets allowlist", (text) => readSecretsAllowlist(text, "security/secrets-allowlist.yml")],
  ["the audit manifest", (text) => readAuditManifest(text, "audits/audits.yml")],
];
const JSON_LOADERS: [string, (text: string) => unknown][] = [
  ["an SBOM", (text) => parseSbom(text)],
  ["a k6 summary", (text) => parseK6Summary(text)],
  ["an OSV advisory", (text) => parseOsvAdvisory(text, "GHSA.json")],
  ["npm audit output", (text) => parseNpmAudit(text, "audit.json")],
  ["an npm lock file", (text) => parseNpmLockfile(text, "package-lock.json")],
  ["a gitleaks report", (text) => parseGitleaksReport(text, "gitleaks.json")],
  ["a secrets baseline", (text) => parseSecretsBaseline(text, "baseline.json")],
  ["a SARIF log", (text) => parseSarifResults(text, "slither.sarif")],
  ["recorded canary measurements", (text) => parseRecordedAnalysis(text, "analysis.json")],
  ["resource samples (a JSON array)", (text) => parseResourceSamples(`[${text}]`)],
  ["istanbul coverage", (text) => parseCoverageReport(text, "istanbul")],
  ["the ledger (one object per line)", (text) => parseLedger(text.replace(/\s*\n\s*/g, ""))],
  [
    "k6 NDJSON results",
    (text) => {
      const parser = createK6ResultsParser();
      parser.write(`${text.replace(/\s*\n\s*/g, "")}\n{}\n`);
      return parser.end();
    },
  ],
];

async function refusal(load: (text: string) => unknown, text: string): Promise<ConfigurationError> {
  try {
    await load(text);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected the input to be refused");
}

describe("keys that reach an object's prototype are refused at any depth of every input", () => {
  for (const key of ["__proto__", "constructor", "prototype"]) {
    it.each(YAML_LOADERS)(`${key} in %s`, async (_name, load) => {
      expect((await refusal(load, `outer:\n  inner:\n    - ${key}: 14d\n`)).message).toMatch(/line 3: expected ordinary keys, found "/);
    });
    it.each(JSON_LOADERS)(`${key} in %s`, async (_name, load) => {
      expect((await refusal(load, `{"outer": {"inner": [{"${key}": {"polluted": true}}]}}`)).message).toContain(`expected ordinary keys, found "${key}"`);
    });
  }

  it("the soak that vanished: `after: { __proto__: 14d }` is an error naming the line, not an empty soak", async () => {
    expect((await refusal((text) => parsePolicy(text), "environments:\n  - name: testnet\n  - name: mainnet\n    after: { __proto__: 14d }\n")).message).toBe(
      'release-gates.yml, line 4: expected ordinary keys, found "__proto__", which could change how every object behaves',
    );
  });

  it("a value that merely mentions one of them is fine", () => {
    expect(
      parseSbom(JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", components: [{ name: "constructor", version: "1.0.0" }] })).components,
    ).toHaveLength(1);
  });
});

describe("names that every object already has are data, never the object's own properties", () => {
  it("a k6 metric named like a property of every object (found by the fuzzer: __defineSetter__)", () => {
    expect(parseThresholdAssignments(["valueOf=avg<5", "valueOf=max<9", "__defineSetter__=p(95)<1"], "--threshold")).toEqual({
      valueOf: ["avg<5", "max<9"],
      __defineSetter__: ["p(95)<1"],
    });
  });

  it("a tag filter or metric named __proto__ is refused instead of silently dropped", () => {
    expect(() => parseThresholdAssignments(["http_req_duration{__proto__:x}=p(95)<1"], "--threshold")).toThrow(
      /^--threshold: expected ordinary keys, found "__proto__"/,
    );
    expect(() => parseThresholdAssignments(["prototype=avg<1"], "--threshold")).toThrow(/^--threshold: expected ordinary keys, found "prototype"/);
  });

  it("an istanbul statement, function or branch id such as toString counts what the file says, not a function", () => {
    const report = JSON.stringify({
      "/src/a.js": {
        path: "/src/a.js",
        statementMap: { toString: { start: { line: 1, column: 0 }, end: { line: 1, column: 5 } } },
        fnMap: {},
        branchMap: {},
        s: {},
        f: {},
        b: {},
      },
    });
    const [file] = parseCoverageReport(report, "istanbul").files;
    expect(file?.lines.get(1)).toBe(0);
  });
});

describe("inputs built to exhaust the reader are one sentence", () => {
  it("an SBOM nested ten thousand components deep", async () => {
    let component = '{"name":"leaf"}';
    for (let depth = 0; depth < 10_000; depth += 1) component = `{"name":"n${depth}","components":[${component}]}`;
    expect((await refusal(parseSbom, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${component}]}`)).message).toMatch(
      /nested too deeply to read/,
    );
  });

  it("a YAML alias bomb (billion laughs)", async () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (const [index, name] of ["b", "c", "d", "e", "f", "g"].entries()) {
      const previous = String.fromCharCode(97 + index);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`);
    }
    expect((await refusal((text) => parsePolicy(text), `${levels.join("\n")}\n`)).message).toMatch(
      /^release-gates\.yml: expected YAML whose aliases expand to a reasonable size/,
    );
  });

  it("YAML whose keys nest on one line (found by the fuzzer: `paths: paths: paths: …`)", async () => {
    const text = `${"paths: ".repeat(2300)}["docs/**"]{regexes: ["x"]\n`;
    expect((await refusal((yaml) => readSecretsAllowlist(yaml, "security/secrets-allowlist.yml"), text)).message).toBe(
      "security/secrets-allowlist.yml: expected YAML of ordinary depth, found a document nested too deeply to read",
    );
  });

  it("a damaged XML report stops at its first error (found by the fuzzer: saxes went on through 80 KB of errors)", async () => {
    const text = `<?xml version="1.0"?><report name="x">${'<package name="p"><class name="c" sourcefilename="A.java"><counter type="LINE" missed="1" covered="2"/></class></package>'.repeat(800)}`;
    const damaged = text.replace('name="p"', 'name="p" =');
    expect((await refusal((xml) => parseCoverageReport(xml, "jacoco"), damaged)).message).toMatch(/^line 1: expected well-formed XML, found an error: /);
  });

  it("YAML nested deeper than the reader goes", async () => {
    expect((await refusal((text) => parsePolicy(text), `gates: ${"[".repeat(5000)}${"]".repeat(5000)}\n`)).message).toMatch(/^release-gates\.yml, line 1: /);
  });
});

describe("the YAML reader never writes to the runner's log itself", () => {
  // The yaml library warns (on stderr, the key's text included) when it turns a collection key into a string;
  // the anchor sends a stream to that library too.
  const collectionKey = '? [a, "::error::x"]\n: &value 1\n';

  it.each([...YAML_LOADERS, ["a YAML stream", (text: string) => parseYamlDocuments(text, "rules.yml")] as const])("%s", async (_name, load) => {
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      try {
        await load(collectionKey);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
      }
      expect(emitWarning).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
      warn.mockRestore();
    }
  });
});

describe("messages quote a bounded snippet of what they were given", () => {
  const huge = `-----BEGIN RSA PRIVATE KEY-----${"A".repeat(50 * 1024 * 1024)}`;

  it.each([
    ["a policy value", () => parsePolicy(`version: 1\ngates:\n  coverage:\n    thresholds:\n      global: { lines: "${huge.slice(0, 2_000_000)}" }\n`)],
    ["a k6 threshold", () => parseThresholdAssignments([`http_req_duration=${huge}`], "--threshold")],
    ["coverage thresholds", () => parseThresholdList(huge, "--threshold")],
    ["a CLI option", () => readOptions([{ name: "min-rps", kind: "number", description: "" } as GateOption], { frontEnd: "cli", read: () => huge })],
  ])("%s of 50 MB is quoted in at most a few hundred characters", (_name, load) => {
    let message = "";
    try {
      load();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/expected/);
    expect(message.length).toBeLessThan(600);
  });
});
