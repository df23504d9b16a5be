import { createHash } from "node:crypto";
import { createReadStream, readFileSync, realpathSync } from "node:fs";
import { mkdtemp, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { ConfigurationError } from "@release-gates/core";
import picomatch from "picomatch";

const SKIPPED_DIRECTORIES = new Set([".git", "node_modules"]);

async function walk(root: string, directory: string, out: string[]): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(root, join(directory, entry.name), out);
    } else if (entry.isFile()) out.push(relative(root, join(directory, entry.name)).split(sep).join("/"));
  }
}

/** A path as messages and reports show it: relative to the project when inside it, `/`-separated. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") ? path : rel.split(sep).join("/");
}

/** Whether `path` is `root` or below it. */
function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * An input file of the project: its absolute path and how messages show it.
 * A path inside the project that leads outside through a symbolic link (a
 * pull request adding `coverage/lcov.info -> ~/.ssh/id_rsa`) is refused; a
 * path the user names outside the project (`/tmp/lcov.info`) is theirs to name.
 */
export function projectInput(cwd: string, given: string): { path: string; shown: string } {
  const path = resolve(cwd, given);
  const shown = displayPath(cwd, path);
  if (!isWithin(resolve(cwd), path)) return { path, shown };
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { path, shown }; // missing: the reader says so, naming what it expected
  }
  if (!isWithin(realpathSync(cwd), real))
    throw new ConfigurationError(
      "expected a file of the project, found a symbolic link that leads outside it (refused: it could expose the runner's files)",
      shown,
    );
  return { path, shown };
}

/** The project directory a gate runs in, absolute; a missing one is the user's mistake, said once for every gate. */
export async function projectDirectory(cwd: string, source = "working-directory"): Promise<string> {
  const absolute = resolve(cwd);
  if (!(await stat(absolute).catch(() => undefined))?.isDirectory())
    throw new ConfigurationError(`expected an existing directory, found nothing at ${absolute}`, source);
  return absolute;
}

/** Every file below `root` (relative, `/`-separated), skipping .git and node_modules. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  await walk(root, root, out);
  return out.sort();
}

/**
 * Expands report globs relative to `cwd`. A plain path is checked directly;
 * only patterns with glob characters walk the tree (node_modules and .git are
 * never searched). Returns absolute paths, each once, in pattern order.
 */
export async function expandGlobs(patterns: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  let tree: string[] | undefined;
  for (const pattern of patterns) {
    if (!picomatch.scan(pattern).isGlob) {
      const path = resolve(cwd, pattern);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) found.push(path);
      continue;
    }
    tree ??= await listFiles(cwd);
    const isMatch = picomatch(pattern.replace(/^\.\//, ""), { dot: true });
    for (const file of tree) if (isMatch(file)) found.push(resolve(cwd, file));
  }
  return [...new Set(found)];
}

/**
 * A configuration file at a default place may simply not exist yet (undefined);
 * one the user named must. Paths are relative to `cwd`; `shown` is for messages.
 */
export async function readOptionalTextFile(
  cwd: string,
  path: string,
  named: boolean,
  expected: string,
): Promise<{ text: string; sha256: string; shown: string } | undefined> {
  const { path: absolute, shown } = projectInput(cwd, path);
  if (!named && !(await stat(absolute).catch(() => undefined))) return undefined;
  return { ...(await readTextFile(absolute, shown, expected)), shown };
}

/** A missing, forbidden or directory path as the user's mistake; anything else unchanged. */
function unreadable(error: unknown, expected: string, displayPath: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== "ENOENT" && code !== "EACCES" && code !== "EISDIR") return error;
  return new ConfigurationError(
    `expected ${expected}, found ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : "a file this process may not read"}`,
    displayPath,
  );
}

const READ_BYTES = 1024 * 1024;
const DECODE_BYTES = 64 * 1024;

/**
 * Files from this size on are hashed on a second thread while this one
 * parses them: reading and hashing 1 GiB costs about 0.75 s of CPU, and
 * inline it made the 1 GiB k6 benchmark 5.0 s instead of 4.0 s
 * (bench/perf-ndjson.mjs). Parsing itself does not split well across the two
 * cores: two halves of that file parsed at once took 2.1-2.6 s each against
 * 1.5-1.6 s alone (memory-bound), which gained nothing over one thread.
 */
export const HASH_ON_WORKER_BYTES = 8 * 1024 * 1024;

// CommonJS for an `eval` worker: no file to locate, in the bundles or in the sources.
const HASH_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { createReadStream } = require("node:fs");
const hash = createHash("sha256");
let bytes = 0;
createReadStream(workerData, { highWaterMark: 256 * 1024 })
  .on("data", (chunk) => { bytes += chunk.length; hash.update(chunk); })
  .on("end", () => parentPort.postMessage({ sha256: hash.digest("hex"), bytes }))
  .on("error", (error) => parentPort.postMessage({ error: String(error.code ?? error.message) }));
