#!/usr/bin/env node
// Writes what is generated from the gate descriptors (packages/core/src/<gate>/gate.ts)
// and the zod schemas: each gate's (and promote's) action.yml and GitLab component,
// the README's input tables, and the JSON Schemas of the policy and the report.
// Commit the result; tests fail when a copy is out of date.
//   npm run generate
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { importSource } from "./bundle.mjs";

const root = resolve(import.meta.dirname, "..");
const { generatedFiles, updateReadme } = await importSource("packages/core/src/frontends/index.ts");
for (const { path, content } of generatedFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
const { policyJsonSchema, reportJsonSchema } = await importSource("packages/core/src/schemas.ts");
for (const [file, schema] of [
  ["policy.schema.json", policyJsonSchema()],
  ["report.schema.json", reportJsonSchema()],
]) {
  writeFileSync(join(root, "packages/core/schema", file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote packages/core/schema/${file}`);
}
const readme = join(root, "README.md");
writeFileSync(readme, updateReadme(readFileSync(readme, "utf8")));
console.log("updated README.md");
