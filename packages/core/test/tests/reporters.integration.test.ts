import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseTestResults } from "../../src/tests/results.js";

const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const tools = join(repo, "test/tools/node_modules");
const project = mkdtempSync(join(tmpdir(), "rg-reporters-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** The same small project for every runner: a pass, a failure, a skip, a todo, and a file that cannot load. */
function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(project, path, ".."), { recursive: true });
    writeFileSync(join(project, path), text);
  }
}

const outcomes = (path: string) =>
  Object.fromEntries(parseTestResults(readFileSync(path, "utf8"), path).cases.map((result) => [result.name, [result.outcome, result.setup]]));

/**
 * The reporters run for real (installed by `npm test` into test/tools): what
 * they write for the cases where readers go wrong is what the gate reads.
 */
describe("real reports from the real tools", () => {
  it("jest 29 + jest-junit 16: the todo is a todo (written as a case with no result); the file that cannot load is absent", () => {
    write({
      "jest/cart.test.js":
        'describe("cart", () => {\n  it("adds", () => expect(1 + 1).toBe(2));\n  it("fails", () => expect(1).toBe(2));\n  it.skip("skipped", () => {});\n  it.todo("todo later");\n});\n',
      "jest/broken.test.js": 'require("./does-not-exist");\nit("never runs", () => {});\n',
    });
    write({
      "jest/jest.config.json": JSON.stringify({
        rootDir: ".",
        reporters: [[join(tools, "jest-junit"), { outputDirectory: join(project, "jest-out") }]],
      }),
    });
    spawnSync(process.execPath, [join(tools, "jest/bin/jest.js"), "--config", join(project, "jest/jest.config.json")], {
      cwd: join(project, "jest"),
      encoding: "utf8",
    });
    expect(outcomes(join(project, "jest-out/junit.xml"))).toEqual({
      "cart adds": ["passed", false],
      "cart fails": ["failed", false],
      "cart skipped": ["skipped", false],
      "cart todo later": ["todo", false],
    });
  });

  it("vitest (this repository's): a file that cannot load is a setup error named after the file", () => {
    write({
      "vitest/cart.test.js":
        'import { describe, expect, it } from "vitest";\ndescribe("cart", () => {\n  it("adds", () => expect(1 + 1).toBe(2));\n  it("fails", () => expect(1).toBe(2));\n  it.skip("skipped", () => {});\n});\n',
      "vitest/broken.test.js": 'import "./does-not-exist.js";\nimport { it } from "vitest";\nit("never runs", () => {});\n',
    });
    spawnSync(
      process.execPath,
      [join(repo, "node_modules/vitest/vitest.mjs"), "run", "--root", join(project, "vitest"), "--reporter=junit", "--outputFile=junit.xml"],
      {
        cwd: join(project, "vitest"),
        encoding: "utf8",
      },
    );
    expect(outcomes(join(project, "vitest/junit.xml"))).toEqual({
      "broken.test.js": ["failed", true],
      "cart > adds": ["passed", false],
      "cart > fails": ["failed", false],
      "cart > skipped": ["skipped", false],
    });
  });

  it("mocha 10 + mocha-junit-reporter 2: pending tests are left out of the cases (its header still counts them)", () => {
    write({
      "mocha/cart.test.js":
        'const assert = require("node:assert");\ndescribe("cart", () => {\n  it("adds", () => assert.equal(1 + 1, 2));\n  it("fails", () => assert.equal(1, 2));\n  it.skip("skipped", () => {});\n  it("pending without a body");\n});\n',
    });
    spawnSync(process.execPath, [join(tools, "mocha/bin/mocha.js"), "mocha/cart.test.js", "--reporter", join(tools, "mocha-junit-reporter")], {
      cwd: project,
      env: { ...process.env, MOCHA_FILE: join(project, "mocha-out/junit.xml") },
      encoding: "utf8",
    });
    const text = readFileSync(join(project, "mocha-out/junit.xml"), "utf8");
    expect(text).toMatch(/<testsuites [^>]*tests="4"/);
    expect(outcomes(join(project, "mocha-out/junit.xml"))).toEqual({ "cart adds": ["passed", false], "cart fails": ["failed", false] });
  });

  it("the tools are the pinned ones", () => {
    const version = (name: string) => JSON.parse(execFileSync("cat", [join(tools, name, "package.json")], { encoding: "utf8" })).version;
    expect([version("jest"), version("jest-junit"), version("mocha"), version("mocha-junit-reporter")]).toEqual(["29.7.0", "16.0.0", "10.8.2", "2.2.1"]);
  });
});
