import { type BreakGlass, breakGlass, ConfigurationError, type GateReport } from "@release-gates/core";
import {
  CODEOWNERS_LOCATIONS,
  type Codeowners,
  type CodeownersSyntax,
  codeownersSyntaxOf,
  type EntryAuthorship,
  evaluateSignoff,
  isTeam,
  ownersOf,
  parseChecklist,
  parseCodeowners,
  parseSignoffFile,
  platformCodeownersFindings,
  type SignoffExtra,
  type SignoffSettings,
  signoffGate,
  type TeamMembers,
} from "@release-gates/core/signoff";
import { GitHubClient } from "../github/client.js";
import { GitLabClient } from "../gitlab/client.js";
import { ApiError } from "../http/rest.js";
import { type FrontEndRequest, type GateRequest, type GateRunner, type ReportInput, type RunPlatform, runGate } from "../kit/run-gate.js";
import { readOptionalTextFile } from "../local/files.js";
import { blameLines, changedPathsBetween, hasCommit, signatureStatus } from "../local/git.js";
import { GitHubReviewSource, GitLabReviewSource, gitlabApprovalsToken, type ReviewSource } from "../signoff/sources.js";

export interface SignoffRunRequest extends GateRequest<SignoffSettings> {
  /** Where the reviews come from; absent when the run has no pull or merge request, with the reason. */
  source?: ReviewSource;
  reviewMissing?: string;
  /** Without a review source, the change's files are those changed since this ref's merge base. */
  baseRef?: string;
  version?: string;
  override?: BreakGlass;
  /** The platform the run is on, for CODEOWNERS' location and syntax. */
  platform?: CodeownersSyntax;
  log?: (message: string) => void;
}

/** The CODEOWNERS file in force: the policy's, else the first of the platform's locations that exists. */
async function readCodeowners(cwd: string, settings: SignoffSettings, platform: CodeownersSyntax | undefined, inputs: ReportInput[]) {
  const locations: readonly string[] = settings.codeowners.path
    ? [settings.codeowners.path]
    : platform
      ? CODEOWNERS_LOCATIONS[platform]
      : [...new Set([...CODEOWNERS_LOCATIONS.github, ...CODEOWNERS_LOCATIONS.gitlab])];
  for (const location of locations) {
    const file = await readOptionalTextFile(cwd, location, false, "CODEOWNERS");
    if (!file) continue;
    inputs.push({ path: file.shown, format: "codeowners", sha256: file.sha256 });
    const syntax = codeownersSyntaxOf(location, file.text, settings.codeowners.syntax, platform);
    return { locations, codeowners: parseCodeowners(file.text, file.shown, syntax) };
  }
  return { locations, codeowners: undefined };
}

/** Every team named where the change needs approvals or sign-offs: the platform's answer first, the policy's list where the token cannot read it. */
async function resolveTeams(teams: ReadonlySet<string>, settings: SignoffSettings, source: ReviewSource | undefined): Promise<Record<string, TeamMembers>> {
  const resolved: Record<string, TeamMembers> = {};
  const fromPolicy = new Map(Object.entries(settings.teams).map(([team, members]) => [team.toLowerCase(), members]));
  for (const team of teams) {
    const answer = source ? await source.teamMembers(team) : { unresolved: "no platform to ask (the run has no pull or merge request)" };
    const listed = fromPolicy.get(team.toLowerCase());
    resolved[team.toLowerCase()] = Array.isArray(answer) ? { members: answer, source: "platform" } : listed ? { members: listed, source: "policy" } : answer;
  }
  return resolved;
}

/** Who wrote each entry of the sign-off file, per git: every commit behind any of its lines (comments and blank lines aside). */
async function entryAuthorship(cwd: string, path: string, text: string, entries: readonly { line: number; endLine: number }[]) {
  const blamed = await blameLines(path, cwd);
  const lines = text.split("\n");
  const signatures = new Map<string, string>();
  const authorship = new Map<number, EntryAuthorship[]>();
  for (const entry of entries) {
    const commits = new Map<string, EntryAuthorship>();
    for (let line = entry.line; line <= entry.endLine; line += 1) {
      const content = (lines[line - 1] ?? "").trim();
      const blame = blamed.get(line);
      if (!content || content.startsWith("#") || !blame || commits.has(blame.commit)) continue;
      if (!signatures.has(blame.commit)) signatures.set(blame.commit, /^0+$/.test(blame.commit) ? "N" : await signatureStatus(blame.commit, cwd));
      commits.set(blame.commit, { ...blame, signature: signatures.get(blame.commit) as string });
    }
    authorship.set(entry.line, [...commits.values()]);
  }
  return authorship;
}

