#!/usr/bin/env node
// Releases the version package.json names: builds the release tree (or takes
// --tree), commits it as the whole tree of a release commit whose parent is
// the previous release (branch releases/v<major>), tags it vX.Y.Z and X.Y.Z
// (the GitLab catalog's form), moves v<major> and v<major>.<minor> when this is
// the newest release of that line, and writes the release notes. With --push
// it pushes all of that to the remote. RELEASING.md has the policy.
//   node scripts/release.mjs 1.2.0 [--remote origin] [--tree DIR] [--notes FILE] [--push]
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
};
const version = args[0]?.replace(/^v/, "");
const remote = option("remote") ?? "origin";
const push = args.includes("--push");
// In the release workflow: where the step's outputs go.
const { GITHUB_OUTPUT: stepOutputs } = process.env;

function fail(sentence) {
  console.error(`release: ${sentence}`);
  process.exit(2);
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;
const match = SEMVER.exec(version ?? "");
if (!match) fail("usage: node scripts/release.mjs X.Y.Z [--remote origin] [--tree DIR] [--notes FILE] [--push]");
const [major, minor] = [match[1], match[2]];
const prerelease = match[4] !== undefined;

const git = (gitArgs, env = {}) => execFileSync("git", gitArgs, { cwd: root, encoding: "utf8", env: { ...process.env, ...env } }).trim();
const tryGit = (gitArgs) => {
  try {
    return git(gitArgs);
  } catch {
    return undefined;
  }
};

const declared = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
if (declared !== version) fail(`expected package.json to say ${version}, found ${declared}: run npm run set-version -- ${version} and commit first`);
if (git(["status", "--porcelain", "--untracked-files=no"]) !== "") fail("expected a clean work tree, found uncommitted changes");
const source = git(["rev-parse", "HEAD"]);

// What the remote has: release branches and tags. A release is a commit whose tree has coverage-gate/action.yml at its root.
git(["fetch", "--quiet", "--force", "--tags", remote, "+refs/heads/releases/*:refs/remotes/release-branches/*"]);
const isRelease = (commit) => tryGit(["cat-file", "-e", `${commit}:coverage-gate/action.yml`]) !== undefined;
const tagged = tryGit(["rev-parse", "--verify", "--quiet", `refs/tags/v${version}^{commit}`]);
if (tagged && isRelease(tagged)) {
  // The tag this script pushed triggers the release workflow once more: nothing left to do.
  console.log(`v${version} is released already (${tagged})`);
  if (stepOutputs) appendFileSync(stepOutputs, `released=false\nversion=${version}\n`);
  process.exit(0);
}
if (tagged && tagged !== source) fail(`expected v${version} to tag the commit being released (${source}), found it on ${tagged}`);

/** Release tags as versions, newest first. */
const releaseTags = (tryGit(["tag", "--list", "v*.*.*"]) ?? "")
  .split("\n")
  .filter((tag) => SEMVER.test(tag.slice(1)) && isRelease(tag))
  .map((tag) => tag.slice(1));
const newer = (a, b) => {
  const [x, y] = [SEMVER.exec(a), SEMVER.exec(b)];
  for (let index = 1; index <= 3; index += 1) if (Number(x[index]) !== Number(y[index])) return Number(x[index]) > Number(y[index]);
  return (x[4] === undefined) !== (y[4] === undefined) ? x[4] === undefined : (x[4] ?? "") > (y[4] ?? "");
};
const previous = releaseTags.filter((tag) => tag !== version && newer(version, tag)).sort((a, b) => (newer(a, b) ? -1 : 1))[0];
const branch = `releases/v${major}`;
// The parent is the newest release of this major, else the newest release before it: one linear history of releases.
const parent =
  tryGit(["rev-parse", "--verify", "--quiet", `refs/remotes/release-branches/v${major}`]) ??
  (previous ? git(["rev-parse", `v${previous}^{commit}`]) : undefined);

// The release tree, committed through a temporary index so the work tree is never touched.
const tree = resolve(option("tree") ?? join(mkdtempSync(join(tmpdir(), "release-gates-tree-")), "tree"));
if (!option("tree")) execFileSync("node", [join(root, "scripts/release-tree.mjs"), tree], { cwd: root, stdio: "inherit" });
if (!existsSync(join(tree, "coverage-gate", "action.yml"))) fail(`expected a release tree at ${tree}, found no coverage-gate/action.yml`);
const index = join(mkdtempSync(join(tmpdir(), "release-gates-index-")), "index");
const withIndex = { GIT_INDEX_FILE: index };
git(["--work-tree", tree, "add", "--all", "--force", "."], withIndex);
const treeId = git(["write-tree"], withIndex);
rmSync(index, { force: true });

const previousSource = previous ? /^Built from ([0-9a-f]{40})/m.exec(git(["log", "-1", "--format=%B", `v${previous}`]))?.[1] : undefined;
const identity = {
  GIT_AUTHOR_NAME: tryGit(["config", "user.name"]) ?? "release-gates release",
  GIT_AUTHOR_EMAIL: tryGit(["config", "user.email"]) ?? "release@release-gates.invalid",
};
const commit = git(["commit-tree", treeId, ...(parent ? ["-p", parent] : []), "-m", `release-gates v${version}\n\nBuilt from ${source}.`], {
  ...identity,
  GIT_COMMITTER_NAME: identity.GIT_AUTHOR_NAME,
  GIT_COMMITTER_EMAIL: identity.GIT_AUTHOR_EMAIL,
});

// Tags: vX.Y.Z for GitHub, X.Y.Z for the GitLab catalog; v<major> and v<major>.<minor> follow the newest release of their line.
git(["tag", "--force", "--annotate", `v${version}`, commit, "--message", `release-gates v${version}`], identity);
git(["tag", "--force", version, commit]);
const newestOf = (prefix) => !prerelease && releaseTags.filter((tag) => tag.startsWith(prefix) && !tag.includes("-")).every((tag) => !newer(tag, version));
const moved = [...(newestOf(`${major}.`) ? [`v${major}`] : []), ...(newestOf(`${major}.${minor}.`) ? [`v${major}.${minor}`] : [])];
for (const tag of moved) git(["tag", "--force", tag, commit]);
git(["update-ref", `refs/heads/${branch}`, commit]);

// Notes: the source commits since the previous release.
const range = previousSource ? `${previousSource}..${source}` : source;
const changes = git(["log", "--no-merges", "--format=- %s (%h)", range]);
const notes = [
  `## release-gates v${version}`,
  "",
  previous ? `Changes since v${previous}:` : "The first release.",
  "",
  changes || "- (no changes)",
  "",
  `Use it as \`uses: <org>/release-gates/coverage-gate@v${version}\` (or \`@v${major}\`), include the components \`@${version}\`, or install \`@release-gates/cli@${version}\`.`,
  "",
].join("\n");
const notesFile = option("notes");
if (notesFile) writeFileSync(resolve(notesFile), notes);

if (push) {
  // New names are pushed atomically; the moving tags are forced afterwards.
  const created = [`${commit}:refs/heads/${branch}`, `refs/tags/${version}`];
  git(["push", "--atomic", remote, ...created]);
  git(["push", "--force", remote, `refs/tags/v${version}`, ...moved.map((tag) => `refs/tags/${tag}`)]);
}
const summary = { version, commit, parent: parent ?? null, source, branch, tags: [`v${version}`, version, ...moved], pushed: push };
console.log(JSON.stringify(summary, null, 2));
if (stepOutputs) appendFileSync(stepOutputs, `released=true\nversion=${version}\ncommit=${commit}\n`);
