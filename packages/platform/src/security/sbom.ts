import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ConfigurationError } from "@release-gates/core";
import { runProgram } from "../local/exec.js";
import { displayPath } from "../local/files.js";

const exists = async (path: string) => (await stat(path).catch(() => undefined)) !== undefined;

/**
 * Installs the pinned generator once per machine (in the temp dir, which CI
 * runners keep for the job), without install scripts and without its
 * optional XML/JSON validators; concurrent runs install aside and rename.
 */
async function installGenerator(spec: string): Promise<string> {
  const home = join(tmpdir(), "release-gates-tools", spec.replace(/[^A-Za-z0-9.-]+/g, "_"));
  const bin = join(home, "node_modules/@cyclonedx/cyclonedx-npm/bin/cyclonedx-npm-cli.js");
  if (await exists(bin)) return bin;
  await mkdir(dirname(home), { recursive: true });
  const staging = await mkdtemp(`${home}.install-`);
  try {
    await runProgram("npm", ["install", "--prefix", staging, "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=optional", spec], {
      maxBuffer: 16 * 1024 * 1024,
    });
    await rename(staging, home).catch(async (error: NodeJS.ErrnoException) => {
      // Another run installed it first: theirs is as good as ours.
      if (!(await exists(bin))) throw error;
    });
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? String(error)).trim().split("\n").pop();
    throw new ConfigurationError(
      `expected to install ${spec} from the npm registry to generate the SBOM, found npm failing: ${detail}; give --sbom FILE instead`,
      "gates.security.sbomGenerator",
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return bin;
}

/**
 * Generates a CycloneDX 1.6 JSON SBOM of an npm project with
 * @cyclonedx/cyclonedx-npm: from the lock file alone when node_modules is
 * absent, all workspaces included, dev dependencies kept and marked
 * (`cdx:npm:package:development`) so the policy's scopes can set them apart.
 * Returns the absolute path of the SBOM written.
 */
export async function generateNpmSbom(cwd: string, options: { generator: string; lockfile: string; out: string }): Promise<string> {
  // Resolved through one list: a bundler would relocate a literal "package.json" path as an asset of its own.
  const [manifest, ...lockfiles] = ["package.json", options.lockfile, "npm-shrinkwrap.json"].map((name) => resolve(cwd, name)) as [string, ...string[]];
  const found = [];
  for (const path of lockfiles) if (await exists(path)) found.push(path);
  if (found.length === 0 || !(await exists(manifest)))
    throw new ConfigurationError(
      `expected an SBOM (--sbom / gates.security.sbom) or an npm project (package.json and ${displayPath(cwd, lockfiles[0] as string)}) to generate one from, found ${found.length === 0 ? "no lock file" : "no package.json"}: commit the lock file (npm install --package-lock-only) or give --sbom FILE`,
      cwd,
    );
  const bin = await installGenerator(options.generator);
  const out = resolve(cwd, options.out);
  await mkdir(dirname(out), { recursive: true });
  const installed = await exists(resolve(cwd, "node_modules"));
  // NODE_ENV=production would make the generator omit dev dependencies instead of marking them.
  const { NODE_ENV: _nodeEnv, npm_config_omit: _omit, npm_config_production: _production, ...env } = process.env;
  try {
    await runProgram(
      process.execPath,
      [
        bin,
        "--output-format",
        "JSON",
        "--spec-version",
        "1.6",
        "--output-reproducible",
        "--output-file",
        out,
        ...(installed ? [] : ["--package-lock-only"]),
        "--",
        "package.json",
      ],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const lines = ((error as { stderr?: string }).stderr ?? String(error)).trim().split("\n");
    const missing = [...new Set(lines.flatMap((line) => /missing: (\S+?),/.exec(line)?.[1] ?? []))];
    const reason =
      missing.length > 0
        ? `npm ls finds ${missing.length} package${missing.length === 1 ? "" : "s"} missing (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""})`
        : (lines.findLast((line) => /Error:/.test(line)) ?? lines.at(-1));
    throw new ConfigurationError(
      `expected ${options.generator} to list the installed packages, found it failing: ${reason?.trim()}${installed ? " (node_modules does not match the lock file: run npm ci, or remove node_modules to read the lock file alone)" : ""}`,
      cwd,
    );
  }
  return out;
}
