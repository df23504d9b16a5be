import { describe, expect, it } from "vitest";
import { readSarifLog } from "../src/sarif.js";
import { onFirstUse } from "../src/validation.js";

describe("values built on their first use", () => {
  it("builds nothing until asked, then once, whatever it returns", () => {
    const built: string[] = [];
    const value = onFirstUse(() => {
      built.push("built");
      return undefined;
    });
    expect(built).toEqual([]);
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(built).toEqual(["built"]);
  });

  it("a schema built late validates as one built at import: a SARIF log read twice gives the same runs", () => {
    const log = JSON.stringify({
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "eslint", rules: [{ id: "no-eval", defaultConfiguration: { level: "error" } }] } },
          results: [{ ruleIndex: 0, message: { text: "eval" } }],
        },
      ],
    });
    const first = readSarifLog(log, "lint.sarif");
    expect(first[0]?.results[0]).toMatchObject({ tool: "eslint", rule: "no-eval", level: "error", message: "eval" });
    expect(readSarifLog(log, "lint.sarif")).toEqual(first);
    expect(() => readSarifLog('{"version": "2.0.0", "runs": []}', "old.sarif")).toThrow(/^old\.sarif: expected a SARIF 2\.1\.0 log: version: /);
  });
});
