import { posix } from "node:path";
import picomatch from "picomatch";
import { ConfigurationError, quoted } from "../errors.js";
import { CoverageMap, type FileCoverage } from "./model.js";

export interface PathContext {
  /** Absolute path of the repository root, with `/` separators. */
  repoRoot: string;
  /** Repo-relative paths of the files in the repository (git ls-files), when known. */
  repoFiles?: readonly string[];
  /** Prefixes to remove before anything else (a build machine's checkout path, a Go module path). */
  stripPrefixes?: readonly string[];
  /** Roots relative report paths hang from (Cobertura `<source>`). */
  sourceRoots?: readonly string[];
  /** Globs of repo-relative paths to leave out. */
  exclude?: readonly string[];
}

const WINDOWS_DRIVE = /^[A-Za-z]:\//;

/** `C:\a\b` → `C:/a/b`, `./x` → `x`, `file:///x` → `/x`. */
export function toPosixPath(path: string): string {
  // Most paths need neither replacement: two regular expressions per path were a tenth of resolving 50,000.
  const noScheme = path.startsWith("file://") ? path.slice(7) : path;
  return noScheme.includes("\\") ? noScheme.replace(/\\/g, "/") : noScheme;
}

const isAbsolute = (path: string) => path.startsWith("/") || WINDOWS_DRIVE.test(path);

/** `stripPrefixes` as the paths they strip: `/` separators, one trailing `/`. */
const prefixesOf = (raw: readonly string[] | undefined) => (raw ?? []).map((prefix) => toPosixPath(prefix).replace(/\/?$/, "/"));

function stripPrefix(path: string, prefixes: readonly string[]): string {
  for (const prefix of prefixes) if (path.startsWith(prefix)) return path.slice(prefix.length);
  return path;
}

/**
 * Finds the repository file a report path names when the report was written
 * on another machine (`/Users/me/proj/src/a.ts`) or with another root
 * (`com/acme/A.java`, a Go import path): the longest match of whole trailing
 * path segments, in either direction. Two equally good matches are ambiguous
 * and resolve to nothing rather than to a guess.
 */
export class RepoFileIndex {
  private readonly byBaseName = new Map<string, string[]>();
  readonly files: ReadonlySet<string>;

  constructor(files: readonly string[]) {
    this.files = new Set(files);
    for (const file of files) {
      const base = posix.basename(file);
      const list = this.byBaseName.get(base);
      if (list) list.push(file);
      else this.byBaseName.set(base, [file]);
    }
  }

  find(path: string): string | undefined {
    if (this.files.has(path)) return path;
    const segments = path.split("/").filter(Boolean);
    let best: string | undefined;
    let bestScore = 0;
    let tie = false;
    for (const candidate of this.byBaseName.get(segments.at(-1) ?? "") ?? []) {
      const candidateSegments = candidate.split("/");
      let shared = 0;
      while (
        shared < segments.length &&
        shared < candidateSegments.length &&
        segments[segments.length - 1 - shared] === candidateSegments[candidateSegments.length - 1 - shared]
      )
        shared += 1;
      // One path must be a whole suffix of the other, or it is a coincidence of names.
      if (shared !== segments.length && shared !== candidateSegments.length) continue;
      if (shared > bestScore) {
        best = candidate;
        bestScore = shared;
        tie = false;
      } else if (shared === bestScore) tie = true;
    }
    return tie ? undefined : best;
  }
}

/**
 * Turns a path as a report wrote it into a repo-relative `/` path, or
 * undefined when it names no file of the repository. A relative path that
 * climbs out of the repository is a configuration error: the report is wrong
 * or was produced for another tree.
 */
export function normaliseReportPath(raw: string, context: PathContext, index?: RepoFileIndex): string | undefined {
  return reportPathNormaliser(context, index)(raw);
}

/** `normaliseReportPath` for many paths of one context: what depends only on the context is worked out once. */
function reportPathNormaliser(context: PathContext, index: RepoFileIndex | undefined): (raw: string) => string | undefined {
  const root = toPosixPath(context.repoRoot).replace(/\/$/, "");
  const rootPrefix = `${root.toLowerCase()}/`;
  const prefixes = prefixesOf(context.stripPrefixes);
  const sourceRoots = (context.sourceRoots ?? []).map(toPosixPath);
  return (raw) => {
    const path = stripPrefix(toPosixPath(raw), prefixes);
    const candidates = isAbsolute(path) ? [path] : [path, ...sourceRoots.map((source) => posix.join(source, path))];
    let fallback: string | undefined;
    for (const candidate of candidates) {
      let relative: string;
      if (isAbsolute(candidate)) {
        if (!candidate.toLowerCase().startsWith(rootPrefix)) continue;
        relative = candidate.slice(root.length + 1);
      } else relative = candidate;
      relative = posix.normalize(stripPrefix(relative, prefixes));
      if (relative === ".." || relative.startsWith("../")) {
        throw new ConfigurationError(`expected coverage paths inside the repository, found ${quoted(raw)}, which resolves outside it`);
      }
      if (!index) return relative;
      if (index.files.has(relative)) return relative;
      fallback ??= relative;
    }
    if (!index) return fallback ?? path;
    return (
      index.find(
        posix
          .normalize(path)
          .replace(/^(\.\/)+/, "")
          .replace(WINDOWS_DRIVE, ""),
      ) ??
      (fallback && index.find(fallback))
    );
  };
}

export interface ResolvedCoverage {
  coverage: CoverageMap;
  /** Report paths that match no repository file, as the report wrote them. */
  unmatched: string[];
  /** Repo-relative paths left out by `exclude`. */
  excluded: string[];
}

/** Normalises every file's path and merges files that turn out to be the same. */
export function resolveCoveragePaths(
  reports: readonly { files: readonly FileCoverage[]; sourceRoots: readonly string[] }[],
  context: PathContext,
): ResolvedCoverage {
  const index = context.repoFiles ? new RepoFileIndex(context.repoFiles) : undefined;
  const coverage = new CoverageMap();
  const unmatched: string[] = [];
  const excluded = new Set<string>();
  const isExcluded = context.exclude?.length ? picomatch([...context.exclude], { dot: true }) : () => false;
  for (const report of reports) {
    const normalise = reportPathNormaliser({ ...context, sourceRoots: [...report.sourceRoots, ...(context.sourceRoots ?? [])] }, index);
    for (const file of report.files) {
      const path = normalise(file.path);
      if (path === undefined) unmatched.push(file.path);
      else if (isExcluded(path)) excluded.add(path);
      else coverage.add({ ...file, path });
    }
  }
  return { coverage, unmatched: [...new Set(unmatched)].sort(), excluded: [...excluded].sort() };
}
