import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATES } from "../src/gates.js";

/**
 * @release-gates/core as npm would publish it: packed, installed from the
 * tarball into a fresh project (its dependencies from the registry), imported
 * by TypeScript code that is type-checked against the published declarations
 * and run.
 */
const repo = fileURLToPath(new URL("../../../", import.meta.url));
let project: string;
let packed: { files: { path: string }[]; filename: string };

beforeAll(() => {
  execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-b", "packages/core"], { cwd: repo });
  project = mkdtempSync(join(tmpdir(), "rg-core-consumer-"));
  [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", project, "-w", "@release-gates/core"], { cwd: repo, encoding: "utf8" }));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", join(project, packed.filename)], { cwd: project });
}, 300_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("@release-gates/core, packed and installed", () => {
  it("ships the build, the declarations, the JSON Schemas and its README, not its tests", () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "dist/coverage/index.d.ts", "schema/policy.schema.json", "README.md", "package.json"]),
    );
    expect(files.filter((file) => file.startsWith("test/"))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, "node_modules/@release-gates/core/package.json"), "utf8"));
    expect(manifest).toMatchObject({ publishConfig: { access: "public", provenance: true }, repository: { directory: "packages/core" } });
  });

  it("a TypeScript consumer type-checks against its declarations and runs", () => {
    writeFileSync(
      join(project, "consumer.ts"),
      [
        'import { ConfigurationError, GATES, readPolicy } from "@release-gates/core";',
        'import { parseCoverageReport } from "@release-gates/core/coverage";',
        'import { parsePolicy } from "@release-gates/core/policy";',
        'const report = parseCoverageReport("SF:src/a.ts\\nDA:1,1\\nDA:2,0\\nend_of_record\\n");',
        "const lines: number = report.files[0]?.lines.size ?? -1;",
        'const policy = parsePolicy("version: 1\\n").policy;',
        'const read = (await readPolicy("environments: [{ name: staging }]\\n")).policy;',
        "let refused = false;",
        'try { parseCoverageReport("not a report"); } catch (error) { refused = error instanceof ConfigurationError; }',
        "console.log(JSON.stringify({ format: report.format, lines, gates: GATES.map((gate) => gate.id), environments: policy.environments.length + read.environments.length, refused }));",
        "",
      ].join("\n"),
    );
    execFileSync(
      process.execPath,
      [
        join(repo, "node_modules/typescript/bin/tsc"),
        "--strict",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "consumer.ts",
      ],
      { cwd: project },
    );
    expect(JSON.parse(execFileSync(process.execPath, ["consumer.js"], { cwd: project, encoding: "utf8" }))).toEqual({
      format: "lcov",
      lines: 2,
      gates: GATES.map((gate) => gate.id),
      environments: 1,
      refused: true,
    });
  });
});
