#!/usr/bin/env node
// Benchmark (not a test): the coverage gate on Cobertura, JaCoCo and Clover
// XML files of the lcov benchmark's size (118 MiB), written from the same
// generated coverage (XML spends about four times lcov's bytes on a line, so
// each holds about a quarter of its 50,000 files), beside the lcov file in
// the same run. Each run is its own process, so peak RSS is that run's alone.
//   npm run bench            (generates the XML files once, under bench/.data)
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { FILES, runCoverageGate, writeOnce } from "./coverage-model.mjs";
import { measureInterleaved, RUNS, record } from "./measure.mjs";

const data = resolve(import.meta.dirname, ".data");
const covered = (hits) => (hits > 0 ? 1 : 0);
const armsTaken = (arms) => arms.filter((hits) => hits !== null && hits > 0).length;

const FORMATS = {
  lcov: { file: resolve(data, "large.info") },
  cobertura: {
    file: resolve(data, "large.cobertura.xml"),
    head: '<?xml version="1.0" ?>\n<coverage version="7.4" timestamp="1764400000000" line-rate="0" branch-rate="0">\n<sources><source>/repo</source></sources>\n<packages>\n',
    tail: "</packages>\n</coverage>\n",
    serialise({ module, index, path, functions, branches, lines }) {
      const branchAt = new Map(branches.map((branch) => [branch.line, branch.arms]));
      const methods = functions
        .map(
          (fn) =>
            `<method name="${fn.name}" signature="()" line-rate="${covered(fn.hits)}" branch-rate="0"><lines><line number="${fn.line}" hits="${fn.hits}"/></lines></method>`,
        )
        .join("");
      const lineElements = lines
        .map((hits, at) => {
          const arms = branchAt.get(at + 1);
          if (!arms) return `<line number="${at + 1}" hits="${hits}" branch="false"/>`;
          const taken = armsTaken(arms);
          return `<line number="${at + 1}" hits="${hits}" branch="true" condition-coverage="${Math.floor((taken / 2) * 100)}% (${taken}/2)"/>`;
        })
        .join("\n");
      return `<package name="src.module${module}" line-rate="0" branch-rate="0"><classes><class name="file${index}" filename="${path}" line-rate="0" branch-rate="0">\n<methods>${methods}</methods>\n<lines>\n${lineElements}\n</lines></class></classes></package>\n`;
    },
  },
  jacoco: {
    file: resolve(data, "large.jacoco.xml"),
    head: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><report name="bench"><sessioninfo id="bench" start="1764400000000" dump="1764400001000"/>\n',
    tail: "</report>\n",
    serialise({ module, index, functions, branches, lines }) {
      const branchAt = new Map(branches.map((branch) => [branch.line, branch.arms]));
      const methods = functions
        .map(
          (fn) =>
            `<method name="${fn.name}" desc="()V" line="${fn.line}"><counter type="METHOD" missed="${1 - covered(fn.hits)}" covered="${covered(fn.hits)}"/></method>`,
        )
        .join("");
      const lineElements = lines
        .map((hits, at) => {
          const arms = branchAt.get(at + 1);
          const taken = arms ? armsTaken(arms) : 0;
          return `<line nr="${at + 1}" mi="${hits > 0 ? 0 : 1}" ci="${hits}" mb="${arms ? 2 - taken : 0}" cb="${taken}"/>`;
        })
        .join("\n");
      return `<package name="src/module${module}"><class name="src/module${module}/file${index}" sourcefilename="file${index}.ts">${methods}</class>\n<sourcefile name="file${index}.ts">\n${lineElements}\n</sourcefile></package>\n`;
    },
  },
  clover: {
    file: resolve(data, "large.clover.xml"),
    head: '<?xml version="1.0" encoding="UTF-8"?>\n<coverage generated="1764400000000" clover="4.4.1">\n<project timestamp="1764400000000" name="bench">\n',
    tail: "</project>\n</coverage>\n",
    serialise({ module, index, path, functions, branches, lines }) {
      const branchAt = new Map(branches.map((branch) => [branch.line, branch.arms]));
      const methodAt = new Map(functions.map((fn) => [fn.line, fn]));
      const elements = [];
      let conditionals = 0;
      let coveredConditionals = 0;
      lines.forEach((hits, at) => {
        const fn = methodAt.get(at + 1);
        if (fn) elements.push(`<line num="${at + 1}" count="${fn.hits}" type="method" signature="${fn.name}()"/>`);
        const arms = branchAt.get(at + 1);
        if (arms) {
          const taken = armsTaken(arms);
          conditionals += 2;
          coveredConditionals += taken;
          elements.push(`<line num="${at + 1}" count="${hits}" type="cond" truecount="${arms[0] ?? 0}" falsecount="${arms[1]}"/>`);
        } else elements.push(`<line num="${at + 1}" count="${hits}" type="stmt"/>`);
      });
      const statements = lines.length - branches.length;
      const coveredStatements = lines.filter((hits, at) => hits > 0 && !branchAt.has(at + 1)).length;
      const coveredMethods = functions.filter((fn) => fn.hits > 0).length;
      return `<package name="src.module${module}"><file name="file${index}.ts" path="${path}">\n<metrics statements="${statements}" coveredstatements="${coveredStatements}" conditionals="${conditionals}" coveredconditionals="${coveredConditionals}" methods="${functions.length}" coveredmethods="${coveredMethods}"/>\n${elements.join("\n")}\n</file></package>\n`;
    },
  },
};