`;

/** A file's sha256 and length being computed on a worker thread; `stop` ends the worker early. */
interface WorkerHash {
  done: Promise<{ sha256: string; bytes: number }>;
  stop: () => void;
}

/** Starts reading and hashing `path` on a worker thread. */
async function hashOnWorker(path: string): Promise<WorkerHash> {
  // Loaded with the first large file: a run on small inputs never starts a worker, and need not load the module.
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
  const done = new Promise<{ sha256: string; bytes: number }>((resolve, reject) => {
    worker.once("message", (answer: { sha256: string; bytes: number } | { error: string }) =>
      "error" in answer ? reject(new Error(`hashing ${path} failed: ${answer.error}`)) : resolve(answer),
    );
    worker.once("error", reject);
  });
  done.catch(() => undefined); // Awaited only when the parse succeeds; a parse error stops the worker instead.
  return { done, stop: () => void worker.terminate() };
}

/**
 * Streams a text file in 64 KiB pieces to `write(text, final)` and returns
 * its sha256. Binary content, a missing file or a directory become one
 * sentence naming the file and what was `expected`; a parser's errors get
 * the file's name. 64 KiB chunks decode to strings small enough for V8's
 * young generation, which frees them cheaply. A large file is hashed on
 * another thread meanwhile (`hashOnWorkerFrom` bytes and up).
 */
export async function streamTextFile(
  path: string,
  displayPath: string,
  expected: string,
  write: (text: string, final: boolean) => void,
  hashOnWorkerFrom = HASH_ON_WORKER_BYTES,
): Promise<string> {
  const decoder = new StringDecoder("utf8");
  let hashing: WorkerHash | undefined;
  try {
    const size = (await stat(path)).size;
    hashing = size >= hashOnWorkerFrom ? await hashOnWorker(path) : undefined;
    const hash = hashing ? undefined : createHash("sha256");
    let bytes = 0;
    // Read a megabyte at a time (each read is a trip through the thread pool), decoded 64 KiB at a time.
    const stream = createReadStream(path, { highWaterMark: READ_BYTES });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash?.update(chunk);
      bytes += chunk.length;
      // Buffer.indexOf is a memchr: far cheaper than searching the decoded text.
      if (chunk.indexOf(0) !== -1) throw new ConfigurationError(`expected ${expected}, found binary data (NUL bytes)`);
      for (let start = 0; start < chunk.length; start += DECODE_BYTES) write(decoder.write(chunk.subarray(start, start + DECODE_BYTES)), false);
    }
    write(decoder.end(), true);
    if (hash) return hash.digest("hex");
    const hashed = await (hashing as WorkerHash).done;
    // Two reads of one file: they must have seen the same bytes for the digest to be this input's.
    if (hashed.bytes !== bytes)
      throw new ConfigurationError(`expected ${expected} that stays as it is while it is read, found it changed (${bytes} bytes, then ${hashed.bytes})`);
    return hashed.sha256;
  } catch (error) {
    if (error instanceof ConfigurationError) throw error.withSource(displayPath);
    throw unreadable(error, expected, displayPath);
  } finally {
    hashing?.stop();
  }
}

/** A file's sha256, streamed: archives of gigabytes are hashed without being held. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The first `bytes` of a file as text, to tell formats apart without reading it all. */
export async function readHead(path: string, displayPath: string, expected: string, bytes = 4096): Promise<string> {
  let text = "";
  const stream = createReadStream(path, { start: 0, end: bytes - 1 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString("utf8");
  } catch (error) {
    throw unreadable(error, expected, displayPath);
  }
  return text;
}

/** Reads a whole (small) text file through `streamTextFile`, with its checks. */
export async function readTextFile(path: string, displayPath: string, expected: string): Promise<{ text: string; sha256: string }> {
  const parts: string[] = [];
  const sha256 = await streamTextFile(path, displayPath, expected, (text) => void parts.push(text));
  return { text: parts.join(""), sha256 };
}

/**
 * A small text file read at once, with `readTextFile`'s checks: for
 * thousands of small files (rule files, dashboards) the thread pool's round
 * trips of a stream cost more than the reading itself.
 */
export function readSmallTextFile(path: string, displayPath: string, expected: string): { text: string; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(error, expected, displayPath);
  }
  if (bytes.indexOf(0) !== -1) throw new ConfigurationError(`expected ${expected}, found binary data (NUL bytes)`, displayPath);
  return { text: bytes.toString("utf8"), sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Where a downloaded file goes: a fresh temp directory, keeping the file's name (formats are detected from content anyway). */
export async function tempFilePath(name: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "release-gates-download-"));
  return join(directory, name.replace(/^.*[\\/]/, "") || "download");
}