/** Teams among the owners and signers the decision will ask about. */
function teamsNamed(settings: SignoffSettings, codeowners: Codeowners | undefined, changed: readonly string[] | undefined): Set<string> {
  const named = new Set<string>();
  const add = (who: string) => isTeam(who) && named.add(who);
  for (const path of codeowners && changed ? changed : []) for (const { rule } of ownersOf(codeowners as Codeowners, path)) rule.owners.forEach(add);
  for (const rule of settings.paths) rule.from.forEach(add);
  for (const required of settings.signoffs.required) required.from.forEach(add);
  return named;
}

/**
 * The sign-off gate from platform and files to report: the pull or merge
 * request's reviews (through its ReviewSource), the paths it changes, the
 * CODEOWNERS file, the teams named, the sign-off file with who wrote each
 * entry (git blame, signatures), the description's checklist; core decides.
 */
export async function runSignoffGate(request: SignoffRunRequest) {
  return runGate(signoffGate, request, async ({ cwd, settings, startedAt, git }) => {
    const inputs: ReportInput[] = [];
    const { source } = request;
    const read = source ? await source.read() : undefined;
    for (const note of read?.notes ?? []) request.log?.(note);
    const commit = request.subject?.commit ?? read?.facts.headSha ?? (await git.head()) ?? "";
    let changed: string[] | undefined;
    if (source) changed = await source.changedFiles();
    else if (request.baseRef && (await git.inWorkTree()) && (await hasCommit(request.baseRef, cwd)))
      changed = await changedPathsBetween(request.baseRef, "HEAD", cwd);

    const { locations, codeowners } = await readCodeowners(cwd, settings, request.platform, inputs);
    const platformErrors =
      codeowners && source && codeowners.syntax === "github" ? platformCodeownersFindings(codeowners, await source.codeownersErrors()) : [];

    let signoffs: Parameters<typeof evaluateSignoff>[1]["signoffs"];
    const file = await readOptionalTextFile(cwd, settings.signoffs.file, false, "the sign-off file (YAML)");
    if (file) {
      inputs.push({ path: file.shown, format: "signoffs", sha256: file.sha256 });
      const records = parseSignoffFile(file.text, file.shown);
      if (records.length && !(await git.inWorkTree()))
        throw new ConfigurationError("expected the project in a git repository: a sign-off counts only when git shows its signer wrote it", file.shown);
      signoffs = { path: file.shown, records, authorship: records.length ? await entryAuthorship(cwd, file.shown, file.text, records) : new Map() };
    }

    const evaluation = evaluateSignoff(settings, {
      commit,
      version: request.version,
      now: startedAt,
      review: read?.facts,
      ...(request.reviewMissing ? { reviewMissing: request.reviewMissing } : {}),
      ...(read?.gitlabRules ? { gitlabRules: read.gitlabRules } : {}),
      changedFiles: changed,
      codeowners,
      codeownersLocations: locations,
      codeownersPlatformFindings: platformErrors,
      teams: await resolveTeams(teamsNamed(settings, codeowners, changed), settings, source),
      signoffs,
      description: read?.description,
      checklist: read ? parseChecklist(read.description) : [],
      // Who ticked what is read only when an item says who may tick it.
      ...(source && read && settings.checklist.required.some((rule) => rule.from.length) ? { checklistHistory: await source.checklistHistory() } : {}),
      ...(request.override ? { override: request.override } : {}),
    });
    return { ...evaluation, inputs, extra: {} satisfies SignoffExtra };
  });
}

/** The pull request a pushed commit came from (GitHub lists the pull requests associated with a commit). */
async function pullRequestOfCommit(client: GitHubClient, repository: string, sha: string): Promise<number | undefined> {
  const pulls = await client.paginate<{ number: number; merged_at?: string | null; merge_commit_sha?: string | null; head?: { sha?: string } }>(
    `/repos/${repository}/commits/${sha}/pulls`,
  );
  return (pulls.find((pull) => pull.merge_commit_sha === sha || pull.head?.sha === sha) ?? pulls.find((pull) => pull.merged_at))?.number;
}

/** The merge request a pushed commit came from. */
async function mergeRequestOfCommit(client: GitLabClient, projectId: string, sha: string): Promise<number | undefined> {
  const requests = await client.paginate<{ iid: number; state?: string }>(
    `/projects/${encodeURIComponent(projectId)}/repository/commits/${sha}/merge_requests`,
  );
  return (requests.find((request) => request.state === "merged") ?? requests[0])?.iid;
}

