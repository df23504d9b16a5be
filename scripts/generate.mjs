#!/usr/bin/env node
// Writes what is generated from the gate descriptors (packages/core/src/<gate>/gate.ts):
// each gate's actions/<gate>/action.yml and gitlab/templates/<gate>.yml, and the
// README's input tables. Commit the result; a test fails when a copy is out of date.
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
const readme = join(root, "README.md");
writeFileSync(readme, updateReadme(readFileSync(readme, "utf8")));
console.log("updated README.md");