const mode = process.argv[2];
if (mode === "--run") {
  const format = process.argv[3];
  const { file } = FORMATS[format];
  const result = await runCoverageGate(file, file.split("/").pop());
  console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  if (!existsSync(FORMATS.lcov.file)) throw new Error(`no ${FORMATS.lcov.file}: run node bench/coverage-lcov.mjs first`);
  const maxBytes = statSync(FORMATS.lcov.file).size;
  for (const spec of Object.values(FORMATS)) {
    if (!spec.serialise) continue;
    spec.fileCount = writeOnce(spec.file, { ...spec, maxBytes });
  }
  FORMATS.lcov.fileCount = FILES;
  const formats = Object.keys(FORMATS);
  const measured = measureInterleaved(
    import.meta.filename,
    formats.map((format) => ["--run", format]),
  );
  const rows = formats.map((format, index) => ({
    format,
    fileCount: FORMATS[format].fileCount,
    size: statSync(FORMATS[format].file).size,
    ...measured[index],
  }));
  const lcov = rows[0];
  console.log("");
  console.log(`Reports of the same size in each format: the whole coverage gate (read + resolve + evaluate), median of ${RUNS}:`);
  console.log("");
  console.log("| format | size | source files | median | runs (s) | throughput | peak RSS | lines % | time against lcov |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) {
    const mib = row.size / 1024 / 1024;
    console.log(
      `| ${row.format} | ${mib.toFixed(1)} MiB | ${row.fileCount} | ${(row.ms / 1000).toFixed(2)} s | ${row.all.join(", ")} | ${(mib / (row.ms / 1000)).toFixed(1)} MiB/s | ${row.maxRssMB} MB | ${row.lines} | ${(row.ms / lcov.ms).toFixed(2)}× |`,
    );
    record(import.meta.filename, {
      input: `${mib.toFixed(1)} MiB of ${row.format}, ${row.fileCount} files`,
      tool: "release-gates coverage (read + resolve + evaluate)",
      median: row.ms / 1000,
      runs: row.all.map(Number),
      rssMB: row.maxRssMB,
      ratio: row.ms / lcov.ms,
      ratioTo: "lcov of the same size (time, as a multiple)",
    });
  }
  console.log("");
  for (const row of rows.slice(1))
    console.log(`${row.format}: ${(row.ms / lcov.ms).toFixed(2)}× the lcov time (target within 2×) ${row.ms <= 2 * lcov.ms ? "met" : "NOT met"}`);
}
