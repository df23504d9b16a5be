#!/usr/bin/env node
// Bundles what users run, in two esbuild runs:
//  - every action (each gate of the registry, and promote) in one run with
//    shared chunks: <out>/lib/<action>.mjs, loaded by <action>/action.yml
//    through `runs.main: ../lib/<action>.mjs` (as github/codeql-action does);
//  - the CLI as a package of its own (the GitLab components install it with
//    npm exec): <out>/cli/dist/index.js, each gate a chunk loaded on demand.
// Sources are bundled directly (the "source" export condition), minified, with
// linked source maps that Node reads only under --enable-source-maps.
//   node scripts/bundle.mjs <actions|cli|all> <out-dir>
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");

// Bundled CommonJS dependencies (yaml, picomatch, saxes…) call require() for Node's own modules.
const REQUIRE_BANNER = { js: 'import { createRequire as __rgRequire } from "node:module"; const require = __rgRequire(import.meta.url);' };

/** A module of the sources, with what it imports (bundled in memory: Node 20 cannot import TypeScript). */
export async function importSource(path) {
  const { outputFiles } = await build({
    entryPoints: [join(root, path)],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    conditions: ["source"],
    logLevel: "warning",
    banner: REQUIRE_BANNER,
  });
  const file = join(mkdtempSync(join(tmpdir(), "release-gates-source-")), "module.mjs");
  writeFileSync(file, outputFiles[0].contents);
  return import(pathToFileURL(file).href);
}

/** The gate actions come from the registry; their entries are generated, promote has its own. */
async function actionEntries() {
  const { GATES } = await importSource("packages/core/src/gates.ts");
  const entries = Object.fromEntries(GATES.map((gate) => [gate.name, `gate-action:${gate.id}`]));
  entries.promote = "gate-action:promote";
  return entries;
}

/** A gate's action entry: the runner from the registry, through the one action front end. */
const gateEntries = {
  name: "gate-action-entries",
  setup(bundler) {
    bundler.onResolve({ filter: /^gate-action:/ }, (args) => ({ path: args.path.slice("gate-action:".length), namespace: "gate-action" }));
    bundler.onLoad({ filter: /.*/, namespace: "gate-action" }, (args) => ({
      resolveDir: root,
      loader: "js",
      contents:
        args.path === "promote"
          ? `import { run } from "./actions/promote/src/main.ts";\nawait run();\n`
          : // An action runs one gate, so its runner is imported statically (gates/<id>.ts exports <id>Runner, as
            // `npm run new-gate` writes it; the CLI loads runners on demand): 4–5 ms of CPU less per run than loading it.
            `import { ${args.path}Runner } from "@release-gates/platform/gates/${args.path}";\nimport { runGateAction } from "@release-gates/platform/github";\nawait runGateAction(${args.path}Runner);\n`,
    }));
  },
};

/** What esbuild resolves `args` to without the plugin asking (undefined when that is the plugin's own question). */
async function resolveWithoutPlugin(bundler, args) {
  if (args.pluginData?.resolving) return undefined;
  return bundler.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
}

/**
 * @actions/core imports its OIDC client (getIDToken), and with it
 * @actions/http-client and undici, at startup: 405 KB and about 35 ms of CPU
 * per action run, for a function no gate calls. Declared free of side
 * effects here, they are bundled only where something actually uses them.
 */
const unusedUnlessCalled = {
  name: "side-effect-free-http-client",
  setup(bundler) {
    bundler.onResolve({ filter: /^(@actions\/http-client|undici|tunnel)(\/|$)/ }, async (args) => {
      const resolved = await resolveWithoutPlugin(bundler, args);
      return resolved && { ...resolved, sideEffects: false };
    });
  },
};

/**
 * The yaml package gives Node its CommonJS build and every other platform an
 * ES module build of the same sources. Bundled, the ES build loads faster
 * (each CommonJS module runs through a wrapper at startup): 6–7 ms of CPU per
 * action run on Node 24, measured on a program that only reads a policy.
 */
