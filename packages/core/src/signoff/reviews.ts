import { sha256 } from "../report/build.js";

/** One entry of a pull request's review history, as the platform lists it (oldest first is not assumed). */
export interface ReviewEvent {
  user: string;
  bot: boolean;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  /** When it was submitted; GitLab's older approvals API has no date. */
  at: string | undefined;
  /** The head the platform says it was given on (GitHub moves it across base merges: a hint, never the proof). */
  commit: string | undefined;
}

/** What a person may do in the repository: only write access and above makes an approval count. */
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

const COUNTING: ReadonlySet<Permission> = new Set(["admin", "maintain", "write"]);

/** A commit of the pull request and the content its diff had then: equal content ids mean nothing of the change moved. */
export interface PullRequestCommit {
  sha: string;
  /** When it reached the pull request (the committer date where the platform gives nothing better). */
  at: string;
  /** A fingerprint of the pull request's own diff at this commit (`git patch-id` of merge-base..commit). */
  contentId: string | undefined;
}

/** The review facts of one pull request or merge request. */
export interface ReviewFacts {
  platform: "github" | "gitlab";
  /** "acme/app#12", "group/app!5" */
  reference: string;
  author: string;
  /** Whoever pushed the head last, as far as the platform tells: their approval is their own change's. */
  lastPushers: readonly string[];
  headSha: string;
  commits: PullRequestCommit[];
  reviews: ReviewEvent[];
  permissions: Readonly<Record<string, Permission>>;
}

export type StaleAfter = "any-push" | "content-change" | "never";

export type IgnoredWhy = "bot" | "author" | "last pusher" | "no write access" | "stale" | "dismissed" | "no date";

/** One person's standing review, and whether and why it counts. */
export interface ReviewerVerdict {
  user: string;
  opinion: "approved" | "changes-requested" | "dismissed";
  at: string | undefined;
  permission: Permission | undefined;
  counted: boolean;
  ignored?: IgnoredWhy;
  detail?: string;
}

/**
 * The review history reduced to each person's standing opinion: their latest
 * APPROVED or CHANGES_REQUESTED (a COMMENTED review never changes it, a
 * DISMISSED one withdraws it), then whether it counts: humans with write
 * access or more, never the author or whoever pushed last, and for approvals
 * only those given since the change last changed as `staleAfter` says.
 */
export function reduceReviews(facts: ReviewFacts, staleAfter: StaleAfter): ReviewerVerdict[] {
  const standing = new Map<string, { event: ReviewEvent; opinion: ReviewerVerdict["opinion"] }>();
  const ordered = facts.reviews
    .map((event, index) => ({ event, index }))
    // Undated events keep their listed order, after the dated ones.
    .sort((a, b) => (a.event.at ?? "\uffff").localeCompare(b.event.at ?? "\uffff") || a.index - b.index);
  for (const { event } of ordered) {
    const key = event.user.toLowerCase();
    if (event.state === "APPROVED") standing.set(key, { event, opinion: "approved" });
    else if (event.state === "CHANGES_REQUESTED") standing.set(key, { event, opinion: "changes-requested" });
    else if (event.state === "DISMISSED" && standing.has(key)) standing.set(key, { event, opinion: "dismissed" });
  }
  const head = facts.commits.find((commit) => commit.sha === facts.headSha) ?? facts.commits.at(-1);
  return [...standing.values()].map(({ event, opinion }) => {
    const permission = facts.permissions[event.user] ?? facts.permissions[event.user.toLowerCase()];
    const verdict: ReviewerVerdict = { user: event.user, opinion, at: event.at, permission, counted: false };
    const ignore = (ignored: IgnoredWhy, detail?: string) => ({ ...verdict, ignored, ...(detail ? { detail } : {}) });
    if (opinion === "dismissed") return ignore("dismissed", "the review was dismissed");
    if (event.bot || /\[bot\]$/i.test(event.user)) return ignore("bot");
    if (sameUser(event.user, facts.author)) return ignore("author", "nobody approves their own change");
    if (facts.lastPushers.some((pusher) => sameUser(event.user, pusher))) return ignore("last pusher", "they pushed the head commit");
    if (!permission || !COUNTING.has(permission)) return ignore("no write access", `permission ${permission ?? "unknown"}`);
    if (opinion === "approved") {
      const stale = staleness(event, facts.commits, head, staleAfter);
      if (stale) return ignore(stale.why, stale.detail);
    }
    return { ...verdict, counted: true };
  });
}

const sameUser = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The commit that was the head when the review was given: the last one that reached the pull request before it. */
function headAt(at: string, commits: readonly PullRequestCommit[]): PullRequestCommit | undefined {
  let found: PullRequestCommit | undefined;
  for (const commit of commits) if (commit.at <= at) found = commit;
  return found;
}

function staleness(
  event: ReviewEvent,
  commits: readonly PullRequestCommit[],
  head: PullRequestCommit | undefined,
  staleAfter: StaleAfter,
): { why: IgnoredWhy; detail: string } | undefined {
  if (staleAfter === "never" || !head) return undefined;
  if (!event.at) return { why: "no date", detail: "the platform did not say when it was given, so it cannot be shown to be current" };
  const reviewed = headAt(event.at, commits);
  const short = head.sha.slice(0, 12);
  if (!reviewed) return { why: "stale", detail: `given before any commit of the change` };
  if (reviewed.sha === head.sha) return undefined;
  if (staleAfter === "any-push") return { why: "stale", detail: `given on ${reviewed.sha.slice(0, 12)}; ${short} was pushed after it` };
  if (reviewed.contentId && head.contentId && reviewed.contentId === head.contentId) return undefined;
  return { why: "stale", detail: `given on ${reviewed.sha.slice(0, 12)}; the change's content moved after it (now ${short})` };
}

/** Everyone who counts and approved. */
export const countedApprovers = (verdicts: readonly ReviewerVerdict[]) =>
  verdicts.filter((verdict) => verdict.counted && verdict.opinion === "approved").map((verdict) => verdict.user);

/** Counted reviewers whose standing opinion is "changes requested": a veto until they approve or the review is dismissed. */
export const vetoes = (verdicts: readonly ReviewerVerdict[]) => verdicts.filter((verdict) => verdict.counted && verdict.opinion === "changes-requested");

/**
 * What a change's diff changes, without where: its files' added and removed
 * lines. A base-branch merge that leaves the change as it was moves line
 * numbers and context, not these, so the id stays; any edit of the change
 * itself moves it.
 */
export function diffContentId(diff: string): string {
  return sha256(
    diff
      .split("\n")
      .filter((line) => line.startsWith("diff --git ") || line.startsWith("+") || line.startsWith("-"))
      .join("\n"),
  );
}
