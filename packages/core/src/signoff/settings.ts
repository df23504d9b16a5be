import * as z from "zod";
import { Duration } from "../durations.js";
import { NoDataOutcome } from "../report/schema.js";

/** A team as the policy and the platforms name it: `@org/team`. */
const TEAM = /^@[^/\s]+\/\S+$/;
export const isTeam = (who: string) => TEAM.test(who);

/** A person or a team: `alice`, `@alice`, `alice@acme.example`, `@acme/security`. */
const Who = z.string().min(1);

const PathRule = z.strictObject({
  /** Paths of the change this rule covers (CODEOWNERS pattern syntax: `contracts/`, `/src/**\/*.sol`). */
  pattern: z.string().min(1),
  /** Counted approvals needed from `from`. */
  approvals: z.number().int().min(1).default(1),
  /** Who may give them: people and teams. */
  from: z.array(Who).min(1),
  /** Named in messages: "security review". */
  name: z.string().min(1).optional(),
});

const RequiredSignoff = z.strictObject({
  /** `qa`, `stakeholder`, `legal`, `architecture`… as written in the sign-off file. */
  role: z.string().min(1),
  /** Items of the role each needing their own sign-off (`terms`, `privacy`, `regulatory`, `geo`); none: the role as a whole. */
  items: z.array(z.string().min(1)).default([]),
  /** People needed (for each item). */
  count: z.number().int().min(1).default(1),
  /** Who may sign: people (logins or e-mail addresses) and teams; empty: anyone the commit proves. */
  from: z.array(Who).default([]),
  /** Only when the change touches these paths (CODEOWNERS pattern syntax), e.g. the architecture review for `src/core/`. */
  paths: z.array(z.string().min(1)).default([]),
});

const ChecklistRule = z.strictObject({
  /** The item's stable id (`<!-- id: terms -->` on its line), and the text that finds it where the marker is missing. */
  id: z.string().min(1),
  text: z.string().min(1).optional(),
  /** Who may tick it (people, teams); empty: anyone. Read from the description's history. */
  from: z.array(Who).default([]),
});

/** `gates.signoff` in release-gates.yml; every key has a documented default. */
export const SignoffSettings = z.strictObject({
  reviews: z
    .strictObject({
      /** Counted approvals every change needs: humans with write access, not the author or last pusher, current. */
      approvals: z.number().int().min(0).default(2),
      /** When an approval stops counting: any push, a push that changes the change's own diff (default), never. */
      staleAfter: z.enum(["any-push", "content-change", "never"]).default("content-change"),
    })
    .prefault({}),
  codeowners: z
    .strictObject({
      /** Every changed path with owners needs a counted approval from one of them (GitLab: per section). */
      required: z.boolean().default(true),
      /** CODEOWNERS file; the platform's locations when absent. */
      path: z.string().min(1).optional(),
      /** Which platform's reading: GitLab's sections or GitHub's single list; from the file's location and content when `auto`. */
      syntax: z.enum(["auto", "github", "gitlab"]).default("auto"),
    })
    .prefault({}),
  /** Extra approvals for sensitive paths, e.g. two from @org/security for `contracts/`. */
  paths: z.array(PathRule).default([]),
  /** Team members, for tokens that cannot read them (GITHUB_TOKEN cannot): marked as the policy's list in the report. */
  teams: z.record(z.string().regex(TEAM, "a team as @org/team"), z.array(Who)).default({}),
  /** Logins and their e-mail addresses, to tie git authors to reviewers and teams. */
  people: z.record(z.string().min(1), z.email()).default({}),
  signoffs: z
    .strictObject({
      /** Where the sign-offs are recorded. */
      file: z.string().min(1).default("release/signoffs.yml"),
      /** The sign-offs this environment needs. */
      required: z.array(RequiredSignoff).default([]),
      /** A sign-off older than this no longer counts. */
      maxAge: Duration.default("30d"),
      /** The commit that wrote an entry must carry a good signature (git verifies it). */
      requireSignedCommits: z.boolean().default(false),
    })
    .prefault({}),
  checklist: z
    .strictObject({
      /** Items of the pull request description that must be ticked; a required item deleted from it counts as unticked. */
      required: z.array(ChecklistRule).default([]),
    })
    .prefault({}),
  /** Nothing to measure fails by default: a vacuous pass hides regressions. */
  onNoData: NoDataOutcome.default("fail"),
});

export type SignoffSettings = z.infer<typeof SignoffSettings>;
export type RequiredSignoff = z.infer<typeof RequiredSignoff>;
export type PathRule = z.infer<typeof PathRule>;
