#!/usr/bin/env node
// Writes the skeleton of a new gate and wires it into the registry, so that
// what is left is the gate's own logic (CONTRIBUTING.md walks through it):
//   npm run new-gate -- <id>          e.g. npm run new-gate -- observability
// The evaluate stub throws until it is written, so its unit test and its
// end-to-end test fail until then; `npm run generate` then writes the action
// and the GitLab component from the descriptor.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { importSource } from "./bundle.mjs";

const root = resolve(import.meta.dirname, "..");
const { PINNED_ACTIONS } = await importSource("packages/core/src/frontends/pins.ts");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const id = process.argv[2];
if (!id || !/^[a-z][a-z0-9]*$/.test(id)) {
  console.error("usage: npm run new-gate -- <id>   (lower-case letters and digits, e.g. observability)");
  process.exit(2);
}
const name = `${id}-gate`;
const Pascal = id.charAt(0).toUpperCase() + id.slice(1);
if (existsSync(join(root, "packages/core/src", id))) {
  console.error(`packages/core/src/${id} exists already: is ${id} a gate yet?`);
  process.exit(2);
}

const files = {
  [`packages/core/src/${id}/settings.ts`]: `import * as z from "zod";
import { NoDataOutcome } from "../report/schema.js";

/** \`gates.${id}\` in release-gates.yml; every key has a documented default. */
export const ${Pascal}Settings = z.strictObject({
  /** The evidence the gate reads, relative to the project (globs). */
  inputs: z.array(z.string().min(1)).default([]),
  /** Nothing to measure fails by default: a vacuous pass hides regressions. */
  onNoData: NoDataOutcome.default("fail"),
});

export type ${Pascal}Settings = z.infer<typeof ${Pascal}Settings>;
`,
  [`packages/core/src/${id}/evaluate.ts`]: `import type { Check, Finding } from "../report/schema.js";
import type { ${Pascal}Settings } from "./settings.js";

export interface ${Pascal}Evaluation {
  checks: Check[];
  findings: Finding[];
  details: Record<string, unknown>;
}

/** Decides the ${id} gate from what its pipeline read. */
export function evaluate${Pascal}(settings: ${Pascal}Settings, inputs: readonly { path: string; text: string }[]): ${Pascal}Evaluation {
  throw new Error(\`evaluate${Pascal} is not written yet (\${inputs.length} inputs, onNoData \${settings.onNoData})\`);
}
`,
  [`packages/core/src/${id}/gate.ts`]: `import { defineGate } from "../kit/descriptor.js";
import { ${Pascal}Settings } from "./settings.js";

/** What a ${id} run keeps besides its report, for its documents. */
export type ${Pascal}Extra = Record<never, never>;

/** The ${id} gate. */
export const ${id}Gate = defineGate<typeof ${Pascal}Settings, ${Pascal}Extra>({
  id: "${id}",
  name: "${name}",
  command: "${id}",
  title: "${Pascal} gate",
  description: "Decides whether … meets the release policy and explains why.",
  summary: "${id} gate: …",
  help: "Reads …, decides against the policy and writes the gate report.",
  icon: "check-circle",
  settings: ${Pascal}Settings,
  options: [
    {
      name: "input",
      kind: "list",
      setting: "inputs",
      placeholder: "GLOB",
      shownDefault: "the policy's",
      description: "The evidence to read, paths or globs, one per line.",
    },
  ],
  documents: [],
  outputs: [],
  gitlab: { stage: "test", stageHint: "after the jobs that write what it reads" },
  renderers: async () => (await import("./renderers.js")).${id}Renderers,
});
`,
  [`packages/core/src/${id}/renderers.ts`]: `import type { GateRenderers } from "../kit/descriptor.js";
import type { ${Pascal}Extra } from "./gate.js";

export const ${id}Renderers: GateRenderers<${Pascal}Extra> = {
  markdownSections: () => [],
};
`,
  [`packages/core/src/${id}/index.ts`]: `/** @release-gates/core/${id}: the ${id} gate's settings, descriptor and decision. */
export { type ${Pascal}Evaluation, evaluate${Pascal} } from "./evaluate.js";
export { type ${Pascal}Extra, ${id}Gate } from "./gate.js";
export { ${Pascal}Settings } from "./settings.js";
`,
  [`packages/core/test/${id}/evaluate.test.ts`]: `import { describe, expect, it } from "vitest";
import { evaluate${Pascal} } from "../../src/${id}/evaluate.js";
import { ${Pascal}Settings } from "../../src/${id}/settings.js";

// Real inputs belong in packages/test-helpers/fixtures/${id}/ (copied from the corpus, with its SOURCES note).
describe("the ${id} gate", () => {
  it("no evidence at all is no-data, which fails by default", () => {
    const evaluation = evaluate${Pascal}(${Pascal}Settings.parse({}), []);
    expect(evaluation.checks.map((check) => check.status)).toEqual(["no-data"]);
  });
});
`,
  [`packages/platform/src/gates/${id}.ts`]: `import { type ${Pascal}Extra, type ${Pascal}Settings, ${id}Gate, evaluate${Pascal} } from "@release-gates/core/${id}";
import { type GateRequest, type GateRunner, runGate } from "../kit/run-gate.js";
import { expandGlobs, projectInput, readTextFile } from "../local/files.js";

/** The ${id} gate from files to report: reads the evidence the settings name, lets core decide. */
export async function run${Pascal}Gate(request: GateRequest<${Pascal}Settings>) {
  return runGate(${id}Gate, request, async ({ cwd, settings }) => {
    const inputs = [];
    for (const path of await expandGlobs(settings.inputs, cwd)) {
      // projectInput refuses a symbolic link out of the project (a pull request can add one).
      const input = projectInput(cwd, path);
      inputs.push({ path: input.shown, ...(await readTextFile(input.path, input.shown, "…")) });
    }
    const evaluation = evaluate${Pascal}(settings, inputs);
    return {
      ...evaluation,
      inputs: inputs.map((input) => ({ path: input.path, format: "${id}", sha256: input.sha256 })),
      extra: {} satisfies ${Pascal}Extra,
    };
  });
}

export const ${id}Runner: GateRunner<typeof ${id}Gate.settings, ${Pascal}Extra> = {
  descriptor: ${id}Gate,
  run: (request) => run${Pascal}Gate(request),
};
`,
  [`test/e2e/${id}-gate.test.ts`]: `import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestRepo, type TestRepo } from "@release-gates/test-helpers/git-repo";
import { expectValidReport } from "@release-gates/test-helpers/report-contract";
import { describe, expect, it } from "vitest";
import { cleanEnv, node24, releaseTree, runBundledAction, runProcess, useTestRepos } from "./support.js";

const repos = useTestRepos();

function project(): TestRepo {
  const repo = createTestRepo({ "README.md": "a project\\n" });
  repo.commit("project");
  repos.push(repo);
  return repo;
}

describe("${name} from the release tree", () => {
  it("the CLI bundle writes a valid report", async () => {
    const repo = project();
    const result = await runProcess(process.execPath, [join(releaseTree, "cli/dist/index.js"), "${id}"], { cwd: repo.dir, env: cleanEnv() });
    expect([0, 1], result.stderr).toContain(result.code);
    expectValidReport(JSON.parse(readFileSync(join(repo.dir, "release-gates/${id}-report.json"), "utf8")));
  });

  it("the action bundle, as the runner runs it under Node 24, sets its status", async () => {
    const repo = project();
    const run = await runBundledAction("${name}", { node: node24, workspace: repo.dir, event: {}, eventName: "push", inputs: { comment: "false" } });
    expect(run.outputs.status, run.stdout + run.stderr).toMatch(/^(pass|warn|fail)$/);
    expect(existsSync(join(repo.dir, "release-gates/${id}-report.json"))).toBe(true);
  });
});
`,
  [`examples/github/${name}.yml`]: `# Copy to .github/workflows/${name}.yml in your repository.
name: ${id} gate
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  ${id}:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write # one comment per pull request, edited in place on each push
    steps:
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          persist-credentials: false
      - id: gate
        uses: acme/release-gates/${name}@v${version}
      - uses: ${PINNED_ACTIONS.uploadArtifact}
        if: always()
        with:
          name: ${name}-report
          path: \${{ steps.gate.outputs.report-path }}
`,
};