const yamlModules = {
  name: "yaml-es-modules",
  setup(bundler) {
    const browserBuild = join(dirname(createRequire(join(root, "packages/core/package.json")).resolve("yaml/package.json")), "browser/index.js");
    bundler.onResolve({ filter: /^yaml$/ }, () => ({ path: browserBuild }));
  },
};

/**
 * core and platform both depend on picomatch 4, and npm installs a copy under
 * each (the root's node_modules holds picomatch 2 for a dev tool): bundled as
 * resolved, both copies would load at every action's startup. A package under
 * another workspace's node_modules is taken from core's when core has the
 * same version, so each version is bundled once.
 */
const onePackageCopy = {
  name: "one-package-copy",
  setup(bundler) {
    const versionAt = (dir) => {
      try {
        return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
      } catch {
        return undefined;
      }
    };
    bundler.onResolve({ filter: /^[^./]/ }, async (args) => {
      const resolved = await resolveWithoutPlugin(bundler, args);
      const copy = /^(.*\/packages\/(?!core\/)[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+))\/(.*)$/.exec(resolved?.path ?? "");
      if (!resolved || !copy) return resolved;
      const coreCopy = join(root, "packages/core/node_modules", copy[2]);
      const version = versionAt(copy[1]);
      return version !== undefined && versionAt(coreCopy) === version ? { ...resolved, path: join(coreCopy, copy[3]) } : resolved;
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  splitting: true,
  minify: true,
  sourcemap: "linked",
  // Positions only: a stack trace names the source file and line; the sources themselves are in the repository.
  sourcesContent: false,
  conditions: ["source"],
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  banner: REQUIRE_BANNER,
  plugins: [unusedUnlessCalled, yamlModules, onePackageCopy],
};

/** The notices of every third-party package in a bundle, as their licences require. */
function thirdPartyNotices(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (!match || packages.has(match[2])) continue;
    const dir = resolve(root, match[1]);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const licenceFile = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE", "license.md"]
      .map((name) => join(dir, name))
      .find((path) => {
        try {
          readFileSync(path);
          return true;
        } catch {
          return false;
        }
      });
    packages.set(
      match[2],
      `${manifest.name}@${manifest.version} (${manifest.license ?? "see below"})\n\n${licenceFile ? readFileSync(licenceFile, "utf8").trim() : ""}`,
    );
  }
  return `${[...packages.keys()]
    .sort()
    .map((name) => packages.get(name))
    .join(`\n\n${"-".repeat(72)}\n\n`)}\n`;
}

function writeNotices(file, metafile) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, thirdPartyNotices(metafile));
}

export async function bundleActions(out) {
  const outdir = join(out, "lib");
  const result = await build({
    ...common,
    entryPoints: await actionEntries(),
    outdir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    plugins: [gateEntries, ...common.plugins],
  });
  writeNotices(join(outdir, "THIRD_PARTY_NOTICES.txt"), result.metafile);
  return result.metafile;
}

export async function bundleCli(out) {
  const outdir = join(out, "cli", "dist");
  const result = await build({
    ...common,
    entryPoints: { index: join(root, "packages/cli/src/main.ts") },
    outdir,
    chunkNames: "chunks/[name]-[hash]",
  });
  writeNotices(join(outdir, "THIRD_PARTY_NOTICES.txt"), result.metafile);
  return result.metafile;
}

/** One program bundled as the actions are (the benchmarks' reference programs). */
export async function bundleProgram(entry, outfile) {
  await build({ ...common, splitting: false, sourcemap: false, metafile: false, entryPoints: [entry], outfile });
}

if (process.argv[1] === import.meta.filename) {
  const [what, target] = process.argv.slice(2);
  if (!["actions", "cli", "all"].includes(what) || !target) {
    console.error("usage: node scripts/bundle.mjs <actions|cli|all> <out-dir>");
    process.exit(2);
  }
  const out = resolve(process.cwd(), target);
  if (what !== "cli") await bundleActions(out);
  if (what !== "actions") await bundleCli(out);
  console.log(`bundled ${what} into ${relative(process.cwd(), out) || "."}`);
}
