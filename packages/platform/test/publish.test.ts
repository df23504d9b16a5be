import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { publishAnnotations, publishSummary } from "../src/github/publish.js";

// The real @actions/core, writing to real files, as the runner provides them.
let summaryFile: string;
let output: string[];
const saved = { ...process.env };
beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), "rg-publish-"));
  summaryFile = join(dir, "summary.md");
  writeFileSync(summaryFile, "");
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
  output = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

describe("publishing to GitHub through @actions/core", () => {
  it("annotations are capped at 10 per level, and the rest are counted", () => {
    const findings = Array.from({ length: 12 }, (_, index) => ({
      id: "patch.uncovered",
      severity: "warning" as const,
      message: `Lines ${index}`,
      location: { path: "src/a.ts", startLine: index + 1, endLine: index + 2 },
    }));
    expect(publishAnnotations(findings, "Coverage gate")).toBe(10);
    const commands = output.filter((line) => line.startsWith("::warning"));
    expect(commands).toHaveLength(10);
    expect(commands[0]).toBe("::warning title=Coverage gate,file=src/a.ts,line=1,endLine=2::Lines 0\n");
    expect(output.join("")).toContain("2 more findings were not annotated");
  });

  it("the summary is appended to GITHUB_STEP_SUMMARY", async () => {
    await publishSummary("## ✅ coverage-gate: pass\n");
    await publishSummary("second\n");
    expect(readFileSync(summaryFile, "utf8")).toBe("## ✅ coverage-gate: pass\n\nsecond\n\n");
  });
});
