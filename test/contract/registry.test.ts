import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "@release-gates/cli";
import { type AnyGateDescriptor, type FrontEnd, GATES, gateView, Policy, schemaAt } from "@release-gates/core";
import { loadGateRunner } from "@release-gates/platform";
import { describe, expect, it } from "vitest";

/**
 * A gate is a descriptor in the registry, and that is all the front ends may
 * need: this walks the registry and checks that every gate has everything a
 * user of each front end relies on (CONTRIBUTING.md lists the steps).
 */
const repo = fileURLToPath(new URL("../../", import.meta.url));
const file = (path: string) => join(repo, path);
const gates = GATES as readonly AnyGateDescriptor[];

async function cli(args: string[]) {
  let stdout = "";
  const code = await main(args, { cwd: repo, env: {}, stdout: (text) => (stdout += text), stderr: () => {} });
  return { code, stdout };
}

describe.each(gates.map((gate) => [gate.name, gate] as const))("%s", (_name, gate) => {
  it("has its section in the policy, with documented defaults", () => {
    expect(Object.keys(Policy.parse({}).gates)).toContain(gate.id);
  });

  it("has its pipeline in the platform, for the same descriptor", async () => {
    expect((await loadGateRunner(gate.id)).descriptor).toBe(gate);
  });

  it("has its action and its GitLab component", () => {
    expect(existsSync(file(`actions/${gate.name}/action.yml`)), `actions/${gate.name}/action.yml: run npm run generate`).toBe(true);
    expect(existsSync(file(`gitlab/templates/${gate.name}.yml`)), `gitlab/templates/${gate.name}.yml: run npm run generate`).toBe(true);
  });

  it("has its CLI command, whose help lists every flag", async () => {
    const help = await cli([gate.command, "--help"]);
    expect(help.code).toBe(0);
    for (const option of gateView(gate).options("cli")) expect(help.stdout).toContain(`--${option.cliName ?? option.name}`);
    expect((await cli(["--help"])).stdout).toContain(`  ${gate.command} `);
  });

  it("has an example workflow that uses it", () => {
    const path = file(`examples/github/${gate.name}.yml`);
    expect(existsSync(path), `examples/github/${gate.name}.yml`).toBe(true);
    expect(readFileSync(path, "utf8")).toMatch(new RegExp(`uses: [\\w.-]+/release-gates/${gate.name}@`));
  });

  it("has end-to-end tests", () => {
    expect(readdirSync(file("test/e2e")).filter((name) => name.startsWith(`${gate.id}-`) && name.endsWith(".test.ts"))).not.toEqual([]);
  });

  it("has a README section with its generated input table", () => {
    const readme = readFileSync(file("README.md"), "utf8");
    expect(readme).toMatch(new RegExp(`^## The ${gate.title.toLowerCase()}`, "m"));
    expect(readme).toContain(`<!-- generated: ${gate.name} inputs (npm run generate) -->`);
  });

  it("each option sets a setting that exists, and no front end has two options of one name", () => {
    for (const option of gate.options) if (option.setting) expect(() => schemaAt(gate.settings, option.setting as string), option.name).not.toThrow();
    for (const frontEnd of ["action", "cli", "gitlab"] satisfies FrontEnd[]) {
      const names = gateView(gate)
        .options(frontEnd)
        .map((option) => (frontEnd === "cli" ? (option.cliName ?? option.name) : option.name));
      expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    }
  });
});
