#!/usr/bin/env node
// Benchmark (not a test): the observability gate, statically, over 2,000 rule files (20,000+
// rules), 20 Sloth SLOs and 500 Grafana dashboards built from the corpus's mixins, in its own
// process so peak RSS is that run's alone. Target: under 3 s and 300 MB on a 2-core machine.
//   npm run bench            (generates bench/.data/observability-tree once)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, stringify } from "yaml";
import { benchmark, RUNS, record } from "./measure.mjs";

const RULE_FILES = 2_000;
const SLO_SERVICES = 20;
const DASHBOARDS = 500;
const RULES_PER_FILE = 10;
const tree = resolve(import.meta.dirname, ".data", "observability-tree");
const corpus = resolve(import.meta.dirname, "../packages/test-helpers/fixtures/observability");

function generate() {
  const rules = ["alertmanager-mixin.alerts.yaml", "kubernetes-mixin.alerts.yaml", "kubernetes-mixin.rules.yaml", "node-exporter-mixin.alerts.yaml"].flatMap(
    (name) => parse(readFileSync(resolve(corpus, "prometheus-rules", name), "utf8")).groups.flatMap((group) => group.rules),
  );
  mkdirSync(resolve(tree, "monitoring/rules"), { recursive: true });
  mkdirSync(resolve(tree, "monitoring/slo"), { recursive: true });
  mkdirSync(resolve(tree, "monitoring/dashboards"), { recursive: true });
  const ruleFiles = RULE_FILES - SLO_SERVICES;
  for (let file = 0; file < ruleFiles; file += 1) {
    const picked = Array.from({ length: RULES_PER_FILE }, (_, index) => {
      const rule = structuredClone(rules[(file * RULES_PER_FILE + index) % rules.length]);
      // Each file is another team's copy: its alerts carry its own label, so none collide, and its
      // queries select its own series, so no two expressions are the same text.
      rule.labels = { ...rule.labels, team: `team-${file}` };
      rule.expr = String(rule.expr).replaceAll('job="', `team="team-${file}", job="`);
      return rule;
    });
    writeFileSync(resolve(tree, `monitoring/rules/team-${file}.rules.yml`), stringify({ groups: [{ name: `team-${file}`, rules: picked }] }));
  }
  const spec = readFileSync(resolve(corpus, "slo/sloth-getting-started.slo.yml"), "utf8");
  const generated = readFileSync(resolve(corpus, "slo/sloth-getting-started.generated-rules.yml"), "utf8");
  for (let service = 0; service < SLO_SERVICES; service += 1) {
    writeFileSync(resolve(tree, `monitoring/slo/service-${service}.slo.yml`), spec.replaceAll("myservice", `service${service}`));
    writeFileSync(resolve(tree, `monitoring/rules/service-${service}.slo.rules.yml`), generated.replaceAll("myservice", `service${service}`));
  }
  const dashboards = ["alertmanager-mixin.overview.json", "go-runtime-mixin.go-runtime.json", "node-exporter-mixin.nodes.json"].map((name) =>
    JSON.parse(readFileSync(resolve(corpus, "grafana-dashboards", name), "utf8")),
  );
  for (let index = 0; index < DASHBOARDS; index += 1) {
    const dashboard = { ...dashboards[index % dashboards.length] };
    dashboard.uid = `bench-${index}`;
    dashboard.title = `${dashboard.title} ${index}`;
    dashboard.panels = JSON.parse(
      JSON.stringify(dashboard.panels)
        .replaceAll('job=~\\"$job\\"', `job=~\\"$job\\", team=\\"team-${index}\\"`)
        .replaceAll('job=\\"node\\"', `job=\\"node\\", team=\\"team-${index}\\"`),
    );
    writeFileSync(resolve(tree, `monitoring/dashboards/dashboard-${index}.json`), JSON.stringify(dashboard, null, 2));
  }
}

async function runOnce() {
  const { runObservabilityGate } = await import("../packages/platform/dist/gates/observability.js");
  const started = performance.now();
  // Statically: no promtool on the PATH, no live addresses.
  const result = await runObservabilityGate({ cwd: tree }, { PATH: "/nonexistent" });
  const ms = performance.now() - started;
  const counts = result.report.predicate.details.counts;
  return { ms, ...counts, findings: result.report.predicate.findings.length };
}

await benchmark(import.meta.filename, {
  runOnce,
  prepare() {
    if (existsSync(tree)) return;
    console.log(`generating ${tree}…`);
    generate();
  },
  report(median) {
    console.log(
      `input: ${tree}: ${median.ruleFiles} rule files, ${median.alerts + median.recordingRules} rules (${median.alerts} alerts), ${median.slos} SLOs, ${median.dashboards} dashboards (${median.panels} panels)`,
    );
    console.log("");
    console.log(`| stage | median time (${RUNS} runs) | runs (s) | peak RSS | findings |`);
    console.log("| --- | --- | --- | --- | --- |");
    console.log(
      `| observability gate, static (read, parse, join, decide, report) | ${(median.ms / 1000).toFixed(2)} s | ${median.all.join(", ")} | ${median.maxRssMB} MB | ${median.findings} |`,
    );
    const promtool = promtoolCheckRules();
    const input = `${median.ruleFiles} rule files, ${median.slos} SLOs, ${median.dashboards} dashboards`;
    record(import.meta.filename, {
      input,
      tool: "release-gates observability (static)",
      median: median.ms / 1000,
      runs: median.all.map(Number),
      rssMB: median.maxRssMB,
      ...(promtool ? { ratio: median.ms / 1000 / Number(promtool.seconds), ratioTo: "promtool (time taken, as a multiple)" } : {}),
    });
    if (promtool)
      record(import.meta.filename, {
        input: `${median.ruleFiles} rule files`,
        tool: "promtool check rules",
        median: Number(promtool.seconds),
        runs: [Number(promtool.seconds)],
        rssMB: promtool.maxRssMB,
      });
    if (promtool) console.log(`| promtool check rules, the same rule files (parse and lint only) | ${promtool.seconds} s | | ${promtool.maxRssMB} MB | |`);
    else console.log("(promtool not on the PATH: apt-get install -y prometheus adds the comparison row)");
  },
});

/** What Prometheus's own checker takes on the rule files alone, through GNU time for its peak RSS. */
function promtoolCheckRules() {
  const rules = resolve(tree, "monitoring/rules");
  const files = readdirSync(rules).map((name) => resolve(rules, name));
  const child = spawnSync("/usr/bin/time", ["-f", "%e %M", "promtool", "check", "rules", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (child.error || child.status === 127) return undefined;
  const [seconds, kilobytes] = child.stderr.trim().split("\n").pop().split(" ");
  return { seconds, maxRssMB: Math.round(Number(kilobytes) / 1024) };
}
