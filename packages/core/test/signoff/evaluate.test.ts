import { fixture } from "@release-gates/test-helpers/fixtures";
import { reportOf } from "@release-gates/test-helpers/reports";
import { describe, expect, it } from "vitest";
import { parseCodeowners } from "../../src/signoff/codeowners.js";
import { type EntryAuthorship, evaluateSignoff, type SignoffInputs } from "../../src/signoff/evaluate.js";
import { signoffGate } from "../../src/signoff/gate.js";
import { parseChecklist, parseSignoffFile } from "../../src/signoff/records.js";
import { parseGitLabApprovalState } from "../../src/signoff/responses.js";
import type { ReviewFacts } from "../../src/signoff/reviews.js";
import { SignoffSettings } from "../../src/signoff/settings.js";

const HEAD = "b7e2d94c1a3f5068e2d4c6b8a0f1e3d5c7b9a2e4";
const NOW = new Date("2026-11-25T12:00:00Z");

const approval = (user: string, at = "2026-11-24T10:00:00.000Z") => ({ user, bot: false, state: "APPROVED" as const, at, commit: HEAD });

const review = (overrides: Partial<ReviewFacts> = {}): ReviewFacts => ({
  platform: "github",
  reference: "acme/app#12",
  author: "octocat",
  lastPushers: ["octocat"],
  headSha: HEAD,
  commits: [{ sha: HEAD, at: "2026-11-24T09:00:00.000Z", contentId: "A" }],
  reviews: [approval("alice"), approval("bob")],
  permissions: { alice: "write", bob: "write", carol: "write", sam: "write", sue: "admin", octocat: "admin" },
  ...overrides,
});

function inputs(overrides: Partial<SignoffInputs> = {}): SignoffInputs {
  return {
    commit: HEAD,
    version: undefined,
    now: NOW,
    review: review(),
    changedFiles: ["src/app.ts"],
    codeowners: parseCodeowners(fixture("signoff/codeowners-github-teams.cli-cli.CODEOWNERS").replaceAll("@cli/", "@acme/"), ".github/CODEOWNERS", "github"),
    codeownersLocations: [".github/CODEOWNERS"],
    codeownersPlatformFindings: [],
    teams: { "@acme/code-reviewers": { members: ["alice", "bob"], source: "platform" } },
    signoffs: undefined,
    description: undefined,
    checklist: [],
    ...overrides,
  };
}

const settings = (policy: unknown = {}) => SignoffSettings.parse(policy);
const statuses = (evaluation: ReturnType<typeof evaluateSignoff>) => Object.fromEntries(evaluation.checks.map((check) => [check.id, check.status]));

describe("reviews", () => {
  it("two counted approvals and their code owners' pass; the report lists every reviewer", () => {
    const evaluation = evaluateSignoff(settings(), inputs());
    expect(statuses(evaluation)).toEqual({ "reviews.approvals": "pass", "reviews.changes-requested": "pass", codeowners: "pass" });
    expect(evaluation.details.reviewers.map((reviewer) => [reviewer.user, reviewer.counted])).toEqual([
      ["alice", true],
      ["bob", true],
    ]);
  });

  it("one approval of two fails, naming who did not count and why", () => {
    const evaluation = evaluateSignoff(settings(), inputs({ review: review({ reviews: [approval("alice"), approval("octocat")] }) }));
    expect(statuses(evaluation)["reviews.approvals"]).toBe("fail");
    expect(evaluation.findings[0]?.message).toBe(
      "acme/app#12 has 1 counted approval of the 2 required (alice); not counted: octocat (author: nobody approves their own change): ask 1 more reviewer with write access",
    );
  });

  it("a counted reviewer's open change request fails even with enough approvals", () => {
    const evaluation = evaluateSignoff(
      settings(),
      inputs({ review: review({ reviews: [approval("alice"), approval("bob"), { ...approval("carol"), state: "CHANGES_REQUESTED" }] }) }),
    );
    expect(statuses(evaluation)["reviews.changes-requested"]).toBe("fail");
    expect(evaluation.findings.map((finding) => finding.message)).toContain(
      "carol requested changes on acme/app#12 (2026-11-24): their approval, or a dismissal of that review, is needed",
    );
  });

  it("no pull or merge request is no evidence: no-data, which fails by default", () => {
    const evaluation = evaluateSignoff(settings(), inputs({ review: undefined, reviewMissing: "commit b7e2d94c1a3f came from no pull request" }));
    expect(evaluation.checks).toEqual([
      {
        id: "reviews.approvals",
        status: "no-data",
        measured: null,
        threshold: null,
        onNoData: "fail",
        message: "No review to count: commit b7e2d94c1a3f came from no pull request.",
      },
    ]);
  });
});

