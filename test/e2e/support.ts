import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The tree release tags point at, built by `npm test` before vitest starts. */
export const releaseTree = `${repoRoot}build/release`;
export const node24 = `${repoRoot}test/tools/node_modules/.bin/node`;
export const gitlabCiLocal = `${repoRoot}test/tools/node_modules/gitlab-ci-local/dist/index.js`;

export function requireReleaseTree(): void {
  if (!existsSync(`${releaseTree}/coverage-gate/action.yml`)) {
    throw new Error(`no release tree at ${releaseTree}: run \`npm run release-tree -- build/release\` (npm test does) before the end-to-end tests`);
  }
}

export function requireTestTools(): void {
  if (!existsSync(node24) || !existsSync(gitlabCiLocal)) {
    throw new Error("the end-to-end tools are missing: run `npm ci --prefix test/tools` (npm test does)");
  }
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to completion with a hard time limit; nothing goes through a shell. */
export function runProcess(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** An environment without the runner's or GitLab's own variables leaking in from the machine. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(GITHUB_|INPUT_|RUNNER_|GITLAB_|CI_|CI$|VITEST|NODE_OPTIONS)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}