for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}

/** Inserts `text` into a file after the line matching `after` (the registry lists). */
function edit(path, change) {
  const file = join(root, path);
  const before = readFileSync(file, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`could not find where to add ${id} in ${path}: add it by hand (CONTRIBUTING.md)`);
  writeFileSync(file, after);
  console.log(`edited ${path}`);
}

edit("packages/core/src/gates.ts", (text) =>
  text
    .replace(/(import \{ securityGate \} from "\.\/security\/gate\.js";\n)/, `$1import { ${id}Gate } from "./${id}/gate.js";\n`)
    .replace(/export const GATES = \[([^\]]*)\] as const;/, (_all, list) => `export const GATES = [${list}, ${id}Gate] as const;`),
);
edit("packages/platform/src/gates/index.ts", (text) =>
  text.replace(/(\n\} satisfies Record<GateId)/, `\n  ${id}: async () => (await import("./${id}.js")).${id}Runner,$1`),
);
edit("README.md", (text) =>
  text.replace(
    /\n## promote: /,
    `\n## The ${id} gate\n\nWhat the gate decides, from what, and how to run it through each front end.\n\n<!-- generated: ${name} inputs (npm run generate) -->\n<!-- end generated: ${name} inputs -->\n\n## promote: `,
  ),
);

execFileSync(process.execPath, [join(root, "scripts/generate.mjs")], { stdio: "inherit" });
// The project's formatting and import order, on what was written and edited.
const edited = ["packages/core/src/gates.ts", "packages/platform/src/gates/index.ts"];
execFileSync(join(root, "node_modules/.bin/biome"), ["check", "--write", ...Object.keys(files), ...edited], { cwd: root, stdio: "ignore" });
console.log(`
${name}: the skeleton is in place. Next (CONTRIBUTING.md):
  1. write evaluate${Pascal} in packages/core/src/${id}/evaluate.ts until packages/core/test/${id}/evaluate.test.ts passes, on real inputs
  2. give the descriptor its options, outputs and documents (packages/core/src/${id}/gate.ts), then npm run generate
  3. read the evidence in packages/platform/src/gates/${id}.ts; make test/e2e/${id}-gate.test.ts prove it from the release tree
  4. fill in the README section and examples/github/${name}.yml`);
