import * as z from "zod";
import { Policy } from "./gates.js";
import { GateReport } from "./report/schema.js";

/** JSON Schema of `release-gates.yml` as users write it (defaults are optional). */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Policy, { io: "input", target: "draft-2020-12" }),
    $id: "https://release-gates.dev/schema/policy.schema.json",
    title: "release-gates policy (release-gates.yml)",
  };
}

/** JSON Schema of the gate report (`release-gates.report/v1`). */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(GateReport, { target: "draft-2020-12" }),
    $id: "https://release-gates.dev/schema/report.schema.json",
    title: "release-gates gate report (in-toto Statement v1)",
  };
}