describe("code owners and path rules", () => {
  it("a path owned by a team needs an approval from a member; a team the token cannot read is said with the scope that reads it", () => {
    const evaluation = evaluateSignoff(
      settings(),
      inputs({
        changedFiles: ["pkg/cmd/attestation/verify/verify.go", "README.md"],
        teams: {
          "@acme/code-reviewers": { members: ["alice", "bob"], source: "platform" },
          "@acme/package-security": { unresolved: "GitHub answered 404: the token cannot read team membership" },
        },
      }),
    );
    expect(statuses(evaluation).codeowners).toBe("fail");
    const messages = evaluation.findings.map((finding) => finding.message);
    expect(messages).toContain(
      "pkg/cmd/attestation/verify/verify.go needs 1 approval from @acme/package-security (.github/CODEOWNERS line 7); none of them approved",
    );
    expect(messages.find((message) => message.includes("members of @acme/package-security are unknown"))).toContain("read:org");
  });

  it("the policy's team list stands in for the platform's, marked as such", () => {
    const evaluation = evaluateSignoff(
      settings({ teams: { "@acme/package-security": ["sue"] } }),
      inputs({
        review: review({ reviews: [approval("alice"), approval("sue")] }),
        changedFiles: ["pkg/cmd/attestation/verify/verify.go"],
        teams: { "@acme/package-security": { members: ["sue"], source: "policy" } },
      }),
    );
    expect(statuses(evaluation).codeowners).toBe("pass");
    expect(evaluation.details.teams).toEqual({ "@acme/package-security": "policy" });
    expect(evaluation.findings.find((finding) => finding.id === "teams-from-policy")?.severity).toBe("notice");
  });

  it("no CODEOWNERS file: no-data naming where it was looked for; required: false turns the check off", () => {
    const missing = inputs({ codeowners: undefined, codeownersLocations: [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] });
    expect(evaluateSignoff(settings(), missing).checks.find((check) => check.id === "codeowners")?.message).toBe(
      "No CODEOWNERS file at .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS: add one, or set gates.signoff.codeowners.required to false.",
    );
    expect(statuses(evaluateSignoff(settings({ codeowners: { required: false } }), missing)).codeowners).toBeUndefined();
  });

  it("the seed's security review: contracts/ needs two approvals from @acme/security", () => {
    const policy = settings({ paths: [{ name: "security review", pattern: "contracts/", approvals: 2, from: ["@acme/security"] }] });
    const teams = {
      "@acme/code-reviewers": { members: ["alice", "bob"], source: "platform" as const },
      "@acme/security": { members: ["sam", "sue"], source: "platform" as const },
    };
    const one = evaluateSignoff(
      policy,
      inputs({ changedFiles: ["contracts/Token.sol"], teams, review: review({ reviews: [approval("alice"), approval("sam")] }) }),
    );
    expect(statuses(one).paths).toBe("fail");
    expect(one.findings.map((finding) => finding.message)).toContain("security review (contracts/Token.sol) needs 2 approvals from @acme/security; only sam");
    const two = evaluateSignoff(
      policy,
      inputs({ changedFiles: ["contracts/Token.sol"], teams, review: review({ reviews: [approval("alice"), approval("sam"), approval("sue")] }) }),
    );
    expect(statuses(two).paths).toBe("pass");
    const untouched = evaluateSignoff(policy, inputs());
    expect(untouched.checks.find((check) => check.id === "paths")?.message).toBe("The change touches no path with a rule (contracts/).");
  });

  it("GitLab Premium's documented rule: marked approved with 1 of 2 approvals, which the gate does not accept", () => {
    const gitlabRules = parseGitLabApprovalState(JSON.parse(fixture("signoff/api-gitlab-mr-approval-state.docs-example.json")), "approval state");
    const evaluation = evaluateSignoff(
      settings({ codeowners: { required: false } }),
      inputs({
        review: review({ platform: "gitlab", reference: "!5", reviews: [approval("jdoe"), approval("alice")], permissions: { jdoe: "write", alice: "write" } }),
        gitlabRules,
      }),
    );
    expect(statuses(evaluation)["gitlab.approval-rules"]).toBe("fail");
    expect(evaluation.findings.map((finding) => finding.message)).toContain(
      'GitLab approval rule "Ruby" needs 2 approvals; only jdoe counted (GitLab marks it approved; the counted approvals do not)',
    );
  });
});

