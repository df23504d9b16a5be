#!/usr/bin/env node
// Benchmark (not a test): a 5,000-component CycloneDX SBOM against a 20,000-advisory
// OSV snapshot (a directory of files, as OSV exports unpack), through the security
// gate's whole pipeline, in its own process so peak RSS is that run's alone.
//   npm run bench            (generates bench/.data/security once)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { measure, RUNS, record } from "./measure.mjs";
import { random } from "./random.mjs";

const COMPONENTS = 5_000;
const ADVISORIES = 20_000;
const data = resolve(import.meta.dirname, ".data", "security");

function generate() {
  const next = random(7);
  const pick = (n) => Math.floor(next() * n);
  const version = () => `${pick(6)}.${pick(20)}.${pick(30)}`;
  // 4,000 package names; the SBOM installs 5,000 (name, version) pairs from the first 3,000,
  // the advisories cover all 4,000, so some advisories match nothing installed.
  const names = Array.from({ length: 4_000 }, (_, index) => (index % 5 === 0 ? `@scope${index % 37}/pkg-${index}` : `pkg-${index}`));
  const components = Array.from({ length: COMPONENTS }, (_, index) => {
    const name = names[index < 3_000 ? index : pick(3_000)];
    const v = version();
    const purlName = name.startsWith("@") ? `%40${name.slice(1)}` : name;
    return { type: "library", name, version: v, purl: `pkg:npm/${purlName}@${v}`, "bom-ref": `${name}@${v}#${index}` };
  });
  mkdirSync(resolve(data, "osv"), { recursive: true });
  writeFileSync(resolve(data, "bom.cdx.json"), JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components }));
  const severities = ["CRITICAL", "HIGH", "MODERATE", "LOW"];
  for (let index = 0; index < ADVISORIES; index += 1) {
    const name = names[pick(names.length)];
    // Like real advisories, each range covers a slice of one package's history: from a minor
    // release to the next one (or to a last affected patch), sometimes from the very first version.
    const ranges = Array.from({ length: 1 + pick(2) }, () => {
      const major = pick(6);
      const minor = pick(20);
      const events = [{ introduced: next() < 0.1 ? "0" : `${major}.${minor}.0` }];
      events.push(next() < 0.85 ? { fixed: `${major}.${minor + 1}.0` } : { last_affected: `${major}.${minor}.${pick(30)}` });
      return { type: "SEMVER", events };
    });
    const id = `GHSA-bench-${index.toString(36).padStart(4, "0")}`;
    const advisory = {
      schema_version: "1.6.0",
      id,
      modified: "2026-11-20T00:00:00Z",
      aliases: [`CVE-2026-${10000 + index}`],
      summary: `Synthetic advisory ${index}`,
      affected: [{ package: { ecosystem: "npm", name }, ranges }],
      database_specific: { severity: severities[pick(4)] },
    };
    writeFileSync(resolve(data, "osv", `${id}.json`), JSON.stringify(advisory));
  }
}

/** The same advisories as one zip, as OSV distributes them (`npm/all.zip`), written by the zip tool. */
function zipAdvisories() {
  const zipped = resolve(data, "osv.zip");
  if (existsSync(zipped)) return true;
  const made = spawnSync("zip", ["-q", "-r", "-D", "-j", zipped, "osv"], { cwd: data });
  return made.status === 0;
}

async function runOnce(advisories = "osv") {
  const { runSecurityGate } = await import("../packages/platform/dist/gates/security.js");
  const started = performance.now();
  const { dependencies } = await runSecurityGate({
    cwd: data,
    policyPath: undefined,
    overrides: { sbom: "bom.cdx.json", advisories },
    subject: { name: "bench", commit: "0".repeat(40) },
  });
  const ms = performance.now() - started;
  return { ms, findings: dependencies.findings.length, vulnerable: dependencies.details.vulnerableComponents };
}

async function matchOnly() {
  const { readdirSync, readFileSync } = await import("node:fs");
  const { matchAdvisories, parseOsvAdvisory, parseSbom } = await import("../packages/core/dist/security/index.js");
  const sbom = parseSbom(readFileSync(resolve(data, "bom.cdx.json"), "utf8"));
  const advisories = readdirSync(resolve(data, "osv")).map((file) => parseOsvAdvisory(readFileSync(resolve(data, "osv", file), "utf8"), file));
  const started = performance.now();
  const { hits } = await matchAdvisories(sbom.components, advisories);
  return { ms: performance.now() - started, hits: hits.length };
}

const mode = process.argv[2];
if (mode === "--run" || mode === "--run-zip" || mode === "--match-only") {
  const result = await (mode === "--run" ? runOnce() : mode === "--run-zip" ? runOnce("osv.zip") : matchOnly());
  console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  if (!existsSync(resolve(data, "bom.cdx.json"))) {
    console.log(`generating ${data} (${COMPONENTS} components, ${ADVISORIES} advisories)…`);
    generate();
  }
  const whole = measure(import.meta.filename, "--run");
  const zipped = zipAdvisories() ? measure(import.meta.filename, "--run-zip") : undefined;
  const matching = measure(import.meta.filename, "--match-only");
  console.log(`input: ${COMPONENTS} components (CycloneDX 1.6), ${ADVISORIES} OSV advisories (one file each)`);
  const input = `${COMPONENTS} components, ${ADVISORIES} OSV advisories`;
  record(import.meta.filename, {
    input: `${input} (directory)`,
    tool: "release-gates security (whole gate)",
    median: whole.ms / 1000,
    runs: whole.all.map(Number),
    rssMB: whole.maxRssMB,
  });
  if (zipped)
    record(import.meta.filename, {
      input: `${input} (one zip)`,
      tool: "release-gates security (whole gate)",
      median: zipped.ms / 1000,
      runs: zipped.all.map(Number),
      rssMB: zipped.maxRssMB,
    });
  record(import.meta.filename, {
    input,
    tool: "matching alone (parsed inputs)",
    median: matching.ms / 1000,
    runs: matching.all.map(Number),
    rssMB: matching.maxRssMB,
  });
  console.log("");
  console.log(`| stage | median time (${RUNS} runs) | runs (s) | peak RSS | result |`);
  console.log("| --- | --- | --- | --- | --- |");
  console.log(
    `| whole gate: read 20,001 files + parse + match + decide + report | ${(whole.ms / 1000).toFixed(2)} s | ${whole.all.join(", ")} | ${whole.maxRssMB} MB | ${whole.findings} findings, ${whole.vulnerable} vulnerable components |`,
  );
  if (zipped)
    console.log(
      `| whole gate, the advisories as one zip (OSV's format) | ${(zipped.ms / 1000).toFixed(2)} s | ${zipped.all.join(", ")} | ${zipped.maxRssMB} MB | ${zipped.findings} findings, ${zipped.vulnerable} vulnerable components |`,
    );
  else console.log("(no zip tool: apt-get install -y zip adds the zip row)");
  console.log(
    `| matching alone (parsed inputs) | ${(matching.ms / 1000).toFixed(3)} s | ${matching.all.join(", ")} | ${matching.maxRssMB} MB | ${matching.hits} hits |`,
  );
  console.log("");
  console.log(
    `whole gate within 1 s: ${whole.ms <= 1000 ? "met" : "NOT met"}${zipped ? `; from the zip: ${zipped.ms <= 1000 ? "met" : "NOT met"}` : ""}; peak RSS under 500 MB: ${whole.maxRssMB < 500 ? "met" : "NOT met"}`,
  );
}
