import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { fixture } from "@release-gates/test-helpers/fixtures";
import { FUZZ_TIMEOUT_MS, fuzzParameters } from "@release-gates/test-helpers/fuzz";
import { pythonZip } from "@release-gates/test-helpers/zip";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { forEachZipEntry } from "../src/local/zip.js";

const dir = mkdtempSync(join(tmpdir(), "rg-fuzz-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real archives of the kinds the gates read: an OSV snapshot (deflated, ZIP64 records) and an artifact (stored). */
const ARCHIVES = [
  pythonZip(
    {
      "GHSA-35jh-r3h4-6jhm.json": fixture("security/advisories/GHSA-35jh-r3h4-6jhm.json"),
      "GHSA-c7hr-j4mj-j2w6.json": fixture("security/advisories/GHSA-c7hr-j4mj-j2w6.json"),
    },
    { zip64: true },
  ),
  pythonZip({ "coverage/lcov.info": fixture("coverage/lcov-jest-klaster-sdk-relative-paths.info") }, { deflate: false }),
];

/** Byte-level damage: flipped bytes (headers, sizes, offsets, compressed data), cuts and insertions. */
const damaged = fc
  .tuple(
    fc.constantFrom(...ARCHIVES),
    fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
    fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
  )
  .map(([archive, flips, cut]) => {
    const bytes = Buffer.from(archive);
    for (const [at, value] of flips) bytes[Math.floor(at * (bytes.length - 1))] = value;
    return cut === null ? bytes : bytes.subarray(0, Math.floor(cut * bytes.length));
  });

describe("the zip reader, fuzzed", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("damaged archives end in one sentence or in entries within the limits, never in another error", async () => {
    let index = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          damaged,
          fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
        ),
        async (bytes) => {
          const path = join(dir, `case-${(index += 1)}.zip`);
          writeFileSync(path, bytes);
          let unpacked = 0;
          try {
            await forEachZipEntry(path, "artifact", { maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 19 }, async (entry) => {
              unpacked += (await entry.bytes()).length;
            });
            expect(unpacked).toBeLessThanOrEqual(1 << 20);
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(ConfigurationError);
            expect((error as Error).message).toMatch(/^artifact: expected a zip archive, found /);
          } finally {
            rmSync(path, { force: true });
          }
        },
      ),
      fuzzParameters(),
    );
  });
});
