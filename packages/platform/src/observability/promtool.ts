import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import type { PromtoolVerdict, RuleFile } from "@release-gates/core/observability";

/** Files per promtool call when all is well; a failing batch is re-checked file by file to tell which. */
const BATCH = 100;
const TIMEOUT_MS = 120_000;

/** promtool's path when it is on the PATH. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const folder of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(folder, "promtool");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

function run(promtool: string, args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(promtool, [...args], { cwd, timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code as number) : 1) : 0;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * `promtool check rules` on each rule file, to compare with the grammar's
 * verdict. A PrometheusRule manifest is checked as the rule file it
 * carries (its `spec`, written as JSON, which YAML reads). Temporary names
 * in promtool's output are replaced by the file's own.
 */
export async function promtoolVerdicts(promtool: string, files: readonly RuleFile[], cwd: string): Promise<{ version: string; verdicts: PromtoolVerdict[] }> {
  const version = /version\s+(\S+)/.exec((await run(promtool, ["--version"], cwd)).output)?.[1] ?? "(unknown version)";
  const scratch = mkdtempSync(join(tmpdir(), "release-gates-promtool-"));
  try {
    const targets = files.map((file, index) => {
      if (file.format === "prometheus") return { shown: file.path, path: resolve(cwd, file.path) };
      const path = join(scratch, `rules-${index}.json`);
      writeFileSync(path, JSON.stringify(file.groupsDocument ?? {}));
      return { shown: file.path, path };
    });
    const verdicts: PromtoolVerdict[] = [];
    const clean = (output: string, target: { shown: string; path: string }) => output.split(target.path).join(target.shown).trim();
    for (let start = 0; start < targets.length; start += BATCH) {
      const batch = targets.slice(start, start + BATCH);
      const together = await run(promtool, ["check", "rules", ...batch.map((target) => target.path)], cwd);
      if (together.code === 0 && !/lint error/i.test(together.output)) {
        for (const target of batch) verdicts.push({ path: target.shown, ok: true, output: "" });
        continue;
      }
      for (const target of batch) {
        const alone = await run(promtool, ["check", "rules", target.path], cwd);
        verdicts.push({ path: target.shown, ok: alone.code === 0, output: clean(alone.output, target) });
      }
    }
    return { version, verdicts };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
