import { type BreakGlass, validateBreakGlass } from "../break-glass.js";
import { parseDuration } from "../durations.js";
import { quoted } from "../errors.js";
import { checkFromFindings, noDataCheck, plural } from "../report/checks.js";
import type { Check, Finding } from "../report/schema.js";
import { type Codeowners, ownershipMatcher, ownersOf } from "./codeowners.js";
import { type ChecklistHistory, type ChecklistItem, type SignoffRecord, whoTicked } from "./records.js";
import type { GitLabApprovalRule } from "./responses.js";
import { countedApprovers, type Permission, type ReviewerVerdict, type ReviewFacts, reduceReviews, vetoes } from "./reviews.js";
import { isTeam, type PathRule, type RequiredSignoff, type SignoffSettings } from "./settings.js";

/** A team's members and where they came from: the platform, or the policy's list because the token could not read them. */
export type TeamMembers = { members: string[]; source: "platform" | "policy" } | { unresolved: string };

/** Who wrote a sign-off entry, from git: the last commit that touched its lines. */
export interface EntryAuthorship {
  commit: string;
  email: string;
  name: string;
  /** git's verdict on the commit's signature (`%G?`): G good, anything else is not a good signature. */
  signature: string;
}

export interface SignoffInputs {
  /** The commit the report is about, and the release version where the run names one. */
  commit: string;
  version: string | undefined;
  now: Date;
  /** The pull or merge request's reviews; absent when the run has none, with the reason. */
  review: ReviewFacts | undefined;
  reviewMissing?: string;
  /** GitLab Premium's approval rules, when the tier has them. */
  gitlabRules?: GitLabApprovalRule[];
  /** The paths the change touches (against its base); absent when unknown. */
  changedFiles: string[] | undefined;
  codeowners: Codeowners | undefined;
  /** Where the CODEOWNERS file was looked for, for the message when there is none. */
  codeownersLocations: readonly string[];
  /** Findings about the CODEOWNERS file from the platform (GitHub's codeowners/errors). */
  codeownersPlatformFindings: readonly Finding[];
  teams: Readonly<Record<string, TeamMembers>>;
  /** The sign-off file: its entries and, per entry (by its first line), every commit that wrote one of its lines. */
  signoffs: { path: string; records: SignoffRecord[]; authorship: ReadonlyMap<number, readonly EntryAuthorship[]> } | undefined;
  /** The pull or merge request's description, for its checklist. */
  description: string | undefined;
  checklist: ChecklistItem[];
  /** How the description came to be, to tell who ticked each item. */
  checklistHistory?: ChecklistHistory;
  /** A break-glass override: what fails is reported, as warnings, with who bypassed it and why. */
  override?: BreakGlass;
}

/** One required approval group and how it fared: a CODEOWNERS rule, a path rule, a role's item. */
export interface RequirementVerdict {
  kind: "codeowners" | "path" | "signoff" | "gitlab-rule";
  name: string;
  needed: number;
  /** Who satisfied it (approvers, or the people whose sign-offs count). */
  by: string[];
  paths?: string[];
  met: boolean;
}

export interface RejectedSignoff {
  line: number;
  role: string;
  item: string | undefined;
  person: string;
  why: string;
}

export interface SignoffDetails {
  reference: string | undefined;
  reviewers: ReviewerVerdict[];
  approvals: { counted: number; required: number };
  requirements: RequirementVerdict[];
  rejectedSignoffs: RejectedSignoff[];
  checklist: { id: string; ticked: boolean; found: boolean; tickedBy?: string }[];
  teams: Record<string, "platform" | "policy" | "unresolved">;
  changedFiles: number | undefined;
  codeowners: string | undefined;
  breakGlass?: BreakGlass;
}

export interface SignoffEvaluation {
  checks: Check[];
  findings: Finding[];
  details: SignoffDetails;
}

