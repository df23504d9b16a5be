#!/usr/bin/env node
// Builds the distribution tree that release tags point at (DESIGN.md, "Source
// layout vs release layout"): <gate>/action.yml + <gate>/dist for every action,
// templates/ for the GitLab catalog, cli/ (the bundled, dependency-free CLI
// package), the policy JSON Schema, README and LICENSE.
//   npm run release-tree -- <dir>
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const target = process.argv[2];
if (!target) {
  console.error("usage: npm run release-tree -- <dir>");
  process.exit(2);
}
const out = resolve(process.cwd(), target);
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });

run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const actions = readdirSync(join(root, "actions"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
for (const action of actions) {
  const source = join(root, "actions", action);
  if (!existsSync(join(source, "dist", "index.js"))) throw new Error(`actions/${action} has no bundle: its build failed`);
  mkdirSync(join(out, action), { recursive: true });
  cpSync(join(source, "action.yml"), join(out, action, "action.yml"));
  cpSync(join(source, "dist"), join(out, action, "dist"), { recursive: true });
}

cpSync(join(root, "gitlab", "templates"), join(out, "templates"), { recursive: true });

// The CLI as one bundled file (from its tsc output, which turbo just built): GitLab components install it with `npm exec`,
// so it must not pull dependencies from the registry at job time.
const cliOut = join(out, "cli");
run("npx", ["ncc", "build", "packages/cli/dist/main.js", "-o", join(cliOut, "dist"), "--license", "licenses.txt", "--quiet", "--target", "es2022"]);
writeFileSync(
  join(cliOut, "package.json"),
  `${JSON.stringify({ name: "@release-gates/cli", version, description: "The release-gates command: release quality gates for any CI.", type: "module", license: "MIT", bin: { "release-gates": "dist/index.js" }, files: ["dist"], engines: { node: ">=20" } }, null, 2)}\n`,
);

mkdirSync(join(out, "schema"), { recursive: true });
cpSync(join(root, "packages", "core", "schema"), join(out, "schema"), { recursive: true });
for (const file of ["README.md", "LICENSE"]) if (existsSync(join(root, file))) cpSync(join(root, file), join(out, file));
console.log(`release tree ${version} written to ${out}: ${actions.join(", ")}, templates/, cli/, schema/`);
