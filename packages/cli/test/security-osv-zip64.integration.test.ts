import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixturePath } from "@release-gates/test-helpers/fixtures";
import { pythonOsvSnapshotZip } from "@release-gates/test-helpers/zip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

/**
 * OSV's npm/all.zip holds far more than 65,535 advisories, so its writer
 * uses ZIP64 records: the real advisories of the corpus plus 66,000 fillers
 * for packages nobody installs make an archive of that kind.
 */
const FILLERS = 66_000;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rg-osv-zip64-"));
  const advisories = fixturePath("security/advisories");
  const files = Object.fromEntries(readdirSync(advisories).map((name) => [name, readFileSync(join(advisories, name), "utf8")]));
  writeFileSync(join(dir, "all.zip"), pythonOsvSnapshotZip(files, FILLERS));
  copyFileSync(fixturePath("security/generated/audit-demo/package-lock.json"), join(dir, "package-lock.json"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an OSV snapshot zip the size of npm/all.zip", () => {
  it("is a ZIP64 archive, read entry by entry: every advisory counted, the inventory's matched", async () => {
    const archive = readFileSync(join(dir, "all.zip"));
    // The ZIP64 end-of-central-directory record: the archive is of the kind refused before.
    expect(archive.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const out: string[] = [];
    const code = await main(["security", "--sbom", "package-lock.json", "--advisories", "all.zip", "--format", "json"], {
      cwd: dir,
      env: {},
      stdout: (text) => out.push(text),
      stderr: (text) => out.push(text),
    });
    expect(code).toBe(1);
    const report = JSON.parse(out.join(""));
    expect(report.predicate.inputs[1].format).toBe(`osv-zip (${FILLERS + 14} advisories)`);
    expect(report.predicate.findings.map((finding: { id: string }) => finding.id)).toContain("GHSA-c7hr-j4mj-j2w6");
  });
});