const bare = (who: string) => who.replace(/^@/, "").toLowerCase();
const isEmail = (who: string) => who.includes("@") && !who.startsWith("@");

/** GitHub's no-reply addresses carry the login: `123+alice@users.noreply.github.com`. */
const noReplyLogin = (email: string) => /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(email)?.[1]?.toLowerCase();

/**
 * People and teams as the policy, CODEOWNERS and the sign-off file write
 * them, resolved to one identity: logins (bare, lower case), with the
 * policy's `people` tying logins to the e-mail addresses git records.
 */
class Directory {
  private readonly emailToLogin = new Map<string, string>();

  constructor(
    settings: SignoffSettings,
    private readonly teams: Readonly<Record<string, TeamMembers>>,
    private readonly approverPermissions: Readonly<Record<string, Permission | undefined>>,
  ) {
    for (const [login, email] of Object.entries(settings.people)) this.emailToLogin.set(email.toLowerCase(), bare(login));
  }

  /** The login of a person written as a login or an e-mail address; the address itself when nothing maps it. */
  identity(who: string): string {
    if (!isEmail(who)) return bare(who);
    const email = who.toLowerCase();
    return this.emailToLogin.get(email) ?? noReplyLogin(email) ?? email;
  }

  /** Does `person` belong to any of `allowed` (people, teams, GitLab roles)? Unresolvable teams are reported by the caller. */
  allows(allowed: readonly string[], person: string): boolean {
    const id = this.identity(person);
    return allowed.some((who) => {
      if (isTeam(who)) {
        const team = this.teams[who.toLowerCase()] ?? this.teams[who];
        return team !== undefined && "members" in team && team.members.some((member) => this.identity(member) === id);
      }
      const role = /^@@(developer|maintainer|owner)s?$/i.exec(who)?.[1]?.toLowerCase();
      if (role) {
        const permission = this.approverPermissions[person] ?? this.approverPermissions[id];
        const rank = { none: 0, read: 1, triage: 1, write: 2, maintain: 3, admin: 4 }[permission ?? "none"];
        return rank >= { developer: 2, maintainer: 3, owner: 4 }[role as "developer" | "maintainer" | "owner"];
      }
      return this.identity(who) === id;
    });
  }

  /** Teams among `allowed` whose members are unknown, with why. */
  unresolved(allowed: readonly string[]): { team: string; why: string }[] {
    return allowed.flatMap((who) => {
      if (!isTeam(who)) return [];
      const team = this.teams[who.toLowerCase()] ?? this.teams[who];
      return team && "unresolved" in team ? [{ team: who, why: team.unresolved }] : team ? [] : [{ team: who, why: "its members were not looked up" }];
    });
  }

  /** Does the login match a git author (by e-mail, mapped or GitHub no-reply)? */
  wrote(person: string, author: EntryAuthorship): boolean {
    const id = this.identity(person);
    const email = author.email.toLowerCase();
    return id === email || id === this.emailToLogin.get(email) || id === noReplyLogin(email) || (isEmail(person) && person.toLowerCase() === email);
  }
}

/** Approvals from `allowed` among the counted approvers. */
function approvalsFrom(directory: Directory, approvers: readonly string[], allowed: readonly string[]): string[] {
  return approvers.filter((approver) => directory.allows(allowed, approver));
}

/** Requirement messages name at most a few paths. */
function somePaths(paths: readonly string[]): string {
  return paths.length <= 3 ? paths.join(", ") : `${paths.slice(0, 3).join(", ")} and ${paths.length - 3} more`;
}

function unresolvedFindings(directory: Directory, allowed: readonly string[], where: string): Finding[] {
  return directory.unresolved(allowed).map(({ team, why }) => ({
    id: "team-unresolved",
    severity: "error",
    message: `${where}: the members of ${team} are unknown (${why}): give a token that can read them (GitHub: read:org), or list them under gates.signoff.teams`,
  }));
}

