#!/usr/bin/env node
// Benchmark (not a test): the security gate's secrets scan over a 50,000-file tree
// (source-like files of 1–4 KiB, one in a thousand holding a token), in its own
// process so peak RSS is that run's alone.
//   npm run bench            (generates bench/.data/secrets-tree once)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { measure, RUNS, record } from "./measure.mjs";
import { random } from "./random.mjs";

const FILES = 50_000;
const tree = resolve(import.meta.dirname, ".data", "secrets-tree");

function generate() {
  const next = random(11);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const token = () => Array.from({ length: 36 }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  const body = [
    'import { readFile } from "node:fs/promises";',
    "export async function load(path: string): Promise<string> {",
    '  const text = await readFile(path, "utf8"); // the configuration, as written by the deploy job',
    "  return text.trim();",
    "}",
    'const sessionTokenName = "X-Session-Token"; // a header name, not a token',
    'const checksum = "3c7f3f0e08c5b84a0cd3da69dbfd7ac9931cea63";',
  ];
  for (let index = 0; index < FILES; index += 1) {
    const dir = resolve(tree, `src/module${index % 250}`);
    if (index < 250) mkdirSync(dir, { recursive: true });
    const lines = [];
    const size = 1024 + Math.floor(next() * 3072);
    while (lines.join("\n").length < size) lines.push(body[Math.floor(next() * body.length)]);
    if (index % 1000 === 0) lines.push(`const token = "ghp_${token()}";`);
    writeFileSync(resolve(dir, `file${index}.ts`), `${lines.join("\n")}\n`);
  }
  // Its own repository: the scan lists files with git, as in CI (untracked files count too).
  spawnSync("git", ["init", "-q"], { cwd: tree });
}

async function runOnce() {
  const { checkSecrets } = await import("../packages/platform/dist/security/index.js");
  const { gitFacts } = await import("../packages/platform/dist/index.js");
  const started = performance.now();
  const { evaluation } = await checkSecrets(tree, gitFacts(tree), { scan: true, allowlist: "security/secrets-allowlist.yml", maxFileBytes: 1_048_576 }, false);
  const ms = performance.now() - started;
  return { ms, files: evaluation.details.filesScanned, found: evaluation.details.found };
}

if (process.argv[2] === "--run") {
  const result = await runOnce();
  console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  if (!existsSync(tree)) {
    console.log(`generating ${tree} (${FILES} files)…`);
    generate();
  }
  const median = measure(import.meta.filename, "--run");
  console.log(`input: ${tree}, ${median.files} files (a git repository: git ls-files lists them)`);
  record(import.meta.filename, {
    input: `${median.files}-file git tree`,
    tool: "release-gates security --secrets",
    median: median.ms / 1000,
    runs: median.all.map(Number),
    rssMB: median.maxRssMB,
    filesPerSecond: Math.round(median.files / (median.ms / 1000)),
  });
  console.log("");
  console.log(`| stage | median time (${RUNS} runs) | runs (s) | files per second | peak RSS | found |`);
  console.log("| --- | --- | --- | --- | --- | --- |");
  console.log(
    `| secrets scan (git ls-files + read + 12 rules + fingerprints) | ${(median.ms / 1000).toFixed(2)} s | ${median.all.join(", ")} | ${Math.round(median.files / (median.ms / 1000))} | ${median.maxRssMB} MB | ${median.found} |`,
  );
}
