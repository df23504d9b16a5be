import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { inflateRawSync } from "node:zlib";
import { ConfigurationError, quoted } from "@release-gates/core";
import yauzl from "yauzl";

/** What an archive may unpack to: in all, and in one entry. */
export interface ZipLimits {
  maxTotalBytes: number;
  maxEntryBytes: number;
}

/** A file in the archive; its content is read only when asked. */
export interface ZipFileEntry {
  name: string;
  /** Unpacked size as the archive declares it; content that disagrees fails. */
  size: number;
  /** The content, streamed: for entries of any size. */
  stream(): Promise<Readable>;
  /** The content at once: for small entries, inflated in one call. */
  bytes(): Promise<Buffer>;
}

/** Reads of the archive are served from windows this big. */
const WINDOW_BYTES = 1 << 20;

/**
 * The archive file as yauzl reads it, from two 1 MiB windows: one over the
 * central directory, one over the entries' data. yauzl's own file reader
 * makes two reads through the thread pool per entry, which is most of the
 * time on an archive of 200,000 small advisories.
 */
class WindowedFileReader extends yauzl.RandomAccessReader {
  private windows: { start: number; bytes: Buffer }[] = [];

  constructor(private readonly fd: number) {
    super();
  }

  /** `length` bytes at `position`, served from a window (copied: windows are reused). */
  bytesAt(position: number, length: number): Buffer {
    return Buffer.from(this.slice(position, length));
  }

  private slice(position: number, length: number): Buffer {
    let window = this.windows.find((candidate) => position >= candidate.start && position + length <= candidate.start + candidate.bytes.length);
    if (!window) {
      const bytes = Buffer.allocUnsafe(Math.max(length, WINDOW_BYTES));
      const read = readSync(this.fd, bytes, 0, bytes.length, position);
      if (read < length) throw new Error("the archive ends inside a record (truncated)");
      window = { start: position, bytes: bytes.subarray(0, read) };
      this.windows = [window, ...this.windows.slice(0, 1)];
    }
    return window.bytes.subarray(position - window.start, position - window.start + length);
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null) => void): void {
    let failure: Error | null = null;
    try {
      this.slice(position, length).copy(buffer, offset);
    } catch (error) {
      failure = error as Error;
    }
    // A microtask, not setImmediate: yauzl reads twice per entry, and a turn of the event loop each
    // was 22 % of reading 20,000 advisories (391 → 305 ms, interleaved).
    queueMicrotask(() => callback(failure));
  }

  override _readStreamForRange(start: number, end: number): Readable {
    if (end - start <= WINDOW_BYTES) return Readable.from([Buffer.from(this.slice(start, end - start))]);
    return createReadStream("", { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  override close(callback: (error: Error | null) => void): void {
    closeSync(this.fd);
    setImmediate(callback, null);
  }
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;

/**
 * A small entry's compressed bytes read straight from the window: its local
 * header checked (signature, name and extra lengths), then the data the
 * central directory says it has. yauzl's stream per entry (events, a
 * Readable, callbacks through setImmediate) cost more than the inflating on
 * an archive of many small advisories: 1.78 s against 1.09 s for 20,000.
 */
function rawEntryBytes(reader: WindowedFileReader, entry: yauzl.Entry): Buffer {
  if (entry.isEncrypted()) throw new Error("the entry is encrypted");
  const header = reader.bytesAt(entry.relativeOffsetOfLocalHeader, LOCAL_HEADER_BYTES);
  if (header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) throw new Error("invalid local file header signature");
  const start = entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
  return reader.bytesAt(start, entry.compressedSize);
}

/** The bytes of a stored or deflated entry, checked against the size its header declares. */
async function entryBytes(zip: yauzl.ZipFile, reader: WindowedFileReader, entry: yauzl.Entry): Promise<Buffer> {
  const compressed = entry.compressionMethod !== 0;
  if (compressed && entry.compressionMethod !== 8) throw new Error(`unsupported compression method ${entry.compressionMethod}`);
  let raw: Buffer;
  if (entry.compressedSize <= WINDOW_BYTES) raw = rawEntryBytes(reader, entry);
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry, compressed ? { decompress: false } : {})) chunks.push(chunk as Buffer);
    raw = Buffer.concat(chunks);
  }
  const bytes = compressed ? inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) }) : raw;
  if (bytes.length !== entry.uncompressedSize)
    throw new Error(`the entry unpacks to ${bytes.length} bytes, not the ${entry.uncompressedSize} its header declares`);
  return bytes;
}