/** CODEOWNERS: each owning rule of each changed path needs its section's approvals from its owners. */
function codeownerRequirements(codeowners: Codeowners, changed: readonly string[], approvers: readonly string[], directory: Directory) {
  const groups = new Map<string, { section: string; optional: boolean; needed: number; owners: string[]; line: number; paths: string[] }>();
  for (const path of changed) {
    for (const { section, rule } of ownersOf(codeowners, path)) {
      const key = `${section.name}\u0000${rule.line}`;
      const group = groups.get(key) ?? {
        section: section.name,
        optional: section.optional,
        needed: section.approvals,
        owners: rule.owners,
        line: rule.line,
        paths: [],
      };
      group.paths.push(path);
      groups.set(key, group);
    }
  }
  const requirements: RequirementVerdict[] = [];
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    if (group.optional) continue;
    const by = approvalsFrom(directory, approvers, group.owners);
    const name = `${codeowners.path} line ${group.line}${codeowners.syntax === "gitlab" ? ` [${group.section}]` : ""}`;
    const met = by.length >= group.needed;
    requirements.push({ kind: "codeowners", name, needed: group.needed, by, paths: group.paths, met });
    if (!met) {
      findings.push({
        id: "codeowner-approval-missing",
        severity: "error",
        message: `${somePaths(group.paths)} ${group.paths.length === 1 ? "needs" : "need"} ${plural(group.needed, "approval")} from ${group.owners.join(", ")} (${name}); ${by.length ? `only ${by.join(", ")}` : "none of them approved"}`,
        location: { path: codeowners.path, startLine: group.line },
      });
      findings.push(...unresolvedFindings(directory, group.owners, name));
    }
  }
  return { requirements, findings };
}

/** The policy's path rules: those the change touches need their approvals. */
function pathRequirements(rules: readonly PathRule[], changed: readonly string[], approvers: readonly string[], directory: Directory) {
  const requirements: RequirementVerdict[] = [];
  const findings: Finding[] = [];
  for (const rule of rules) {
    const matches = ownershipMatcher(rule.pattern);
    const paths = changed.filter((path) => matches(path));
    if (paths.length === 0) continue;
    const by = approvalsFrom(directory, approvers, rule.from);
    const name = rule.name ?? `changes to ${rule.pattern}`;
    const met = by.length >= rule.approvals;
    requirements.push({ kind: "path", name, needed: rule.approvals, by, paths, met });
    if (!met) {
      findings.push({
        id: "path-approval-missing",
        severity: "error",
        message: `${name} (${somePaths(paths)}) needs ${plural(rule.approvals, "approval")} from ${rule.from.join(", ")}; ${by.length ? `only ${by.join(", ")}` : "none of them approved"}`,
      });
      findings.push(...unresolvedFindings(directory, rule.from, name));
    }
  }
  return { requirements, findings };
}

