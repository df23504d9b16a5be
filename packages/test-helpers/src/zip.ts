import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A zip written by Python's zipfile module: an independent implementation,
 * so our reader is not only tested against archives of its own making.
 */
export function pythonZip(files: Record<string, string>, options: { deflate?: boolean } = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "rg-zip-"));
  const out = join(dir, "archive.zip");
  const script = [
    "import json, sys, zipfile",
    "files = json.loads(sys.argv[2])",
    `with zipfile.ZipFile(sys.argv[1], "w", ${options.deflate === false ? "zipfile.ZIP_STORED" : "zipfile.ZIP_DEFLATED"}) as archive:`,
    "    for name, text in files.items():",
    "        archive.writestr(name, text)",
  ].join("\n");
  execFileSync("python3", ["-c", script, out, JSON.stringify(files)]);
  const bytes = readFileSync(out);
  rmSync(dir, { recursive: true, force: true });
  return bytes;
}
