import { readFileSync } from "node:fs";
import { GateReport } from "@release-gates/core";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";

const schema = JSON.parse(readFileSync(new URL("../../core/schema/report.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
const validateJsonSchema = ajv.compile(schema);

/**
 * Every report a test produces goes through here: the zod schema that builds
 * it and the JSON Schema shipped to consumers must both accept it.
 */
export function expectValidReport(report: unknown): GateReport {
  const parsed = GateReport.safeParse(report);
  expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues)).toBe(true);
  const valid = validateJsonSchema(JSON.parse(JSON.stringify(report)));
  expect(valid, JSON.stringify(validateJsonSchema.errors)).toBe(true);
  return report as GateReport;
}
