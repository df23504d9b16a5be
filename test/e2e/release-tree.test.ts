import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { GATES } from "@release-gates/core";
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

  it("hold one copy of each version of a package, however many workspaces install it", () => {
    const copies = new Map<string, Set<string>>();
    for (const map of bundleFiles().map((file) => `${file}.map`)) {
      for (const source of JSON.parse(readFileSync(map, "utf8")).sources as string[]) {
        const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(source);
        if (!match) continue;
        const dir = resolve(dirname(map), match[1] as string);
        // A package's own source map may name its unpublished sources (@octokit/src/…): no package there to count.
        if (!existsSync(join(dir, "package.json"))) continue;
        const key = `${match[2]}@${JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version}`;
        copies.set(key, (copies.get(key) ?? new Set()).add(relative(repoRoot, dir)));
      }
    }
    expect(copies.size).toBeGreaterThan(5);
    expect([...copies].filter(([, dirs]) => dirs.size > 1).map(([key, dirs]) => `${key}: ${[...dirs].join(", ")}`)).toEqual([]);
  });

  describe("leave out of an action's startup what most runs never need", () => {
    /** The files an action's entry loads before it runs: its static imports, followed. */
    const startupOf = (entry: string) => {
      const files = new Set<string>();
      const visit = (file: string) => {
        if (files.has(file)) return;
        files.add(file);
        for (const [, from] of readFileSync(file, "utf8").matchAll(/(?:^|[;}\n])import\s*(?:[\w{}\s,$*]+from\s*)?"(\.\.?\/[^"]+)"/g))
          visit(resolve(dirname(file), from as string));
      };
      visit(join(releaseTree, "lib", entry));
      return [...files].map((file) => readFileSync(file, "utf8"));
    };
    const entries = () =>
      readdirSync(join(releaseTree, "lib"))
        .filter((name) => name.endsWith(".mjs"))
        .sort();
    const bundled = (marker: string) =>
      readdirSync(join(releaseTree, "lib/chunks")).some(
        (name) => name.endsWith(".mjs") && readFileSync(join(releaseTree, "lib/chunks", name), "utf8").includes(marker),
      );

    it("the CVSS 4.0 calculator loads with the first 4.0 vector to score", () => {
      // "MacroVector" is in the calculator's code only (CVSS 4.0 scores by macro vector).
      expect(bundled("MacroVector")).toBe(true);
      expect(entries().filter((entry) => startupOf(entry).some((text) => text.includes("MacroVector")))).toEqual([]);
    });

    it("node:util is not imported: as an ES module, Node runs every lazy getter it has (parseArgs, diff, worker_threads)", () => {
      expect(entries().filter((entry) => startupOf(entry).some((text) => /from\s*"node:util"/.test(text)))).toEqual([]);
    });

    it("the yaml library loads where js-yaml cannot read a file as it would, except for the YAML streams of rules and sign-offs", () => {
      // An error code of the yaml library, in none of our code.
      expect(bundled("DUPLICATE_KEY")).toBe(true);
      expect(entries().filter((entry) => startupOf(entry).some((text) => text.includes("DUPLICATE_KEY")))).toEqual([
        "observability-gate.mjs",
        "signoff-gate.mjs",
      ]);
    });
  });

  it("carry no path of the machine that built them", () => {
    for (const file of bundleFiles()) expect(readFileSync(file, "utf8"), file).not.toContain(repoRoot.replace(/\/$/, ""));
  });

  it("every action.yml runs a bundle that exists", () => {
    const actions = readdirSync(releaseTree).filter((name) => existsSync(join(releaseTree, name, "action.yml")));
    expect(actions).toEqual(expect.arrayContaining(["promote", ...GATES.map((gate) => `${gate.id}-gate`)]));
    for (const action of actions) {
      const { runs } = parse(readFileSync(join(releaseTree, action, "action.yml"), "utf8"));
      expect(existsSync(join(releaseTree, action, runs.main)), `${action}: ${runs.main}`).toBe(true);
    }
  });
});

describe("the reusable workflow in the release tree", () => {
  const path = () => join(releaseTree, ".github/workflows/release-gates.yml");

  it("is the only workflow the tree carries, and it passes the supply chain rules", async () => {
    expect(readdirSync(join(releaseTree, ".github/workflows"))).toEqual(["release-gates.yml"]);
    const { supplyChainProblems } = await import("@release-gates/test-helpers/workflow-rules");
    expect(supplyChainProblems(readFileSync(path(), "utf8"), "release-gates.yml")).toEqual([]);
  });

  it("uses this release's actions, each with inputs it declares, and runs every gate of the registry", () => {
    const workflow = parse(readFileSync(path(), "utf8"));
    const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version;
    const steps = Object.values(workflow.jobs as Record<string, { steps: { uses?: string; with?: Record<string, unknown>; if?: string }[] }>).flatMap(
      (job) => job.steps,
    );
    const ours = steps.flatMap((step) => {
      const match = /^[\w.-]+\/release-gates\/([\w-]+)@v(.+)$/.exec(step.uses ?? "");
      return match ? [{ step, action: match[1] as string, version: match[2] }] : [];
    });
    expect(new Set(ours.map((entry) => entry.action))).toEqual(new Set(["promote", ...GATES.map((gate) => `${gate.id}-gate`)]));
    for (const { step, action, version: used } of ours) {
      expect(used).toBe(version);
      const declared = Object.keys(parse(readFileSync(join(releaseTree, action, "action.yml"), "utf8")).inputs);
      for (const input of Object.keys(step.with ?? {})) expect(declared, `${action} input`).toContain(input);
    }
    expect(ours.filter((entry) => entry.action.endsWith("-gate")).map((entry) => entry.step.if)).toEqual(GATES.map((gate) => `matrix.gate == '${gate.id}'`));
  });
});
