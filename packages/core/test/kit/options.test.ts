import { describe, expect, it } from "vitest";
import { coverageGate } from "../../src/coverage/gate.js";
import { type FrontEnd, readGateOptions } from "../../src/index.js";
import { perfGate } from "../../src/perf/gate.js";
import { securityGate } from "../../src/security/gate.js";

/** Reads a gate's options from plain values, as the action (inputs) or the CLI (flags) hands them over. */
function read(gate: Parameters<typeof readGateOptions>[0], frontEnd: FrontEnd, given: Record<string, string>) {
  return readGateOptions(gate, { frontEnd, read: (option) => given[option.name] });
}

describe("one option parser for action inputs and CLI flags", () => {
  it.each([
    ["action", "input min-rps"],
    ["cli", "--min-rps"],
  ] as const)("a value its setting refuses names the %s's own spelling (%s), never the policy file", (frontEnd, label) => {
    expect(() => read(perfGate, frontEnd, { "min-rps": "0" })).toThrow(`${label}: expected a number more than 0, found number 0`);
    expect(() => read(perfGate, frontEnd, { "min-rps": "lots" })).toThrow(`${label}: expected a number, found "lots"`);
  });

  it("the CLI and the action name the environment and the project directory as their users type them", () => {
    expect(read(coverageGate, "cli", { environment: "staging", "working-directory": "svc" }).values).toMatchObject({
      environment: "staging",
      "working-directory": "svc",
    });
    expect(() => read(securityGate, "cli", { "fail-on": "severe" })).toThrow('--fail-on: expected one of critical, high, medium, low, found "severe"');
    expect(() => read(securityGate, "action", { "fail-on": "severe" })).toThrow('input fail-on: expected one of critical, high, medium, low, found "severe"');
  });

  it("values become the settings they name, nested, and other options stay values", () => {
    const { overrides, values } = read(perfGate, "action", {
      "min-rps": "200",
      "prometheus-url": "http://127.0.0.1:9090",
      threshold: "http_req_duration=p(95)<500\nhttp_req_failed=rate<0.01",
      "baseline-artifact": "k6-main",
    });
    expect(overrides).toEqual({
      traffic: { minRps: 200 },
      resources: { prometheus: { url: "http://127.0.0.1:9090" } },
      thresholds: { http_req_duration: ["p(95)<500"], http_req_failed: ["rate<0.01"] },
    });
    expect(values).toMatchObject({ "baseline-artifact": "k6-main", "working-directory": "." });
  });

  it("lists split on lines and, where the option says so, on spaces or commas; booleans read true and false", () => {
    expect(read(coverageGate, "cli", { report: "a.info b.xml\nc.json" }).overrides.reports).toEqual(["a.info", "b.xml", "c.json"]);
    expect(read(securityGate, "cli", { "static-analysis": "my dir/slither.sarif\nsemgrep.sarif" }).overrides.staticAnalysis).toEqual([
      "my dir/slither.sarif",
      "semgrep.sarif",
    ]);
    expect(read(securityGate, "cli", { scope: "runtime,development" }).overrides.scopes).toEqual(["runtime", "development"]);
    expect(read(securityGate, "action", { secrets: "true", "only-fixable": "false" }).overrides).toEqual({ secrets: { scan: true }, onlyFixable: false });
    expect(() => read(securityGate, "action", { secrets: "maybe" })).toThrow('input secrets: expected true or false, found "maybe"');
  });

  it("empty text is not given, in every front end: the policy's value stands", () => {
    expect(read(coverageGate, "cli", { report: "", threshold: "  ", "patch-threshold": "" }).overrides).toEqual({});
  });

  it("a gate's own threshold grammar is read by the gate, and its mistakes name the option", () => {
    expect(read(coverageGate, "cli", { threshold: "lines=80,branches=70" }).overrides).toEqual({ thresholds: { global: { lines: 80, branches: 70 } } });
    expect(() => read(coverageGate, "action", { threshold: "lines=eighty" })).toThrow("input threshold: expected lines to be a percentage");
  });
});
