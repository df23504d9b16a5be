import { fixture } from "@release-gates/test-helpers/fixtures";
import { describe, expect, it } from "vitest";
import {
  parseGitHubPermission,
  parseGitHubReviews,
  parseGitLabApprovalState,
  parseGitLabApprovals,
  parseGitLabMemberPermission,
} from "../../src/signoff/responses.js";
import { countedApprovers, diffContentId, type ReviewFacts, reduceReviews, vetoes } from "../../src/signoff/reviews.js";

const json = (name: string) => JSON.parse(fixture(`signoff/${name}`));
const examples = json("api-github-pulls-review-examples-all-states.openapi-examples.json") as Record<string, unknown>;
const documented = (json("api-github-pulls-list-reviews.openapi-example.pull-request-review-items.json") as Record<string, unknown>[])[0] as Record<
  string,
  unknown
>;

/** GitHub's documented review, as another person, state and time. */
function review(login: string, state: string, at: string, type = "User") {
  return { ...documented, user: { ...(documented.user as object), login, type }, state, submitted_at: at };
}

const facts = (reviews: unknown[], overrides: Partial<ReviewFacts> = {}): ReviewFacts => ({
  platform: "github",
  reference: "acme/app#12",
  author: "octocat",
  lastPushers: [],
  headSha: "c2",
  commits: [
    { sha: "c1", at: "2026-11-20T10:00:00.000Z", contentId: "A" },
    { sha: "c2", at: "2026-11-21T10:00:00.000Z", contentId: "A" },
  ],
  reviews: parseGitHubReviews(reviews, "reviews"),
  permissions: { alice: "write", bob: "maintain", carol: "admin", dave: "read", octocat: "admin", "dependabot[bot]": "write" },
  ...overrides,
});

