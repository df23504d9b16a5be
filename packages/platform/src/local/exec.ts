import { type ExecFileOptions, execFile } from "node:child_process";

/**
 * Runs a program without a shell and gives its output as text; a failure
 * rejects with the error carrying `stdout` and `stderr`, as util.promisify
 * would. Not promisify itself: importing node:util as an ES module makes Node
 * run every lazy getter it has (parseArgs, diff, worker_threads), about 3 ms
 * of CPU at each action's start.
 */
export function runProgram(file: string, args: readonly string[], options: ExecFileOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { ...options, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}