/** Where each platform's reviews come from in this run, or why there are none. */
async function platformSource(
  request: FrontEndRequest<SignoffSettings>,
  platform: RunPlatform,
  env: NodeJS.ProcessEnv,
): Promise<Pick<SignoffRunRequest, "source" | "reviewMissing" | "baseRef" | "platform">> {
  const asked = request.values["pull-request"] as number | undefined;
  const baseRef = request.values["base-ref"] as string | undefined;
  if (platform.kind === "github") {
    const { context, client } = platform;
    if (!client || !context.repository) return { reviewMissing: "no GitHub token to read the reviews with (github-token)", baseRef, platform: "github" };
    const number = asked ?? context.pullRequest?.number ?? (context.sha ? await pullRequestOfCommit(client, context.repository, context.sha) : undefined);
    if (!number)
      return { reviewMissing: `commit ${context.sha?.slice(0, 12) ?? "?"} came from no pull request (pushed directly?)`, baseRef, platform: "github" };
    return { source: new GitHubReviewSource(client, context.repository, number, request.cwd, baseRef), baseRef, platform: "github" };
  }
  if (platform.kind === "gitlab") {
    const { context } = platform;
    const ref = baseRef ?? context.mergeRequestDiffBaseSha;
    if (!context.apiUrl || !context.projectId)
      return { reviewMissing: "no GitLab API in the environment (CI_API_V4_URL, CI_PROJECT_ID)", baseRef: ref, platform: "gitlab" };
    const client = new GitLabClient(context.apiUrl, gitlabApprovalsToken(env), "private-token");
    const iid =
      asked ??
      (context.mergeRequestIid
        ? Number(context.mergeRequestIid)
        : context.commitSha
          ? await mergeRequestOfCommit(client, context.projectId, context.commitSha)
          : undefined);
    if (!iid)
      return {
        reviewMissing: `commit ${context.commitSha?.slice(0, 12) ?? "?"} came from no merge request (pushed directly?)`,
        baseRef: ref,
        platform: "gitlab",
      };
    return { source: new GitLabReviewSource(client, context.projectId, iid, request.cwd, ref), baseRef: ref, platform: "gitlab" };
  }
  if (asked && env.GITHUB_REPOSITORY && env.GITHUB_TOKEN) {
    const client = new GitHubClient(env.GITHUB_API_URL ?? "https://api.github.com", env.GITHUB_TOKEN);
    return { source: new GitHubReviewSource(client, env.GITHUB_REPOSITORY, asked, request.cwd, baseRef), baseRef };
  }
  return {
    reviewMissing: asked
      ? "--pull-request needs GITHUB_REPOSITORY and GITHUB_TOKEN in the environment to read GitHub"
      : "the run has no pull or merge request (give --pull-request, with GITHUB_REPOSITORY and GITHUB_TOKEN)",
    baseRef,
  };
}

/**
 * GitHub: one commit status on the pull request's head, set by whichever run
 * decided last (pull_request or pull_request_review), so a required check
 * never stays red from an older run. A token that may not set statuses is
 * said in the log; the report's decision stands.
 */
async function publishCommitStatus(platform: RunPlatform, report: GateReport, source: ReviewSource | undefined): Promise<void> {
  if (platform.kind !== "github" || !platform.client || !platform.context.repository || !(source instanceof GitHubReviewSource)) return;
  const sha = report.subject[0]?.digest.gitCommit ?? platform.context.sha;
  if (!sha) return;
  const state = report.predicate.status === "fail" ? "failure" : "success";
  try {
    await platform.client.request("POST", `/repos/${platform.context.repository}/statuses/${sha}`, {
      state,
      context: "release-gates/signoff",
      description: report.predicate.summary.slice(0, 140),
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    platform.log(`The commit status was not set (${error.message}): give the job statuses: write.`);
  }
}

export const signoffRunner: GateRunner<typeof signoffGate.settings, SignoffExtra> = {
  descriptor: signoffGate,
  run: async (request, platform) => {
    const override = breakGlass(request.values, request.frontEnd ?? "cli");
    const found = await platformSource(request, platform, process.env);
    const result = await runSignoffGate({
      ...request,
      ...found,
      ...(request.values["release-version"] ? { version: request.values["release-version"] as string } : {}),
      ...(override ? { override } : {}),
      log: platform.log,
    });
    await publishCommitStatus(platform, result.report, found.source);
    return result;
  },
};
