#!/usr/bin/env node
// What `npm test` needs beyond npm ci, installed when missing:
//  - the end-to-end tools (gitlab-ci-local and the Node 24 it runs under) and
//    the test runners whose real reports the test gate's tests read (jest with
//    jest-junit, mocha with mocha-junit-reporter) into test/tools, apart from
//    the root so Node 24's binary never shadows the Node 20 the project is
//    tested on;
//  - the Debian packages rsync (gitlab-ci-local copies the project with it)
//    and prometheus (the tests run a real server on loopback), with apt-get
//    when this user may (root, or sudo without a password).
// What cannot be installed is said once here; the tests that need it are then
// skipped with the same command, except under REQUIRE_TEST_TOOLS=1 (.ci/run).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const tools = resolve(import.meta.dirname, "../test/tools");
const needed = [
  "node_modules/.bin/node",
  "node_modules/gitlab-ci-local/dist/index.js",
  "node_modules/jest-junit/package.json",
  "node_modules/mocha-junit-reporter/package.json",
];
if (needed.some((path) => !existsSync(resolve(tools, path)))) {
  execFileSync("npm", ["ci", "--prefix", tools, "--no-audit", "--no-fund"], { stdio: "inherit" });
}

const present = { rsync: () => spawnSync("sh", ["-c", "command -v rsync"]).status === 0, prometheus: () => existsSync("/usr/bin/prometheus") };
const missing = Object.keys(present).filter((name) => !present[name]());
if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
  const apt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (apt && (root || sudo)) {
    const as = (args) => (root ? execFileSync(args[0], args.slice(1), { stdio: "inherit" }) : execFileSync("sudo", ["-n", ...args], { stdio: "inherit" }));
    console.log(`installing ${missing.join(" and ")} for the tests that need them`);
    try {
      as(["apt-get", "update", "-qq"]);
      as(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing]);
    } catch {
      console.log(`could not install ${missing.join(" and ")}: the tests that need them will be skipped`);
    }
  } else {
    console.log(
      `${missing.join(" and ")} missing and not installable here: the tests that need them will be skipped (sudo apt-get install -y ${missing.join(" ")})`,
    );
  }
}
