#!/usr/bin/env node
// Builds the distribution tree that release tags point at: <action>/action.yml
// for every gate and promote, with their shared bundles in lib/ (each
// action.yml's `runs.main` is ../lib/<action>.mjs), templates/ for the GitLab
// catalog, cli/ (the bundled, dependency-free CLI package), the JSON Schemas,
// README and LICENSE.
//   npm run release-tree -- <dir>
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleActions, bundleCli } from "./bundle.mjs";

const root = resolve(import.meta.dirname, "..");
const target = process.argv[2];
if (!target) {
  console.error("usage: npm run release-tree -- <dir>");
  process.exit(2);
}
const out = resolve(process.cwd(), target);
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const actions = readdirSync(join(root, "actions"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, "actions", entry.name, "action.yml")))
  .map((entry) => entry.name);
await bundleActions(out);
for (const action of actions) {
  if (!existsSync(join(out, "lib", `${action}.mjs`))) throw new Error(`actions/${action} has no bundle: is it in the gate registry?`);
  mkdirSync(join(out, action), { recursive: true });
  cpSync(join(root, "actions", action, "action.yml"), join(out, action, "action.yml"));
}

cpSync(join(root, "gitlab", "templates"), join(out, "templates"), { recursive: true });
// The reusable workflow users call at a release tag (the repository's own CI and release workflows stay out).
mkdirSync(join(out, ".github", "workflows"), { recursive: true });
cpSync(join(root, ".github", "workflows", "release-gates.yml"), join(out, ".github", "workflows", "release-gates.yml"));
// The GitLab component project's own pipeline: checks and publishes a tagged release to the catalog.
cpSync(join(root, "gitlab", "component-project.gitlab-ci.yml"), join(out, ".gitlab-ci.yml"));

// GitLab components install the CLI with `npm exec`: it must not pull dependencies from the registry at job time.
await bundleCli(out);
const { repository, homepage, bugs } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const cliPackage = {
  name: "@release-gates/cli",
  version,
  description: "The release-gates command: coverage, security and performance gates and promotion across environments, for any CI.",
  keywords: ["ci", "release", "quality-gate", "coverage", "security", "k6", "gitlab", "github-actions"],
  type: "module",
  license: "MIT",
  repository,
  homepage,
  bugs,
  bin: { "release-gates": "dist/index.js" },
  files: ["dist"],
  engines: { node: ">=20" },
  publishConfig: { access: "public", provenance: true },
};
writeFileSync(join(out, "cli", "package.json"), `${JSON.stringify(cliPackage, null, 2)}\n`);
cpSync(join(root, "packages", "cli", "README.md"), join(out, "cli", "README.md"));
cpSync(join(root, "LICENSE"), join(out, "cli", "LICENSE"));

mkdirSync(join(out, "schema"), { recursive: true });
cpSync(join(root, "packages", "core", "schema"), join(out, "schema"), { recursive: true });
for (const file of ["README.md", "LICENSE"]) if (existsSync(join(root, file))) cpSync(join(root, file), join(out, file));
console.log(`release tree ${version} written to ${out}: ${actions.join(", ")}, lib/, templates/, cli/, schema/`);
