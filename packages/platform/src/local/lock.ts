import { mkdir, open, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { ServiceUnavailableError } from "../http/rest.js";

/** How long a run waits for another to finish with the file before it gives up. */
const DEFAULT_WAIT_MS = 120_000;

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** A holder that is a process of this machine that no longer runs left its lock behind when it was killed. */
function isAbandoned(holder: Holder | undefined): boolean {
  if (!holder || holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(lockPath, "utf8")) as Partial<Holder>;
    return typeof holder.pid === "number" && typeof holder.host === "string" && typeof holder.since === "string" ? (holder as Holder) : undefined;
  } catch {
    return undefined; // being written, or removed meanwhile: wait and look again
  }
}

/**
 * Runs `body` while holding `<path>.lock`, created exclusively (O_EXCL), so
 * runs on this machine or a shared file system take turns reading, deciding
 * and writing `path`. A lock whose process is gone is taken over; a lock held
 * longer than `waitMs` ends this run with one sentence naming the holder.
 */
export async function withFileLock<T>(path: string, body: () => Promise<T>, waitMs = DEFAULT_WAIT_MS): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + waitMs;
  await mkdir(dirname(lockPath), { recursive: true });
  for (let pause = 25; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Holder));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readHolder(lockPath);
    if (isAbandoned(holder)) {
      // Only if it is still that holder's: another waiter may have taken over meanwhile.
      if ((await readHolder(lockPath))?.since === holder?.since) await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : "another run";
      throw new ServiceUnavailableError("lock", `${lockPath} is held by ${who}: wait for it to finish, or delete the lock file if no run is using ${path}.`);
    }
    await new Promise((done) => setTimeout(done, pause));
  }
  try {
    return await body();
  } finally {
    await rm(lockPath, { force: true });
  }
}