describe("GitHub's review history reduced to each person's standing opinion", () => {
  it("reads every documented review state; the same reviewer five times is one person whose last opinion stands", () => {
    const all = Object.values(examples).flatMap((value) => (Array.isArray(value) ? value : [value]));
    const events = parseGitHubReviews(all, "examples");
    expect(events.map((event) => event.state)).toEqual(["APPROVED", "CHANGES_REQUESTED", "APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
    const verdicts = reduceReviews({ ...facts(all), author: "someone-else", permissions: { octocat: "admin" } }, "never");
    expect(verdicts).toHaveLength(1);
    // The last is DISMISSED: whatever octocat said before no longer stands.
    expect(verdicts[0]).toMatchObject({ user: "octocat", opinion: "dismissed", counted: false, ignored: "dismissed" });
  });

  it("COMMENTED never changes an opinion; a later APPROVED replaces CHANGES_REQUESTED", () => {
    const verdicts = reduceReviews(
      facts([
        review("alice", "CHANGES_REQUESTED", "2026-11-21T11:00:00Z"),
        review("alice", "COMMENTED", "2026-11-21T12:00:00Z"),
        review("bob", "APPROVED", "2026-11-21T12:00:00Z"),
        review("bob", "COMMENTED", "2026-11-21T13:00:00Z"),
        review("carol", "CHANGES_REQUESTED", "2026-11-21T11:00:00Z"),
        review("carol", "APPROVED", "2026-11-21T14:00:00Z"),
      ]),
      "content-change",
    );
    expect(countedApprovers(verdicts).sort()).toEqual(["bob", "carol"]);
    expect(vetoes(verdicts).map((verdict) => verdict.user)).toEqual(["alice"]);
  });

  it("bots, the author, the last pusher and people without write access never count", () => {
    const verdicts = reduceReviews(
      facts(
        [
          review("dependabot[bot]", "APPROVED", "2026-11-21T11:00:00Z", "Bot"),
          review("octocat", "APPROVED", "2026-11-21T11:00:00Z"),
          review("bob", "APPROVED", "2026-11-21T11:00:00Z"),
          review("dave", "APPROVED", "2026-11-21T11:00:00Z"),
          review("erin", "APPROVED", "2026-11-21T11:00:00Z"),
          review("alice", "APPROVED", "2026-11-21T11:00:00Z"),
        ],
        { lastPushers: ["bob"] },
      ),
      "content-change",
    );
    expect(Object.fromEntries(verdicts.map((verdict) => [verdict.user, verdict.ignored ?? "counted"]))).toEqual({
      "dependabot[bot]": "bot",
      octocat: "author",
      bob: "last pusher",
      dave: "no write access",
      erin: "no write access",
      alice: "counted",
    });
  });

  it("content-change: an approval survives a push that leaves the change as it was (a base merge), not one that edits it", () => {
    const approvedOnC1 = [review("alice", "APPROVED", "2026-11-20T12:00:00Z")];
    const baseMerge = facts(approvedOnC1);
    expect(countedApprovers(reduceReviews(baseMerge, "content-change"))).toEqual(["alice"]);
    const edited = facts(approvedOnC1, {
      commits: [
        { sha: "c1", at: "2026-11-20T10:00:00.000Z", contentId: "A" },
        { sha: "c2", at: "2026-11-21T10:00:00.000Z", contentId: "B" },
      ],
    });
    const [verdict] = reduceReviews(edited, "content-change");
    expect(verdict).toMatchObject({ counted: false, ignored: "stale" });
    expect(verdict?.detail).toContain("content moved");
    // any-push: the base merge alone makes it stale; never: nothing does.
    expect(reduceReviews(baseMerge, "any-push")[0]).toMatchObject({ counted: false, ignored: "stale" });
    expect(countedApprovers(reduceReviews(edited, "never"))).toEqual(["alice"]);
  });

  it("the review's commit_id is not trusted: an approval dated before the head counts from its date, whatever commit GitHub says", () => {
    const moved = { ...review("alice", "APPROVED", "2026-11-20T12:00:00Z"), commit_id: "c2" };
    const edited = facts([moved], {
      commits: [
        { sha: "c1", at: "2026-11-20T10:00:00.000Z", contentId: "A" },
        { sha: "c2", at: "2026-11-21T10:00:00.000Z", contentId: "B" },
      ],
    });
    expect(reduceReviews(edited, "content-change")[0]).toMatchObject({ counted: false, ignored: "stale" });
  });

  it("a change whose content at a commit is unknown (not in the clone) keeps approvals from before it out: fail closed", () => {
    const unknown = facts([review("alice", "APPROVED", "2026-11-20T12:00:00Z")], {
      commits: [
        { sha: "c1", at: "2026-11-20T10:00:00.000Z", contentId: undefined },
        { sha: "c2", at: "2026-11-21T10:00:00.000Z", contentId: "A" },
      ],
    });
    expect(reduceReviews(unknown, "content-change")[0]).toMatchObject({ counted: false, ignored: "stale" });
  });

  it("a change request from someone without write access is no veto; from a counted reviewer it is", () => {
    const verdicts = reduceReviews(
      facts([review("dave", "CHANGES_REQUESTED", "2026-11-21T11:00:00Z"), review("bob", "CHANGES_REQUESTED", "2026-11-21T11:00:00Z")]),
      "content-change",
    );
    expect(vetoes(verdicts).map((verdict) => verdict.user)).toEqual(["bob"]);
  });

  it("the content id ignores where the change sits (line numbers, context), not what it changes", () => {
    const at = (line: number, body: string) =>
      `diff --git a/src/a.ts b/src/a.ts\nindex 111..222 100644\n--- a/src/a.ts\n+++ b/src/a.ts\n@@ -${line},0 +${line},1 @@\n${body}\n`;
    expect(diffContentId(at(3, "+const a = 1;"))).toBe(diffContentId(at(40, "+const a = 1;")));
    expect(diffContentId(at(3, "+const a = 1;"))).not.toBe(diffContentId(at(3, "+const a = 2;")));
  });
});

describe("the platforms' documented answers", () => {
  it("GitHub's collaborator permission: the documented admin example, and role_name keeps maintain and triage", () => {
    expect(parseGitHubPermission(json("api-github-repos-get-collaborator-permission-level.openapi-example.admin.json"), "permission")).toBe("admin");
    expect(parseGitHubPermission({ permission: "write", role_name: "maintain" }, "permission")).toBe("maintain");
    expect(parseGitHubPermission({ permission: "read", role_name: "triage" }, "permission")).toBe("triage");
    expect(() => parseGitHubPermission({ role_name: "admin" }, "permission of x")).toThrow(/permission/);
  });

  it("GitLab Free: the approvals endpoint's documented example, its user wrapped in `user`", () => {
    const { events, userIds } = parseGitLabApprovals(json("api-gitlab-mr-approvals.docs-example.json"), "approvals");
    expect(events).toEqual([{ user: "root", bot: false, state: "APPROVED", at: undefined, commit: undefined }]);
    expect(userIds).toEqual({ root: 1 });
  });

  it("GitLab Premium: approval_state's documented rule needs 2 and has 1, whatever its `approved` flag says", () => {
    const rules = parseGitLabApprovalState(json("api-gitlab-mr-approval-state.docs-example.json"), "approval state");
    expect(rules).toEqual([{ name: "Ruby", required: 2, approvedBy: ["jdoe"], approved: true, type: "regular" }]);
  });

  it("GitLab's access levels: Developer (30) and up is write access", () => {
    expect([10, 20, 30, 40, 50].map((level) => parseGitLabMemberPermission({ access_level: level }, "member"))).toEqual([
      "read",
      "read",
      "write",
      "maintain",
      "admin",
    ]);
  });
});
