import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { coverageGate } from "../src/coverage/gate.js";
import type { CoverageSettings } from "../src/coverage/settings.js";
import { ConfigurationError } from "../src/errors.js";
import { defaultPolicy, type LoadedPolicy, resolveGateSettings } from "../src/policy/load.js";
import { parsePolicy } from "../src/policy/parse.js";
import { policyJsonSchema, reportJsonSchema } from "../src/schemas.js";

const examplePolicy = readFileSync(new URL("../../../examples/sample-service/release-gates.yml", import.meta.url), "utf8");

const resolveCoverageSettings = (loaded: LoadedPolicy, environment: string | undefined, overrides: object = {}): CoverageSettings =>
  resolveGateSettings(loaded, coverageGate, environment, overrides, "--env");

function failure(text: string): ConfigurationError {
  try {
    parsePolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected the policy to be refused");
}

describe("release-gates.yml", () => {
  it("an empty file gets the documented defaults", () => {
    const settings = resolveCoverageSettings(parsePolicy(""), undefined);
    expect(settings.patch).toEqual({ threshold: 80, onNoData: "pass" });
    expect(settings.onNoData).toBe("fail");
    // The release process's default, in the schema (so the JSON Schema shows it).
    expect(settings.thresholds).toEqual({ global: { lines: 80 } });
    expect(settings.reports).toContain("coverage/lcov.info");
  });

  it("the sample service's policy parses, with the full environment chain", () => {
    const { policy } = parsePolicy(examplePolicy);
    expect(policy.environments.map((environment) => environment.name)).toEqual(["development", "staging", "testnet", "canary", "mainnet"]);
    expect(policy.environments[3]).toMatchObject({ after: { testnet: "14d" }, canary: { traffic: 5, watch: "24h" } });
    expect(policy.environments[4]?.rollout).toEqual({ steps: [5, 25, 100], wait: "24h" });
  });

  it("an environment's overrides win over the policy, and run overrides win over both", () => {
    const loaded = parsePolicy(examplePolicy);
    const testnet = resolveCoverageSettings(loaded, "testnet");
    expect(testnet.thresholds?.global).toEqual({ lines: 85, branches: 70, functions: 85 });
    // Not overridden by testnet: kept from the policy, not reset to a default.
    expect(testnet.exclude).toEqual(["test/**"]);
    expect(testnet.baseReport).toBe("coverage-base/lcov.info");
    // A flag overrides the keys it names and keeps the rest.
    const flagged = resolveCoverageSettings(loaded, "testnet", { thresholds: { global: { lines: 50 } } });
    expect(flagged.thresholds?.global).toEqual({ lines: 50, branches: 70, functions: 85 });
  });

  it("an unknown environment names the known ones", () => {
    expect(() => resolveCoverageSettings(parsePolicy(examplePolicy), "prod")).toThrow(
      '--env: expected one of the policy\'s environments (development, staging, testnet, canary, mainnet), found "prod"',
    );
    expect(() => resolveCoverageSettings(defaultPolicy(), "prod")).toThrow(/none defined/);
  });

  it.each([
    [
      "a wrong type names the key path and its line",
      "gates:\n  coverage:\n    patch:\n      threshold: high\n",
      'release-gates.yml, line 4: gates.coverage.patch.threshold: expected number, found string "high"',
    ],
    [
      "an unknown key is named",
      "gates:\n  coverage:\n    treshold: 80\n",
      'release-gates.yml, line 3: gates.coverage: expected only known keys, found unknown key "treshold"',
    ],
    [
      "a bad duration names the expected form",
      "environments:\n  - name: mainnet\n    after: { testnet: 2 weeks }\n",
      'release-gates.yml, line 3: environments[0].after.testnet: expected a duration such as 30m, 24h or 14d, found string "2 weeks"',
    ],
    [
      "a percentage over 100 is refused",
      "gates:\n  coverage:\n    thresholds:\n      global: { lines: 180 }\n",
      "release-gates.yml, line 4: gates.coverage.thresholds.global.lines: expected a number at most 100, found number 180",
    ],
    ["broken YAML gives the line", "gates:\n  coverage: [\n", "release-gates.yml, line 3: expected valid YAML"],
    ["a list at the top level is refused", "- a\n- b\n", "release-gates.yml, line 1: expected a mapping at the top level, found a list"],
  ])("%s", (_name, text, message) => {
    expect(failure(text).message.startsWith(message)).toBe(true);
  });
});

describe("JSON Schemas generated from the zod schemas", () => {
  // Regenerate with `npm run generate` after changing a schema; this test keeps the shipped files honest.
  it.each([
    ["policy.schema.json", policyJsonSchema],
    ["report.schema.json", reportJsonSchema],
  ])("%s is up to date", (file, generate) => {
    const shipped = JSON.parse(readFileSync(new URL(`../schema/${file}`, import.meta.url), "utf8"));
    expect(generate()).toEqual(shipped);
  });
});