/** Why an entry does not count, or undefined when it does. */
function entryProblem(
  entry: SignoffRecord,
  required: RequiredSignoff,
  inputs: SignoffInputs,
  settings: SignoffSettings,
  directory: Directory,
  authorship: readonly EntryAuthorship[] | undefined,
): string | undefined {
  const signs = entry.commit
    ? inputs.commit.toLowerCase().startsWith(entry.commit.toLowerCase())
    : entry.version !== undefined && inputs.version !== undefined && entry.version === inputs.version;
  if (!signs)
    return entry.commit
      ? `it signs commit ${entry.commit}, not ${inputs.commit.slice(0, 12)}`
      : `it signs version ${entry.version}${inputs.version ? `, not ${inputs.version}` : ", and this run names no version (--release-version)"}`;
  const age = inputs.now.getTime() - Date.parse(`${entry.date}T00:00:00Z`);
  const maxAge = parseDuration(settings.signoffs.maxAge, "signoffs.maxAge");
  if (age > maxAge + 86_400_000) return `it is dated ${entry.date}, older than signoffs.maxAge (${settings.signoffs.maxAge})`;
  if (age < -86_400_000) return `it is dated ${entry.date}, in the future`;
  if (!authorship?.length) return "git has no commit for its lines";
  const uncommitted = authorship.find((commit) => /^0+$/.test(commit.commit));
  if (uncommitted) return "its lines are not committed: only a commit proves who wrote them";
  const other = authorship.find((commit) => !directory.wrote(entry.person, commit));
  if (other)
    return `commit ${other.commit.slice(0, 12)}, which wrote ${authorship.length > 1 ? "part of " : ""}it, is by ${quoted(other.email)}, not by ${entry.person}: only the person signing may write their entry`;
  const unsigned = settings.signoffs.requireSignedCommits ? authorship.find((commit) => commit.signature !== "G") : undefined;
  if (unsigned)
    return `commit ${unsigned.commit.slice(0, 12)}, which wrote it, has no good signature (git: ${unsigned.signature}) and signoffs.requireSignedCommits is on`;
  if (required.from.length && !directory.allows(required.from, entry.person)) return `${entry.person} is not among ${required.from.join(", ")}`;
  return undefined;
}

/** Each required sign-off of the environment: per item, enough entries that belong to this release and were written by their signers. */
function signoffRequirements(settings: SignoffSettings, inputs: SignoffInputs, directory: Directory) {
  const requirements: RequirementVerdict[] = [];
  const rejected: RejectedSignoff[] = [];
  const findings: Finding[] = [];
  const file = inputs.signoffs;
  for (const required of settings.signoffs.required) {
    if (required.paths.length) {
      if (!inputs.changedFiles) {
        findings.push({
          id: "signoff-scope-unknown",
          severity: "error",
          message: `the ${required.role} sign-off applies to changes under ${required.paths.join(", ")}, and the change's files are unknown here (fetch the base branch: fetch-depth 0)`,
        });
        continue;
      }
      const matchers = required.paths.map(ownershipMatcher);
      if (!inputs.changedFiles.some((path) => matchers.some((matches) => matches(path)))) continue;
    }
    for (const item of required.items.length ? required.items : [undefined]) {
      const name = item ? `${required.role}: ${item}` : required.role;
      const by: string[] = [];
      for (const entry of file?.records ?? []) {
        if (entry.role !== required.role || (item !== undefined && entry.item !== item)) continue;
        const problem = entryProblem(entry, required, inputs, settings, directory, file?.authorship.get(entry.line));
        if (problem) rejected.push({ line: entry.line, role: entry.role, item: entry.item, person: entry.person, why: problem });
        else if (!by.includes(directory.identity(entry.person)))
          by.push(entry.notApplicable ? `${directory.identity(entry.person)} (not applicable: ${entry.notApplicable})` : directory.identity(entry.person));
      }
      const met = by.length >= required.count;
      requirements.push({ kind: "signoff", name, needed: required.count, by, met });
      if (!met) {
        const refused = rejected.filter((entry) => entry.role === required.role && (item === undefined || entry.item === item));
        findings.push({
          id: "signoff-missing",
          severity: "error",
          message: `${name} needs ${plural(required.count, "sign-off")}${required.from.length ? ` from ${required.from.join(", ")}` : ""} in ${file?.path ?? settings.signoffs.file}, for ${inputs.version ? `version ${inputs.version} or ` : ""}commit ${inputs.commit.slice(0, 12)}; ${by.length ? `only ${by.join(", ")}` : "found none"}${refused.length ? `; refused: ${refused.map((entry) => `line ${entry.line} (${entry.person}): ${entry.why}`).join("; ")}` : ""}`,
          ...(file ? { location: { path: file.path, ...(refused[0] ? { startLine: refused[0].line } : {}) } } : {}),
        });
        findings.push(...unresolvedFindings(directory, required.from, name));
      }
    }
  }
  return { requirements, rejected, findings };
}

