import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { releaseTree, repoRoot, requireReleaseTree } from "./support.js";

beforeAll(() => requireReleaseTree());

describe("the bundles in the release tree", () => {
  const bundleFiles = () =>
    [join(releaseTree, "lib"), join(releaseTree, "cli/dist")].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((name) => /\.m?js$/.test(name))
        .map((name) => join(dir, name)),
    );

  it("import nothing but Node's own modules and their own chunks: users install no dependencies", () => {
    const imported = new Set<string>();
    for (const file of bundleFiles()) {
      const text = readFileSync(file, "utf8");
      for (const [, from, dynamic] of text.matchAll(/\bfrom\s*["']([@\w./:-]+)["']|\bimport\s*\(\s*["']([@\w./:-]+)["']\s*\)/g))
        imported.add((from ?? dynamic) as string);
    }
    const builtins = new Set(builtinModules);
    expect(
      [...imported].filter(
        (specifier) => !specifier.startsWith("node:") && !builtins.has(specifier) && !specifier.startsWith("./") && !specifier.startsWith("../"),
      ),
    ).toEqual([]);
  });

  it("carry no path of the machine that built them", () => {
    for (const file of bundleFiles()) expect(readFileSync(file, "utf8"), file).not.toContain(repoRoot.replace(/\/$/, ""));
  });

  it("every action.yml runs a bundle that exists", () => {
    const actions = readdirSync(releaseTree).filter((name) => existsSync(join(releaseTree, name, "action.yml")));
    expect(actions).toEqual(expect.arrayContaining(["coverage-gate", "perf-gate", "security-gate", "promote"]));
    for (const action of actions) {
      const { runs } = parse(readFileSync(join(releaseTree, action, "action.yml"), "utf8"));
      expect(existsSync(join(releaseTree, action, runs.main)), `${action}: ${runs.main}`).toBe(true);
    }
  });
});