describe("named sign-offs", () => {
  const FILE = [
    "signoffs:",
    "  - role: qa",
    "    person: carol@acme.example",
    "    date: 2026-11-20",
    `    commit: ${HEAD.slice(0, 8)}`,
    "  - role: legal",
    "    item: terms",
    "    person: dan",
    "    date: 2026-11-21",
    "    version: 1.4.0",
    "  - role: legal",
    "    item: geo",
    "    person: dan",
    "    date: 2026-11-21",
    "    version: 1.4.0",
    "    notApplicable: No new markets in this release.",
    "  - role: qa",
    "    person: mallory@acme.example",
    "    date: 2026-11-22",
    `    commit: ${HEAD.slice(0, 8)}`,
    "",
  ].join("\n");
  const records = parseSignoffFile(FILE, "release/signoffs.yml");
  const wroteBy = (email: string, signature = "N"): EntryAuthorship[] => [{ commit: "1".repeat(40), email, name: email, signature }];
  const authorship = (overrides: Record<number, EntryAuthorship[]> = {}) =>
    new Map<number, EntryAuthorship[]>([
      [2, wroteBy("carol@acme.example")],
      [6, wroteBy("dan@acme.example")],
      [11, wroteBy("dan@acme.example")],
      // mallory's entry was written by carol: it does not count.
      [17, wroteBy("carol@acme.example")],
      ...Object.entries(overrides).map(([line, value]) => [Number(line), value] as [number, EntryAuthorship[]]),
    ]);
  const policy = (extra: object = {}) =>
    settings({
      codeowners: { required: false },
      people: { dan: "dan@acme.example" },
      signoffs: {
        required: [
          { role: "qa", count: 1 },
          { role: "legal", items: ["terms", "geo"], from: ["dan"] },
        ],
        ...extra,
      },
    });
  const run = (overrides: Partial<SignoffInputs> = {}, extra: object = {}) =>
    evaluateSignoff(policy(extra), inputs({ version: "1.4.0", signoffs: { path: "release/signoffs.yml", records, authorship: authorship() }, ...overrides }));

  it("each entry counts when git shows its signer wrote it and it signs this commit or version; not applicable counts, with its reason", () => {
    const evaluation = run();
    expect(statuses(evaluation).signoffs).toBe("pass");
    expect(evaluation.details.requirements.map((requirement) => [requirement.name, requirement.by])).toEqual([
      ["qa", ["carol@acme.example"]],
      ["legal: terms", ["dan"]],
      ["legal: geo", ["dan (not applicable: No new markets in this release.)"]],
    ]);
    expect(evaluation.details.rejectedSignoffs).toEqual([
      {
        line: 17,
        role: "qa",
        item: undefined,
        person: "mallory@acme.example",
        why: 'commit 111111111111, which wrote it, is by "carol@acme.example", not by mallory@acme.example: only the person signing may write their entry',
      },
    ]);
  });

  it("an entry written by someone else, one not committed, one too old, one for another version: refused, each with why", () => {
    const evaluation = run({
      signoffs: {
        path: "release/signoffs.yml",
        records,
        authorship: authorship({ 2: wroteBy("mallory@acme.example"), 6: [{ commit: "0".repeat(40), email: "not.committed.yet", name: "", signature: "N" }] }),
      },
      version: "1.5.0",
    });
    expect(statuses(evaluation).signoffs).toBe("fail");
    const why = Object.fromEntries(evaluation.details.rejectedSignoffs.map((entry) => [entry.line, entry.why]));
    expect(why[2]).toContain('is by "mallory@acme.example", not by carol@acme.example');
    expect(why[6]).toBe("it signs version 1.4.0, not 1.5.0");
    const old = run({ now: new Date("2027-01-30T00:00:00Z") });
    expect(old.details.rejectedSignoffs.find((entry) => entry.line === 2)?.why).toBe("it is dated 2026-11-20, older than signoffs.maxAge (30d)");
    const uncommitted = run({
      signoffs: {
        path: "release/signoffs.yml",
        records,
        authorship: authorship({ 2: [{ commit: "0".repeat(40), email: "not.committed.yet", name: "", signature: "N" }] }),
      },
    });
    expect(uncommitted.details.rejectedSignoffs.find((entry) => entry.line === 2)?.why).toBe(
      "its lines are not committed: only a commit proves who wrote them",
    );
  });

  it("requireSignedCommits refuses an entry whose commit git cannot verify", () => {
    const evaluation = run({}, { requireSignedCommits: true });
    expect(evaluation.details.rejectedSignoffs.find((entry) => entry.line === 2)?.why).toContain("has no good signature (git: N)");
    const signed = run(
      {
        signoffs: {
          path: "release/signoffs.yml",
          records,
          authorship: authorship({ 2: wroteBy("carol@acme.example", "G"), 6: wroteBy("dan@acme.example", "G"), 11: wroteBy("dan@acme.example", "G") }),
        },
      },
      { requireSignedCommits: true },
    );
    expect(statuses(signed).signoffs).toBe("pass");
  });

  it("a role limited to paths applies only when the change touches them; a missing file fails the roles it needs", () => {
    const scoped = evaluateSignoff(
      settings({ codeowners: { required: false }, signoffs: { required: [{ role: "architecture", paths: ["src/core/"] }] } }),
      inputs(),
    );
    expect(scoped.checks.find((check) => check.id === "signoffs")?.message).toBe("No required sign-off applies to this change.");
    const missing = evaluateSignoff(policy(), inputs());
    expect(missing.findings.find((finding) => finding.id === "signoff-missing")?.message).toBe(
      `qa needs 1 sign-off in release/signoffs.yml, for commit ${HEAD.slice(0, 12)}; found none`,
    );
  });
});

