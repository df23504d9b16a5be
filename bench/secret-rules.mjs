#!/usr/bin/env node
// Benchmark (not a test): every secret rule on 1 MiB of near-misses, the text
// that makes a backtracking regex quadratic (a prefix that starts a match
// again and again, a long run that never completes one), as one line and as
// many lines. Each must stay linear: the slowest is reported against a floor.
//   npm run bench   (or: node bench/secret-rules.mjs)
import { performance } from "node:perf_hooks";
import { record } from "./measure.mjs";

const { SECRET_RULES, scanForSecrets } = await import("../packages/core/dist/security/index.js");

const MIB = 1024 * 1024;
const fill = (unit) => unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB);

/** For each rule, text that almost matches it everywhere. */
const NEAR_MISSES = {
  "aws-access-key-id": fill("AKIA234567ABCDEFGHI "),
  "aws-secret-access-key": fill("aws secret = "),
  "github-token": fill(`ghp_${"a".repeat(35)}-`),
  "github-fine-grained-token": fill(`github_pat_${"a".repeat(81)}.`),
  "gitlab-token": fill(`glpat-${"a".repeat(19)}.`),
  "slack-token": fill("xoxb-1234567x"),
  "stripe-secret-key": fill(`sk_live_${"a".repeat(23)}.`),
  "google-api-key": fill(`AIza${"a".repeat(34)}.`),
  "npm-token": fill(`npm_${"a".repeat(35)}.`),
  "private-key": fill("-----BEGIN A B C D "),
  jwt: fill("eyJ-"),
  "generic-secret": fill('password="aaaaaaaaaaaaaaa '),
};

const rows = [];
for (const rule of SECRET_RULES) {
  const text = NEAR_MISSES[rule.id];
  if (!text) throw new Error(`no near-miss input for the rule ${rule.id}: add one`);
  for (const [shape, input] of [
    ["one line", text],
    ["lines of 80", text.replace(/(.{79})./g, "$1\n")],
  ]) {
    const started = performance.now();
    const found = scanForSecrets("near-miss.txt", input, [rule]).length;
    rows.push({ rule: rule.id, shape, ms: performance.now() - started, found });
  }
}

// Many findings on one line, every rule running: the overlap check between findings must stay linear too.
{
  let state = 7;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const token = () => `ghp_${Array.from({ length: 36 }, () => alphabet[Math.floor(next() * alphabet.length)]).join("")}`;
  const line = Array.from({ length: Math.ceil(MIB / 41) }, token).join(" ");
  const started = performance.now();
  const found = scanForSecrets("tokens.txt", line).length;
  rows.push({ rule: "every rule", shape: `one line of ${found} tokens`, ms: performance.now() - started, found });
}

console.log("| rule | 1 MiB near-miss | time | findings |");
console.log("| --- | --- | --- | --- |");
for (const row of rows) console.log(`| ${row.rule} | ${row.shape} | ${row.ms.toFixed(1)} ms | ${row.found} |`);
const slowest = rows.reduce((worst, row) => (row.ms > worst.ms ? row : worst));
for (const row of rows)
  record(import.meta.filename, { input: `1 MiB near-miss, ${row.shape}`, tool: `secret rule ${row.rule}`, median: row.ms / 1000, runs: [row.ms / 1000] });
// Linear at any reasonable speed is well under a second for 1 MiB; quadratic is minutes.
console.log(`\nslowest: ${slowest.rule} (${slowest.shape}) ${slowest.ms.toFixed(0)} ms (target < 1000 ms per rule): ${slowest.ms < 1000 ? "met" : "MISSED"}`);
