// Writes the JSON Schemas generated from the zod schemas, for editors
// (release-gates.yml) and for consumers of gate reports.
import { mkdirSync, writeFileSync } from "node:fs";
import { policyJsonSchema, reportJsonSchema } from "../dist/schemas.js";

const out = new URL("../schema/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL("policy.schema.json", out), `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
writeFileSync(new URL("report.schema.json", out), `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
