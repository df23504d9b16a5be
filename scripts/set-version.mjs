#!/usr/bin/env node
// Sets the one version every release-gates package shares: the root and each
// workspace package.json, the workspaces' dependencies on each other,
// TOOL_VERSION, and what is generated from it (the components pin the CLI of
// their own release), then refreshes the lock file.
//   npm run set-version -- 1.2.0
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const version = process.argv[2]?.replace(/^v/, "");
if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error("usage: npm run set-version -- X.Y.Z   (a semantic version, e.g. 1.2.0 or 2.0.0-rc.1)");
  process.exit(2);
}

const manifests = ["package.json", ...JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces.map((dir) => `${dir}/package.json`)];
for (const file of manifests) {
  const manifest = JSON.parse(readFileSync(join(root, file), "utf8"));
  manifest.version = version;
  for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
    for (const name of Object.keys(manifest[field] ?? {})) if (name.startsWith("@release-gates/")) manifest[field][name] = version;
  }
  writeFileSync(join(root, file), `${JSON.stringify(manifest, null, 2)}\n`);
}
const versionFile = join(root, "packages/core/src/version.ts");
writeFileSync(versionFile, readFileSync(versionFile, "utf8").replace(/TOOL_VERSION = "[^"]*"/, `TOOL_VERSION = "${version}"`));
execFileSync("node", ["scripts/generate.mjs"], { cwd: root, stdio: "inherit" });
execFileSync("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
console.log(`release-gates is now ${version}: commit, then release it (RELEASING.md)`);