describe("the description's checklist", () => {
  const policy = settings({ codeowners: { required: false }, checklist: { required: [{ id: "terms", text: "Terms of service updated" }, { id: "privacy" }] } });

  it("required items ticked pass; a deleted one counts as unticked", () => {
    const description = "- [x] Terms of service updated\n- [x] Privacy reviewed <!-- id: privacy -->\n";
    expect(statuses(evaluateSignoff(policy, inputs({ description, checklist: parseChecklist(description) }))).checklist).toBe("pass");
    const deleted = "- [x] Terms of service updated\n";
    const evaluation = evaluateSignoff(policy, inputs({ description: deleted, checklist: parseChecklist(deleted) }));
    expect(statuses(evaluation).checklist).toBe("fail");
    expect(evaluation.findings.map((finding) => finding.message)).toContain(
      'the description has no checklist item "privacy": a deleted required item counts as unticked',
    );
  });

  it("no description to read is no-data", () => {
    expect(statuses(evaluateSignoff(policy, inputs({ description: undefined }))).checklist).toBe("no-data");
  });
});

describe("the sign-off gate's report, as the front ends render it", () => {
  it("the summary lists each reviewer and why they count or not, each requirement and who met it; outputs name what is missing", async () => {
    const evaluation = evaluateSignoff(
      settings({ paths: [{ name: "security review", pattern: "contracts/", approvals: 2, from: ["@acme/security"] }] }),
      inputs({
        changedFiles: ["contracts/Token.sol", "README.md"],
        teams: { "@acme/code-reviewers": { members: ["alice", "bob"], source: "platform" }, "@acme/security": { members: ["sam"], source: "platform" } },
        review: review({ reviews: [approval("alice"), approval("sam"), approval("octocat")] }),
      }),
    );
    const report = reportOf(signoffGate.name, evaluation);
    const renderers = await signoffGate.renderers();
    const summary = renderers.markdownSections(report).join("\n\n");
    expect(summary).toContain("### Reviewers of acme/app#12");
    expect(summary).toContain("| octocat | approved | 2026-11-24 10:00 | admin | ❌ author: nobody approves their own change |");
    expect(summary).toContain("| ❌ | path | security review | 1 of 2 | sam | contracts/Token.sol |");
    expect(renderers.terminal?.(report)).toMatch(/^acme\/app#12: 2 of 2 approvals counted, 1 of 2 requirements met\n/);
    const outputs = Object.fromEntries(signoffGate.outputs.map((output) => [output.name, output.value(report, {})]));
    expect(outputs).toEqual({ approvals: 2, missing: "security review" });
  });
});

describe("break-glass", () => {
  const override = { reason: "Hotfix for the outage INC-42; reviews follow", requestedBy: "alice", approvedBy: "sue", expires: "2026-11-26T00:00:00Z" };

  it("what fails is reported as warnings with who bypassed it and why; the gate warns, it does not pass silently", () => {
    const evaluation = evaluateSignoff(settings(), inputs({ review: review({ reviews: [approval("alice")] }), override }));
    expect(statuses(evaluation)["reviews.approvals"]).toBe("warn");
    expect(evaluation.checks.find((check) => check.id === "reviews.approvals")?.message).toMatch(/\(bypassed: break-glass\)$/);
    expect(evaluation.findings.every((finding) => finding.severity !== "error")).toBe(true);
    expect(evaluation.findings.find((finding) => finding.id === "break-glass")?.message).toBe(
      "Break-glass: what fails here is bypassed until 2026-11-26T00:00:00Z, requested by alice, approved by sue: Hotfix for the outage INC-42; reviews follow",
    );
  });

  it("one person approving their own request, or an expiry already past, is refused", () => {
    expect(() => evaluateSignoff(settings(), inputs({ override: { ...override, approvedBy: "Alice" } }))).toThrow(/approval by a second person/);
    expect(() => evaluateSignoff(settings(), inputs({ override: { ...override, expires: "2026-11-01T00:00:00Z" } }))).toThrow(/expiry in the future/);
  });
});

describe("who may tick a checklist item", () => {
  it("an item that legal must tick, ticked by someone else, fails naming who did", () => {
    const policy = settings({ codeowners: { required: false }, checklist: { required: [{ id: "terms", from: ["dan"] }] } });
    const description = "- [x] Terms of service updated <!-- id: terms -->\n";
    const history = (editor: string) => ({
      kind: "versions" as const,
      author: "octocat",
      versions: [
        { at: "2026-11-20T10:00:00.000Z", editor: "octocat", body: "- [ ] Terms of service updated <!-- id: terms -->\n" },
        { at: "2026-11-21T10:00:00.000Z", editor, body: description },
      ],
    });
    const byDan = evaluateSignoff(policy, inputs({ description, checklist: parseChecklist(description), checklistHistory: history("dan") }));
    expect(statuses(byDan).checklist).toBe("pass");
    expect(byDan.details.checklist).toEqual([{ id: "terms", ticked: true, found: true, tickedBy: "dan" }]);
    const byAuthor = evaluateSignoff(policy, inputs({ description, checklist: parseChecklist(description), checklistHistory: history("octocat") }));
    expect(byAuthor.findings.map((finding) => finding.message)).toContain('checklist item "Terms of service updated" must be ticked by dan; octocat ticked it');
  });
});
