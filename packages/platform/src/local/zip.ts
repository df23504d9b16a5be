import { inflateRawSync } from "node:zlib";
import { ConfigurationError } from "@release-gates/core";

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * Reads a zip archive (GitHub serves workflow artifacts as zips): stored and
 * deflated entries, as actions/upload-artifact writes them. Entry names that
 * climb out of the archive ("../x", "/etc/x") are refused (zip slip), and so
 * are entries that would inflate past `maxBytes`.
 */
export function readZip(archive: Buffer, source: string, maxBytes: number): ZipEntry[] {
  const fail = (detail: string): never => {
    throw new ConfigurationError(`expected a zip archive, found ${detail}`, source);
  };
  let end = -1;
  for (let position = archive.length - 22; position >= Math.max(0, archive.length - 22 - 0xffff); position -= 1) {
    if (archive.readUInt32LE(position) === END_OF_CENTRAL_DIRECTORY) {
      end = position;
      break;
    }
  }
  if (end < 0) fail("no end-of-central-directory record (not a zip, or truncated)");
  const count = archive.readUInt16LE(end + 10);
  let position = archive.readUInt32LE(end + 16);
  if (position === 0xffffffff || count === 0xffff) fail("a ZIP64 archive, which is not supported");
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let index = 0; index < count; index += 1) {
    if (position + 46 > archive.length || archive.readUInt32LE(position) !== CENTRAL_DIRECTORY_ENTRY) fail(`a broken central directory at entry ${index + 1}`);
    const method = archive.readUInt16LE(position + 10);
    const compressedSize = archive.readUInt32LE(position + 20);
    const size = archive.readUInt32LE(position + 24);
    const nameLength = archive.readUInt16LE(position + 28);
    const extraLength = archive.readUInt16LE(position + 30);
    const commentLength = archive.readUInt16LE(position + 32);
    const localOffset = archive.readUInt32LE(position + 42);
    const name = archive.subarray(position + 46, position + 46 + nameLength).toString("utf8");
    position += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes(".."))
      fail(`an entry named ${JSON.stringify(name)} that points outside the archive`);
    total += size;
    if (total > maxBytes) fail(`more than ${maxBytes} bytes once unpacked`);
    if (archive.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) fail(`a broken local header for ${JSON.stringify(name)}`);
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const raw = archive.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) entries.push({ name, data: Buffer.from(raw) });
    else if (method === 8) entries.push({ name, data: inflateRawSync(raw, { maxOutputLength: size }) });
    else fail(`entry ${JSON.stringify(name)} compressed with method ${method} (only stored and deflated entries are read)`);
  }
  return entries;
}