/** The file system's errors (ENOENT, EACCES…) are not the archive's damage; zlib's and yauzl's are. */
const isSystemError = (error: unknown) => /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code));

const notAZip = (detail: string, source: string) => new ConfigurationError(`expected a zip archive, found ${detail}`, source);

/** yauzl's messages in the user's words; the archive's own text quoted at most 120 characters. */
function describeZipProblem(error: Error, entry?: string): string {
  const message = error.message.slice(0, 120);
  if (/end of central directory record signature not found/i.test(message)) return "no end-of-central-directory record (not a zip, or truncated)";
  if (/invalid relative path|absolute path/.test(message)) return `an entry whose name points outside the archive (${message})`;
  if (/encrypted/.test(message)) return `an encrypted entry${entry ? ` ${quoted(entry)}` : ""}, which cannot be read`;
  if (/compression method/.test(message)) return `${entry ? `entry ${quoted(entry)}` : "an entry"} compressed with a method other than stored or deflated`;
  return `a damaged archive${entry ? ` at entry ${JSON.stringify(entry.slice(0, 120))}` : ""} (${message})`;
}

/** The next entry of a lazily read archive, or undefined at its end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      settle();
      resolve(entry);
    };
    const onEnd = () => {
      settle();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}

/**
 * Visits every file of the zip at `path` in archive order, its content
 * streamed on demand: the archive is read through its central directory
 * (ZIP64 included: OSV's npm/all.zip has far more than 65,535 entries),
 * never loaded whole. Names that climb out of the archive, entries or
 * totals beyond `limits`, encrypted or unknown compression and damage are
 * one sentence naming `source`. `visit` returns false to stop early.
 */
export async function forEachZipEntry(path: string, source: string, limits: ZipLimits, visit: (entry: ZipFileEntry) => unknown): Promise<void> {
  let zip: yauzl.ZipFile;
  const fd = openSync(path, "r");
  const reader = new WindowedFileReader(fd);
  try {
    const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false };
    zip = await yauzl.fromRandomAccessReaderPromise(reader, fstatSync(fd).size, options);
  } catch (error) {
    closeSync(fd);
    if (isSystemError(error)) throw error;
    throw notAZip(describeZipProblem(error as Error), source);
  }
  let current: string | undefined;
  try {
    let total = 0;
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      current = entry.fileName;
      if (entry.fileName.endsWith("/")) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes)
        throw notAZip(
          `entry ${JSON.stringify(entry.fileName.slice(0, 120))} of ${entry.uncompressedSize} bytes, more than the ${limits.maxEntryBytes} allowed`,
          source,
        );
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw notAZip(`more than ${limits.maxTotalBytes} bytes once unpacked`, source);
      const found = entry;
      const file: ZipFileEntry = {
        name: entry.fileName,
        size: entry.uncompressedSize,
        stream: () => zip.openReadStreamPromise(found),
        bytes: () => entryBytes(zip, reader, found),
      };
      if ((await visit(file)) === false) return;
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    if (error instanceof Error && !isSystemError(error)) throw notAZip(describeZipProblem(error, current), source);
    throw error;
  } finally {
    zip.close();
  }
}

/** Streams an entry to a file. */
export async function extractZipEntry(entry: ZipFileEntry, destination: string): Promise<void> {
  await pipeline(await entry.stream(), createWriteStream(destination));
}
