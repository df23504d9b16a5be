import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs a Python script that writes a zip to argv[1] and returns the bytes. */
function writeWithPython(script: string, ...args: string[]): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "rg-zip-"));
  const out = join(dir, "archive.zip");
  try {
    execFileSync("python3", ["-c", script, out, ...args], { maxBuffer: 1 << 20 });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A zip written by Python's zipfile module: an independent implementation,
 * so our reader is not only tested against archives of its own making.
 * `zip64` writes ZIP64 records for every entry, as writers do for big files.
 */
export function pythonZip(files: Record<string, string>, options: { deflate?: boolean; zip64?: boolean } = {}): Buffer {
  const method = options.deflate === false ? "zipfile.ZIP_STORED" : "zipfile.ZIP_DEFLATED";
  const script = [
    "import json, sys, zipfile",
    "files = json.loads(sys.argv[2])",
    `with zipfile.ZipFile(sys.argv[1], "w", ${method}) as archive:`,
    "    for name, text in files.items():",
    ...(options.zip64
      ? [`        with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as entry:`, `            entry.write(text.encode())`]
      : ["        archive.writestr(name, text)"]),
  ].join("\n");
  return writeWithPython(script, JSON.stringify(files));
}

/**
 * An OSV snapshot zip with more entries than a zip without ZIP64 can count
 * (65,535), as OSV's npm/all.zip is: the given advisories, then `fillers`
 * copies of the first one naming packages no inventory has.
 */
export function pythonOsvSnapshotZip(advisories: Record<string, string>, fillers: number): Buffer {
  const script = [
    "import json, sys, zipfile",
    "files = json.loads(sys.argv[2])",
    "template = json.loads(next(iter(files.values())))",
    `with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:`,
    "    for name, text in files.items():",
    "        archive.writestr(name, text)",
    "    for index in range(int(sys.argv[3])):",
    "        template['id'] = 'FILLER-%d' % index",
    "        for affected in template['affected']:",
    "            affected['package']['name'] = 'filler-package-%d' % index",
    "        archive.writestr('FILLER-%d.json' % index, json.dumps(template))",
  ].join("\n");
  return writeWithPython(script, JSON.stringify(advisories), String(fillers));
}