/**
 * Decides the sign-off gate: enough current approvals from people who may
 * give them and no standing veto; every changed path's code owners and the
 * policy's path rules satisfied; GitLab's approval rules where the tier has
 * them; each sign-off the environment names, written (per git) by the
 * person who signs and belonging to this release; the description's
 * required checklist ticked.
 */
export function evaluateSignoff(settings: SignoffSettings, inputs: SignoffInputs): SignoffEvaluation {
  if (inputs.override) validateBreakGlass(inputs.override, inputs.now);
  const checks: Check[] = [];
  const findings: Finding[] = [];
  const record = (check: Check, found: readonly Finding[]) => {
    checks.push(check);
    findings.push(...found);
  };
  const review = inputs.review;
  const verdicts = review ? reduceReviews(review, settings.reviews.staleAfter) : [];
  const approvers = countedApprovers(verdicts);
  const permissions: Record<string, Permission | undefined> = { ...(review?.permissions ?? {}) };
  const directory = new Directory(settings, inputs.teams, permissions);
  const requirements: RequirementVerdict[] = [];
  const needed = settings.reviews.approvals;

  // reviews.approvals and reviews.changes-requested
  if (!review) {
    record(noDataCheck("reviews.approvals", `No review to count: ${inputs.reviewMissing ?? "the run has no pull or merge request"}.`, settings.onNoData), []);
  } else {
    const ignored = verdicts.filter((verdict) => !verdict.counted && verdict.opinion === "approved");
    const why = ignored.map((verdict) => `${verdict.user} (${verdict.ignored}${verdict.detail ? `: ${verdict.detail}` : ""})`).join(", ");
    const approvalFindings: Finding[] =
      approvers.length >= needed
        ? []
        : [
            {
              id: "approvals-missing",
              severity: "error",
              message: `${review.reference} has ${plural(approvers.length, "counted approval")} of the ${needed} required${approvers.length ? ` (${approvers.join(", ")})` : ""}${why ? `; not counted: ${why}` : ""}: ask ${needed - approvers.length} more reviewer${needed - approvers.length === 1 ? "" : "s"} with write access`,
            },
          ];
    record(
      checkFromFindings(
        "reviews.approvals",
        approvalFindings,
        `${review.reference}: ${plural(approvers.length, "counted approval")} (${approvers.join(", ") || "none needed"}), ${needed} required${why ? `; not counted: ${why}` : ""}.`,
        approvers.length,
        `≥ ${plural(needed, "approval")}`,
        "approvals",
      ),
      approvalFindings,
    );
    const vetoFindings: Finding[] = vetoes(verdicts).map((verdict) => ({
      id: "changes-requested",
      severity: "error",
      message: `${verdict.user} requested changes on ${review.reference}${verdict.at ? ` (${verdict.at.slice(0, 10)})` : ""}: their approval, or a dismissal of that review, is needed`,
    }));
    record(
      checkFromFindings(
        "reviews.changes-requested",
        vetoFindings,
        "No reviewer with write access has changes requested.",
        vetoFindings.length,
        0,
        "open change requests",
      ),
      vetoFindings,
    );
  }

  // Code owners and path rules need the change's files; a shallow clone leaves them unknown.
  const changesUnknown = (id: string, what: string) =>
    noDataCheck(id, `The change's files are unknown (the base branch is not in the clone: fetch-depth 0), so ${what} cannot be checked.`, settings.onNoData);

  // codeowners
  // Without a review, reviews.approvals already says why; code owners cannot be judged without approvals.
  if (settings.codeowners.required && review) {
    if (!inputs.codeowners) {
      record(
        noDataCheck(
          "codeowners",
          `No CODEOWNERS file at ${inputs.codeownersLocations.join(", ")}: add one, or set gates.signoff.codeowners.required to false.`,
          settings.onNoData,
        ),
        [],
      );
    } else if (!inputs.changedFiles) {
      record(changesUnknown("codeowners", "their owners"), []);
    } else {
      const owned = codeownerRequirements(inputs.codeowners, inputs.changedFiles, approvers, directory);
      requirements.push(...owned.requirements);
      const found = [...inputs.codeowners.findings, ...inputs.codeownersPlatformFindings, ...owned.findings];
      const met = owned.requirements.filter((requirement) => requirement.met).length;
      record(
        checkFromFindings(
          "codeowners",
          found,
          owned.requirements.length
            ? `Every owned path of the change has its owners' approval (${plural(owned.requirements.length, "rule")} of ${inputs.codeowners.path}).`
            : `No path of the change has an owner in ${inputs.codeowners.path}.`,
          `${met} of ${plural(owned.requirements.length, "rule")}`,
          "every owned path approved",
        ),
        found,
      );
    }
  }

  // paths
  if (settings.paths.length && review) {
    if (!inputs.changedFiles) {
      record(changesUnknown("paths", "the path rules"), []);
    } else {
      const rules = pathRequirements(settings.paths, inputs.changedFiles, approvers, directory);
      requirements.push(...rules.requirements);
      record(
        checkFromFindings(
          "paths",
          rules.findings,
          rules.requirements.length
            ? `Each path rule the change touches has its approvals (${rules.requirements.map((rule) => rule.name).join(", ")}).`
            : `The change touches no path with a rule (${settings.paths.map((rule) => rule.pattern).join(", ")}).`,
          `${rules.requirements.filter((requirement) => requirement.met).length} of ${plural(rules.requirements.length, "rule")}`,
          "every rule the change touches",
        ),
        rules.findings,
      );
    }
  }

  // GitLab approval rules (Premium): computed from who approved, never from GitLab's `approved` flag alone.
  if (inputs.gitlabRules?.length) {
    const ruleFindings: Finding[] = [];
    for (const rule of inputs.gitlabRules) {
      const by = rule.approvedBy.filter((user) => approvers.some((approver) => bare(approver) === bare(user)));
      const met = by.length >= rule.required;
      requirements.push({ kind: "gitlab-rule", name: rule.name, needed: rule.required, by, met });
      if (!met)
        ruleFindings.push({
          id: "gitlab-rule-unmet",
          severity: "error",
          message: `GitLab approval rule ${quoted(rule.name)} needs ${plural(rule.required, "approval")}; ${by.length ? `only ${by.join(", ")} counted` : "none counted"}${rule.approved && !met ? " (GitLab marks it approved; the counted approvals do not)" : ""}`,
        });
    }
    record(
      checkFromFindings(
        "gitlab.approval-rules",
        ruleFindings,
        `Every GitLab approval rule has its approvals (${plural(inputs.gitlabRules.length, "rule")}).`,
        `${inputs.gitlabRules.length - ruleFindings.length} of ${plural(inputs.gitlabRules.length, "rule")}`,
        "every rule approved",
      ),
      ruleFindings,
    );
  }

  // sign-offs
  const signoffs = signoffRequirements(settings, inputs, directory);
  requirements.push(...signoffs.requirements);
  if (settings.signoffs.required.length) {
    const applicable = signoffs.requirements.length;
    record(
      checkFromFindings(
        "signoffs",
        signoffs.findings,
        applicable
          ? `Every required sign-off is recorded for this release by its signer (${signoffs.requirements.map((requirement) => `${requirement.name}: ${requirement.by.join(", ")}`).join("; ")}).`
          : "No required sign-off applies to this change.",
        `${signoffs.requirements.filter((requirement) => requirement.met).length} of ${plural(applicable, "sign-off")}`,
        "every required sign-off",
      ),
      signoffs.findings,
    );
  }

  // checklist
  const checklist: SignoffDetails["checklist"] = [];
  if (settings.checklist.required.length) {
    if (inputs.description === undefined) {
      record(noDataCheck("checklist", "No pull or merge request description to read the checklist from.", settings.onNoData), []);
    } else {
      const listFindings: Finding[] = [];
      const tickers = inputs.checklistHistory ? whoTicked(inputs.checklist, inputs.checklistHistory) : undefined;
      for (const rule of settings.checklist.required) {
        const item =
          inputs.checklist.find((candidate) => candidate.id === rule.id) ??
          (rule.text
            ? inputs.checklist.find((candidate) => candidate.id === undefined && candidate.text.toLowerCase().includes((rule.text as string).toLowerCase()))
            : undefined);
        const tickedBy = item?.ticked ? tickers?.get(item.line) : undefined;
        checklist.push({ id: rule.id, ticked: item?.ticked === true, found: item !== undefined, ...(tickedBy ? { tickedBy } : {}) });
        if (!item)
          listFindings.push({
            id: "checklist-item-missing",
            severity: "error",
            message: `the description has no checklist item ${quoted(rule.id)}${rule.text ? ` (${quoted(rule.text)})` : ""}: a deleted required item counts as unticked`,
          });
        else if (!item.ticked)
          listFindings.push({
            id: "checklist-item-unticked",
            severity: "error",
            message: `checklist item ${quoted(item.text, 120)} (line ${item.line}) is not ticked`,
          });
        else if (rule.from.length && !(tickedBy && directory.allows(rule.from, tickedBy)))
          listFindings.push({
            id: "checklist-item-ticked-by",
            severity: "error",
            message: `checklist item ${quoted(item.text, 120)} must be ticked by ${rule.from.join(", ")}; ${tickedBy ? `${tickedBy} ticked it` : tickers ? "the description's history does not show who ticked it" : "who ticked it is unknown here (no description history)"}`,
          });
      }
      record(
        checkFromFindings(
          "checklist",
          listFindings,
          `Every required checklist item is ticked (${settings.checklist.required.map((rule) => rule.id).join(", ")}).`,
          `${checklist.filter((item) => item.ticked).length} of ${plural(checklist.length, "item")} ticked`,
          "every required item",
        ),
        listFindings,
      );
    }
  }

  const teams: SignoffDetails["teams"] = {};
  for (const [team, members] of Object.entries(inputs.teams)) teams[team] = "unresolved" in members ? "unresolved" : members.source;
  const policyTeams = Object.entries(teams).filter(([, source]) => source === "policy");
  if (policyTeams.length)
    findings.push({
      id: "teams-from-policy",
      severity: "notice",
      message: `${policyTeams.map(([team]) => team).join(", ")}: members taken from the policy's gates.signoff.teams (the token could not read them), not from the platform`,
    });
  const details: SignoffDetails = {
    reference: review?.reference,
    reviewers: verdicts,
    approvals: { counted: approvers.length, required: needed },
    requirements,
    rejectedSignoffs: signoffs.rejected,
    checklist,
    teams,
    changedFiles: inputs.changedFiles?.length,
    codeowners: inputs.codeowners?.path,
    ...(inputs.override ? { breakGlass: inputs.override } : {}),
  };
  if (!inputs.override || !checks.some((check) => check.status === "fail" || (check.status === "no-data" && check.onNoData === "fail")))
    return { checks, findings, details };
  const { override } = inputs;
  findings.push({
    id: "break-glass",
    severity: "warning",
    message: `Break-glass: what fails here is bypassed until ${override.expires}, requested by ${override.requestedBy}, approved by ${override.approvedBy}: ${override.reason}`,
  });
  return {
    checks: checks.map(({ onNoData: _, ...check }) =>
      check.status === "fail" || check.status === "no-data"
        ? { ...check, status: "warn" as const, message: `${check.message} (bypassed: break-glass)` }
        : check,
    ),
    findings: findings.map((finding) => (finding.severity === "error" ? { ...finding, severity: "warning" as const } : finding)),
    details,
  };
}
