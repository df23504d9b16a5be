import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import { afterEach, beforeEach, vi } from "vitest";

export interface InProcessRunner {
  /** The runner's files of the current test. */
  files: { output: string; summary: string; event: string };
  /** What the action printed (workflow commands included). */
  stdout(): string;
  /** Sets INPUT_* variables and the runner's GITHUB_* variables. */
  inputs(values: Record<string, string>): void;
  /** GITHUB_OUTPUT read back. */
  outputs(): Record<string, string>;
  summary(): string;
  writeEvent(event: unknown): void;
}

/**
 * For running an action's `run()` in process with the real @actions/core:
 * fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH files and a
 * clean environment for every test. (The bundles themselves are run as
 * processes in test/e2e.)
 */
export function useInProcessRunner(): InProcessRunner {
  const saved = { ...process.env };
  let files = { output: "", summary: "", event: "" };
  let printed: string[] = [];
  beforeEach(() => {
    const dir = mkdtempSync(join(tmpdir(), "rg-runner-"));
    files = { output: join(dir, "output"), summary: join(dir, "summary"), event: join(dir, "event.json") };
    for (const file of Object.values(files)) writeFileSync(file, "");
    writeFileSync(files.event, "{}");
    // A runner starts one process per step; here one process runs several, and
    // @actions/core's summary remembers the first step's file.
    (core.summary as unknown as { _filePath?: string })._filePath = undefined;
    printed = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    process.exitCode = undefined;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  return {
    get files() {
      return files;
    },
    stdout: () => printed.join(""),
    inputs(values) {
      for (const [name, value] of Object.entries(values)) process.env[`INPUT_${name.toUpperCase()}`] = value;
      Object.assign(process.env, {
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_EVENT_PATH: files.event,
        GITHUB_REPOSITORY: "acme/app",
      });
    },
    outputs: () =>
      Object.fromEntries(
        [...readFileSync(files.output, "utf8").matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)].map(([, name, , value]) => [
          name,
          value as string,
        ]),
      ),
    summary: () => readFileSync(files.summary, "utf8"),
    writeEvent: (event) => writeFileSync(files.event, JSON.stringify(event)),
  };
}
