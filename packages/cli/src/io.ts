import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** What a command may touch of its process: injected so tests run commands in-process. */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Writes a command's output file, creating its directory. */
export async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
