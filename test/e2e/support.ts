import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestRepo } from "@release-gates/test-helpers/git-repo";
import { type Route, startFakeApi } from "@release-gates/test-helpers/http-server";
import { afterAll, beforeAll } from "vitest";
import { parse } from "yaml";

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

/**
 * The temp repositories a test file creates, removed after its last test;
 * the release tree and the end-to-end tools are required before the first.
 */
export function useTestRepos(): TestRepo[] {
  const repos: TestRepo[] = [];
  beforeAll(() => {
    requireReleaseTree();
    requireTestTools();
  });
  afterAll(() => {
    for (const repo of repos.splice(0)) repo.remove();
  });
  return repos;
}

/** Starts local API stand-ins for a test file, each closed after its last test. */
export function useFakeApis(): (route: Route) => ReturnType<typeof startFakeApi> {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  return async (route) => {
    const server = await startFakeApi(route);
    servers.push(server);
    return server;
  };
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

/** The release tree's CLI run as users run it, `node cli/dist/index.js <args>`, in a clean environment unless given one. */
export function runReleaseCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return runProcess(process.execPath, [join(releaseTree, "cli/dist/index.js"), ...args], { cwd: options.cwd, env: options.env ?? cleanEnv() });
}

/** An environment without the runner's or GitLab's own variables leaking in from the machine. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(GITHUB_|INPUT_|RUNNER_|GITLAB_|CI_|CI$|VITEST|NODE_OPTIONS)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

export interface BundledActionRun extends ProcessResult {
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs an action from the release tree the way the runner runs a `node24`
 * action: `node <runs.main>` in the workspace, inputs as INPUT_* variables
 * with action.yml's defaults filled in, and fresh GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH files, read back afterwards.
 */
export async function runBundledAction(
  gate: string,
  options: { node: string; workspace: string; event: unknown; eventName: string; inputs: Record<string, string>; apiUrl?: string; sha?: string },
): Promise<BundledActionRun> {
  const action = parse(readFileSync(join(releaseTree, gate, "action.yml"), "utf8")) as { inputs: Record<string, { default?: string }>; runs: { main: string } };
  const dir = mkdtempSync(join(tmpdir(), "rg-runner-"));
  const files = { output: join(dir, "output"), summary: join(dir, "summary"), event: join(dir, "event.json") };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  writeFileSync(files.event, JSON.stringify(options.event));
  const defaults = Object.entries(action.inputs).flatMap(([name, spec]) =>
    spec.default === undefined || spec.default.includes("${{") ? [] : [[name, spec.default] as const],
  );
  const env = cleanEnv({
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_REPOSITORY: "acme/service",
    GITHUB_SHA: options.sha ?? "f".repeat(40),
    GITHUB_API_URL: options.apiUrl ?? "http://127.0.0.1:9",
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: dir,
  });
  for (const [name, value] of [...defaults, ["github-token", "ghs_test"], ...Object.entries(options.inputs)])
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  const result = await runProcess(options.node, [join(releaseTree, gate, action.runs.main)], { cwd: options.workspace, env });
  const outputs = Object.fromEntries(
    [...readFileSync(files.output, "utf8").matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)].map(([, name, , value]) => [name, value as string]),
  );
  return { ...result, outputs, summary: readFileSync(files.summary, "utf8") };
}

/** Where the tests pretend the release-gates component project lives. */
export const COMPONENT_PROJECT = "gitlab.example.com/acme/release-gates";
export const COMPONENT_VERSION = "1.0.0";

/**
 * Makes a test repository a GitLab project for gitlab-ci-local: an origin on
 * the pretend GitLab, the include cache seeded with the release tree's
 * templates/ (where gitlab-ci-local would have downloaded the components),
 * and the release tree's CLI packed as the tarball `npm exec` installs.
 */
export async function asGitLabProject(repo: { dir: string; git(...args: string[]): string }): Promise<{ cliPackage: string }> {
  const packDir = join(repo.dir, ".pack");
  mkdirSync(packDir, { recursive: true });
  const packed = await runProcess("npm", ["pack", "--pack-destination", packDir, "--silent"], { cwd: join(releaseTree, "cli"), env: cleanEnv() });
  if (packed.code !== 0) throw new Error(`npm pack of the release tree's CLI failed: ${packed.stderr}`);
  const cache = join(repo.dir, ".gitlab-ci-local/includes", COMPONENT_PROJECT, COMPONENT_VERSION);
  mkdirSync(cache, { recursive: true });
  cpSync(join(releaseTree, "templates"), join(cache, "templates"), { recursive: true });
  repo.git("remote", "add", "origin", `https://${COMPONENT_PROJECT.split("/")[0]}/acme/service.git`);
  return { cliPackage: join(packDir, packed.stdout.trim().split("\n").pop() as string) };
}

/** Runs the project's pipeline with gitlab-ci-local's shell executor under Node 24. */
export function runGitLabPipeline(repo: { dir: string }, variables: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(
    node24,
    [gitlabCiLocal, "--force-shell-executor", "--no-color", ...Object.entries(variables).flatMap(([name, value]) => ["--variable", `${name}=${value}`])],
    {
      cwd: repo.dir,
      env: cleanEnv({ HOME: repo.dir }),
      timeoutMs: 150_000,
    },
  );
}

/** A job's log as gitlab-ci-local keeps it: complete even when its own stdout is cut at exit. */
export function jobLog(repo: { dir: string }, job: string): string {
  return readFileSync(join(repo.dir, ".gitlab-ci-local/output", `${job}.log`), "utf8");
}
