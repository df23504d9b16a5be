import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { generatedFiles, updateReadme } from "../src/frontends/index.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

describe("front ends generated from the descriptors", () => {
  for (const { path, content } of generatedFiles()) {
    it(`${path} is up to date (npm run generate)`, () => {
      expect(existsSync(repo(path)), `${path} is missing: run npm run generate`).toBe(true);
      expect(readFileSync(repo(path), "utf8"), `${path} is out of date: run npm run generate`).toBe(content);
      for (const document of parseAllDocuments(content)) expect(document.errors).toEqual([]);
    });
  }

  it("the README's input tables are up to date (npm run generate)", () => {
    const readme = readFileSync(repo("README.md"), "utf8");
    expect(updateReadme(readme), "README.md's generated tables are out of date: run npm run generate").toBe(readme);
  });
});
