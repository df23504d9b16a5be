import { type ChangedLines, ConfigurationError, parseUnifiedDiff, quoted } from "@release-gates/core";
import { runProgram } from "./exec.js";
import { listFiles } from "./files.js";

/** Runs git without a shell: arguments never pass through word splitting or expansion. */
export async function git(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await runProgram("git", args, { cwd, maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/**
 * Whether `cwd` is in a git work tree, and the commit checked out there (none
 * before the first commit): one git call, as each costs a run several
 * milliseconds of CPU. `--verify --quiet` fails without a HEAD but still
 * prints the work-tree answer first; outside git nothing is printed.
 */
export async function workTreeAndHead(cwd: string): Promise<{ inWorkTree: boolean; head: string | undefined }> {
  let stdout: string;
  try {
    stdout = await git(["rev-parse", "--is-inside-work-tree", "--verify", "--quiet", "HEAD"], cwd);
  } catch (error) {
    stdout = String((error as { stdout?: unknown }).stdout ?? "");
  }
  const [inside, head] = stdout.split("\n");
  const inWorkTree = inside === "true";
  return { inWorkTree, head: inWorkTree && head ? head : undefined };
}

/** Files git tracks under `cwd`, relative to it. */
export async function trackedFiles(cwd: string): Promise<string[]> {
  return (await git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd)).split("\0").filter(Boolean);
}

/** What a gate run asks git about the project, each asked once per run however many parts need it. */
export interface GitFacts {
  /** Whether the project is inside a git work tree. */
  inWorkTree(): Promise<boolean>;
  /** The commit checked out, when in git. */
  head(): Promise<string | undefined>;
  /** The project's files: what git lists (tracked, or untracked and not ignored); outside git, every file but .git and node_modules. */
  files(): Promise<string[]>;
}

export function gitFacts(cwd: string): GitFacts {
  let state: ReturnType<typeof workTreeAndHead> | undefined;
  const known = () => (state ??= workTreeAndHead(cwd));
  let files: Promise<string[]> | undefined;
  const facts: GitFacts = {
    inWorkTree: () => known().then((answer) => answer.inWorkTree),
    head: () => known().then((answer) => answer.head),
    files: () => (files ??= facts.inWorkTree().then((inGit) => (inGit ? trackedFiles(cwd) : listFiles(cwd)))),
  };
  return facts;
}

/** Whether `ref` names a commit this clone has (a shallow clone may lack it). */
export async function hasCommit(ref: string, cwd: string): Promise<boolean> {
  try {
    await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd);
    return true;
  } catch {
    return false;
  }
}

/** A ref is never an option: "--output=…" must not reach git's option parser. */
function refuseOptionLike(refs: readonly (string | undefined)[], source: string): void {
  for (const ref of refs)
    if (ref?.startsWith("-")) throw new ConfigurationError(`expected a branch, tag or commit, found ${quoted(ref)}, which starts with "-"`, source);
}

/** The command that fetches a ref: `origin/main` is branch main of the remote origin (`git fetch origin main`), not a ref to fetch from origin. */
async function fetchCommand(ref: string, cwd: string): Promise<string> {
  const remotes = (await git(["remote"], cwd).catch(() => "")).split("\n").filter(Boolean);
  const slash = ref.indexOf("/");
  const remote = slash > 0 ? ref.slice(0, slash) : "";
  return remotes.includes(remote) ? `git fetch ${remote} ${ref.slice(slash + 1)}` : `git fetch origin ${ref}`;
}

/**
 * Lines added or changed since the merge base of `baseRef` (what a pull or
 * merge request shows), paths relative to `cwd`. Without `headRef` the work
 * tree is compared, so a developer's uncommitted changes count too.
 */
export async function changedLinesSince(baseRef: string, cwd: string, headRef?: string, source = "base-ref"): Promise<ChangedLines> {
  refuseOptionLike([baseRef, headRef], source);
  if (!(await hasCommit(baseRef, cwd))) {
    throw new ConfigurationError(
      `expected a commit or branch present in this clone, found ${quoted(baseRef)}, which is not: fetch it first (actions/checkout with fetch-depth: 0, or ${await fetchCommand(baseRef, cwd)}; GitLab: GIT_DEPTH 0)`,
      source,
    );
  }
  if (headRef && !(await hasCommit(headRef, cwd))) {
    throw new ConfigurationError(`expected the head commit ${quoted(headRef)} in this clone, found it missing`, source);
  }
  const range = headRef ? [`${baseRef}...${headRef}`] : ["--merge-base", baseRef];
  const diff = await git(["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--unified=0", "--find-renames", "--relative", ...range], cwd);
  return parseUnifiedDiff(diff);
}

/** Files (relative to `cwd`) whose content in the work tree differs from `commit`'s, added ones included. */
export async function changedFilesSince(commit: string, cwd: string): Promise<Set<string>> {
  const output = await git(["-c", "core.quotePath=false", "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--"], cwd);
  return new Set(output.split("\0").filter(Boolean));
}

/** Whether the clone is shallow: its oldest commits stand in for all history, so file dates read from it are wrong. */
export async function isShallowClone(cwd: string): Promise<boolean> {
  try {
    return (await git(["rev-parse", "--is-shallow-repository"], cwd)).trim() === "true";
  } catch {
    return false;
  }
}

/** Paths per git call: far below any command-line limit. */
const PATHS_PER_CALL = 500;

/** The last commit that changed any of `paths` (relative to `cwd`): when (ms) and which of them; undefined when none is in the history. */
export async function lastChange(paths: readonly string[], cwd: string): Promise<{ changedMs: number; path: string } | undefined> {
  let latest: { changedMs: number; path: string } | undefined;
  for (let start = 0; start < paths.length; start += PATHS_PER_CALL) {
    const chunk = paths.slice(start, start + PATHS_PER_CALL);
    const output = await git(["-c", "core.quotePath=false", "log", "-1", "--format=%ct", "--name-only", "--relative", "--", ...chunk], cwd).catch(() => "");
    const [stamp, ...names] = output.split("\n").filter(Boolean);
    if (!stamp) continue;
    const changedMs = Number(stamp) * 1000;
    const path = names.find((name) => chunk.includes(name)) ?? (chunk[0] as string);
    if (!latest || changedMs > latest.changedMs) latest = { changedMs, path };
  }
  return latest;
}

/** Paths a change touches between the merge base of `baseRef` and `headRef`, deletions and both sides of renames included. */
export async function changedPathsBetween(baseRef: string, headRef: string, cwd: string): Promise<string[]> {
  refuseOptionLike([baseRef, headRef], "base-ref");
  const output = await git(["-c", "core.quotePath=false", "diff", "--name-only", "--no-renames", "--relative", "-z", `${baseRef}...${headRef}`, "--"], cwd);
  return output.split("\0").filter(Boolean);
}

/** The change as of `commit`: its diff from the merge base with `baseRef` (undefined when either is not in the clone). */
export async function changeDiffAt(baseRef: string, commit: string, cwd: string): Promise<string | undefined> {
  if (!(await hasCommit(baseRef, cwd)) || !(await hasCommit(commit, cwd))) return undefined;
  return git(["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--unified=0", "--no-renames", `${baseRef}...${commit}`], cwd);
}

/** The commit git blame gives lines that are not committed yet. */
export const UNCOMMITTED = "0".repeat(40);

/** Who last touched each line of a file in the work tree: line number → commit (UNCOMMITTED for edits not committed), author e-mail and name. */
export async function blameLines(path: string, cwd: string): Promise<Map<number, { commit: string; email: string; name: string }>> {
  const output = await git(["blame", "--porcelain", "--", path], cwd);
  const commits = new Map<string, { email: string; name: string }>();
  const lines = new Map<number, { commit: string; email: string; name: string }>();
  let current: { commit: string; line: number } | undefined;
  for (const row of output.split("\n")) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(row);
    if (header) {
      current = { commit: header[1] as string, line: Number(header[2]) };
      if (!commits.has(current.commit)) commits.set(current.commit, { email: "", name: "" });
      continue;
    }
    if (!current) continue;
    const author = commits.get(current.commit) as { email: string; name: string };
    if (row.startsWith("author ")) author.name = row.slice(7);
    else if (row.startsWith("author-mail ")) author.email = row.slice(12).replace(/^<|>$/g, "");
    else if (row.startsWith("\t")) lines.set(current.line, { commit: current.commit, ...author });
  }
  // Author fields come once per commit, possibly after a line was recorded: read them at the end.
  for (const [line, entry] of lines) lines.set(line, { commit: entry.commit, ...(commits.get(entry.commit) as { email: string; name: string }) });
  return lines;
}

/** git's verdict on a commit's signature (`%G?`): G good; B bad; U, X, Y, R good but untrusted, expired or revoked; E cannot check; N none. */
export async function signatureStatus(commit: string, cwd: string): Promise<string> {
  return (await git(["log", "-1", "--format=%G?", commit, "--"], cwd).catch(() => "E")).trim() || "N";
}
