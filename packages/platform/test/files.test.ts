import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCoverageReport } from "../src/gates/coverage.js";
import { expandGlobs, listFiles, projectInput, streamTextFile } from "../src/local/files.js";

const corpus = (name: string) => fixturePath(`coverage/${name}`);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rg-files-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function readError(path: string): Promise<ConfigurationError> {
  const error = await readCoverageReport(path, "coverage/report").catch((caught) => caught);
  expect(error).toBeInstanceOf(ConfigurationError);
  return error;
}

describe("finding reports", () => {
  it("expands globs but never searches node_modules or .git", async () => {
    for (const path of ["coverage/lcov.info", "packages/a/coverage/lcov.info", "node_modules/x/coverage/lcov.info", ".git/lcov.info"]) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), "");
    }
    const found = await expandGlobs(["**/lcov.info", "coverage/lcov.info", "missing.xml"], dir);
    expect(found.map((path) => path.slice(dir.length + 1))).toEqual(["coverage/lcov.info", "packages/a/coverage/lcov.info"]);
    expect(await listFiles(dir)).toHaveLength(2);
  });
});

describe("input paths and symbolic links", () => {
  it("a path of the project that leads outside it through a link is refused; one the user names outside is theirs", async () => {
    const outside = mkdtempSync(join(tmpdir(), "rg-outside-"));
    try {
      writeFileSync(join(outside, "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
      mkdirSync(join(dir, "coverage"));
      symlinkSync(join(outside, "id_rsa"), join(dir, "coverage/lcov.info"));
      symlinkSync(outside, join(dir, "reports"));
      writeFileSync(join(dir, "real.info"), "SF:a\nend_of_record\n");
      symlinkSync(join(dir, "real.info"), join(dir, "coverage/inside.info"));
      for (const given of ["coverage/lcov.info", "reports/id_rsa"]) {
        expect(() => projectInput(dir, given)).toThrow(
          new ConfigurationError(
            "expected a file of the project, found a symbolic link that leads outside it (refused: it could expose the runner's files)",
            given,
          ),
        );
      }
      expect(projectInput(dir, "coverage/inside.info")).toEqual({ path: join(dir, "coverage/inside.info"), shown: "coverage/inside.info" });
      expect(projectInput(dir, join(outside, "id_rsa")).path).toBe(join(outside, "id_rsa"));
      expect(projectInput(dir, "missing.info").shown).toBe("missing.info");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("streaming a report from disk", () => {
  it("detects the format and computes the digest of the bytes", async () => {
    const report = await readCoverageReport(corpus("cobertura-coverlet-porting-assistant-windows-paths.xml"), "coverage.cobertura.xml");
    expect(report.format).toBe("cobertura");
    expect(report.sha256.slice(0, 16)).toBe("a7ee24d5c7459392"); // SOURCES.md
    expect(report.files).toHaveLength(80);
  });

  it("a large file is hashed on another thread while it is read, to the same digest", async () => {
    const path = corpus("cobertura-coverlet-porting-assistant-windows-paths.xml");
    const pieces: string[] = [];
    const digest = await streamTextFile(path, "report.xml", "a report", (text) => pieces.push(text), 1);
    expect(digest).toBe(createHash("sha256").update(readFileSync(path)).digest("hex"));
    expect(pieces.join("")).toBe(readFileSync(path, "utf8"));
  });

  it("an error in the text while the other thread hashes is the answer, and the hashing stops", async () => {
    const path = corpus("cobertura-coverlet-porting-assistant-windows-paths.xml");
    const failing = () => {
      throw new ConfigurationError("expected a report, found something else", undefined, 3);
    };
    await expect(streamTextFile(path, "report.xml", "a report", failing, 1)).rejects.toThrow("report.xml, line 3: expected a report, found something else");
  });

  it("a UTF-8 BOM before an lcov file is skipped", async () => {
    writeFileSync(join(dir, "lcov.info"), "\uFEFFSF:a.ts\nDA:1,1\nend_of_record\n");
    expect((await readCoverageReport(join(dir, "lcov.info"), "lcov.info")).format).toBe("lcov");
  });

  it("multi-byte characters cut by a chunk boundary survive", async () => {
    const name = `src/${"é".repeat(700_000)}.ts`;
    writeFileSync(join(dir, "lcov.info"), `SF:${name}\nDA:1,1\nend_of_record\n`);
    expect((await readCoverageReport(join(dir, "lcov.info"), "lcov.info")).files[0]?.path).toBe(name);
  });

  it.each([
    [
      "binary data",
      Buffer.from([0x53, 0x46, 0x3a, 0x00, 0xff, 0x00]),
      "coverage/report: expected a readable text coverage report, found binary data (NUL bytes)",
    ],
    ["an empty file", Buffer.alloc(0), "coverage/report: expected a coverage report, found an empty file"],
    [
      "a truncated lcov file",
      Buffer.from("SF:a.ts\nDA:1,1\n"),
      "coverage/report, line 2: expected end_of_record for a.ts (opened at line 1), found the end of the file (truncated?)",
    ],
  ])("%s is one sentence naming the file", async (_name, bytes, message) => {
    writeFileSync(join(dir, "report"), bytes);
    expect((await readError(join(dir, "report"))).message).toBe(message);
  });

  it("dotCover's coverage.xml is refused by content, naming the file", async () => {
    writeFileSync(join(dir, "report"), readFileSync(corpus("dotcover-xml-named-coverage-xml-porting-assistant.xml")));
    expect((await readError(join(dir, "report"))).message).toMatch(
      /^coverage\/report: expected a coverage report with file paths and line numbers, found a JetBrains dotCover XML report/,
    );
  });

  it("a missing file and a directory are named as such", async () => {
    expect((await readError(join(dir, "nope"))).message).toBe("coverage/report: expected a readable text coverage report, found no such file");
    expect((await readError(dir)).message).toBe("coverage/report: expected a readable text coverage report, found a directory");
  });
});
