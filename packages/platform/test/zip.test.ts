import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { pythonZip } from "@release-gates/test-helpers/zip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractZipEntry, forEachZipEntry } from "../src/local/zip.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rg-zip-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const roomy = { maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 20 };

/** Every entry's name and text, read the way the gates read them. */
async function unpack(archive: Buffer, limits = roomy): Promise<[string, string][]> {
  const path = join(dir, "archive.zip");
  writeFileSync(path, archive);
  const entries: [string, string][] = [];
  await forEachZipEntry(path, "artifact", limits, async (entry) => {
    entries.push([entry.name, (await entry.bytes()).toString()]);
  });
  return entries;
}

describe("zip archives: artifacts and OSV snapshots, written by another implementation", () => {
  const lcov = "SF:src/a.ts\nDA:1,1\nend_of_record\n".repeat(50);

  it.each([
    ["deflated", { deflate: true }],
    ["stored", { deflate: false }],
    ["ZIP64 deflated", { deflate: true, zip64: true }],
  ])("reads %s entries", async (_name, options) => {
    expect(await unpack(pythonZip({ "coverage/lcov.info": lcov, "coverage/summary.json": "{}" }, options))).toEqual([
      ["coverage/lcov.info", lcov],
      ["coverage/summary.json", "{}"],
    ]);
  });

  it("stops where the visitor says so", async () => {
    const path = join(dir, "a.zip");
    writeFileSync(path, pythonZip({ "a.txt": "a", "b.txt": "b", "c.txt": "c" }));
    const seen: string[] = [];
    await forEachZipEntry(path, "artifact", roomy, (entry) => {
      seen.push(entry.name);
      return entry.name !== "b.txt";
    });
    expect(seen).toEqual(["a.txt", "b.txt"]);
  });

  /** A deflated archive whose entry data is damaged, its headers intact. */
  function damaged(): Buffer {
    const archive = Buffer.from(pythonZip({ "lcov.info": lcov }, { deflate: true }));
    const dataStart = 30 + archive.readUInt16LE(26) + archive.readUInt16LE(28);
    const compressedSize = archive.readUInt32LE(18);
    archive.fill(0xff, dataStart, dataStart + compressedSize);
    return archive;
  }

  it.each([
    [
      "an entry that climbs out of the archive",
      pythonZip({ "../../etc/cron.d/x": "boom" }),
      /^artifact: expected a zip archive, found an entry whose name points outside the archive/,
    ],
    ["an absolute entry name", pythonZip({ "/etc/passwd": "boom" }), /^artifact: expected a zip archive, found an entry whose name points outside the archive/],
    ["something that is not a zip", Buffer.from("<html>rate limited</html>"), /found no end-of-central-directory record \(not a zip, or truncated\)$/],
    ["a truncated archive", pythonZip({ "lcov.info": lcov }).subarray(0, 100), /found no end-of-central-directory record/],
    ["damaged compressed data", damaged(), /^artifact: expected a zip archive, found a damaged archive at entry "lcov.info" \(/],
    ["an empty file", Buffer.alloc(0), /found no end-of-central-directory record/],
  ])("refuses %s in one sentence", async (_name, archive, message) => {
    const error = await unpack(archive).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("refuses an archive or an entry that unpacks past its limit, before reading it", async () => {
    const archive = pythonZip({ "a.txt": "x".repeat(4096), "b.txt": "y".repeat(4096) });
    await expect(unpack(archive, { maxTotalBytes: 6000, maxEntryBytes: 5000 })).rejects.toThrow(/found more than 6000 bytes once unpacked$/);
    await expect(unpack(archive, { maxTotalBytes: 1 << 20, maxEntryBytes: 1000 })).rejects.toThrow(
      /found entry "a.txt" of 4096 bytes, more than the 1000 allowed$/,
    );
  });

  it("an entry whose data is longer than its header says (a lying zip bomb) fails while streaming", async () => {
    const archive = Buffer.from(pythonZip({ "a.txt": "x".repeat(4096) }, { deflate: true }));
    // Shrink the declared size in the central directory (offset 24 of its entry) to 16 bytes.
    const central = archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt32LE(16, central + 24);
    await expect(unpack(archive)).rejects.toThrow(/^artifact: expected a zip archive, found a damaged archive at entry "a.txt"/);
    // Streamed to a file, as an artifact's report is, it fails the same way.
    const path = join(dir, "lying.zip");
    writeFileSync(path, archive);
    const streamed = forEachZipEntry(path, "artifact", roomy, (entry) => extractZipEntry(entry, join(dir, "a.txt")));
    await expect(streamed).rejects.toThrow(/^artifact: expected a zip archive, found a damaged archive at entry "a.txt"/);
  });
});
