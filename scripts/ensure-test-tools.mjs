#!/usr/bin/env node
// Installs the end-to-end tools (gitlab-ci-local and the Node 24 it runs under)
// into test/tools when they are missing. They live outside the root workspace
// so that Node 24's binary never shadows the Node 20 the project is tested on.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const tools = resolve(import.meta.dirname, "../test/tools");
if (!existsSync(resolve(tools, "node_modules/.bin/node")) || !existsSync(resolve(tools, "node_modules/gitlab-ci-local/dist/index.js"))) {
  execFileSync("npm", ["ci", "--prefix", tools, "--no-audit", "--no-fund"], { stdio: "inherit" });
}
