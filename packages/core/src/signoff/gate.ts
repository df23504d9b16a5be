import { BREAK_GLASS_OPTIONS } from "../break-glass.js";
import { defineGate } from "../kit/descriptor.js";
import type { GateReport } from "../report/schema.js";
import type { SignoffDetails } from "./evaluate.js";
import { SignoffSettings } from "./settings.js";

/** What a signoff run keeps besides its report: nothing its documents need. */
export type SignoffExtra = Record<never, never>;

const details = (report: GateReport) => report.predicate.details as unknown as Partial<SignoffDetails>;

/** The sign-off gate: four-eyes review, code owners, path rules and the named sign-offs an environment needs. */
export const signoffGate = defineGate<typeof SignoffSettings, SignoffExtra>({
  id: "signoff",
  name: "signoff-gate",
  command: "signoff",
  title: "Sign-off gate",
  description:
    "Enough current approvals from people with write access and no open change request, code owners and path rules satisfied, and every sign-off the environment names (QA, stakeholders, legal) recorded by the person who signs.",
  summary: "sign-off gate: four-eyes review, code owners, QA / stakeholder / legal sign-offs",
  help: `Reads the pull or merge request's reviews (GitHub or GitLab), the CODEOWNERS file,
the sign-off file and the description's checklist; counts only current approvals
from humans with write access who are not the author; proves each sign-off's
author from git; decides against the policy and writes the gate report.`,
  icon: "user-check",
  settings: SignoffSettings,
  options: [
    {
      name: "approvals",
      kind: "number",
      setting: "reviews.approvals",
      placeholder: "N",
      shownDefault: "the policy's, else 2",
      description: "Counted approvals every change needs (humans with write access, not the author or last pusher, current).",
    },
    {
      name: "stale-after",
      kind: "enum",
      setting: "reviews.staleAfter",
      shownDefault: "the policy's, else `content-change`",
      description: "When an approval stops counting: any push, a push that changes the change's own diff, or never.",
    },
    {
      name: "codeowners",
      kind: "path",
      setting: "codeowners.path",
      shownDefault: "the platform's locations (.github/, the root, docs/, .gitlab/)",
      description: "The CODEOWNERS file whose owners must approve the paths they own.",
    },
    {
      name: "signoffs-file",
      kind: "path",
      setting: "signoffs.file",
      shownDefault: "`release/signoffs.yml`",
      description: "The sign-off file: role, item, person, date, and the commit or version each entry signs.",
    },
    {
      name: "release-version",
      kind: "string",
      placeholder: "VERSION",
      description: "The version being released, for sign-offs that name a version rather than a commit.",
    },
    {
      name: "pull-request",
      kind: "number",
      placeholder: "N",
      shownDefault: "the event's pull request; on a push, the one the commit was merged from",
      description: "The pull request (GitHub) or merge request (GitLab) whose reviews count; the CLI reads GitHub with GITHUB_REPOSITORY and GITHUB_TOKEN.",
    },
    {
      name: "base-ref",
      kind: "string",
      placeholder: "REF",
      shownDefault: "the pull request's base; in GitLab merge request pipelines the MR's diff base",
      description: "The change's files are those changed since this ref's merge base (needs the history, e.g. fetch-depth 0).",
    },
    ...BREAK_GLASS_OPTIONS,
  ],
  documents: [],
  outputs: [
    { name: "approvals", description: "Approvals that counted", value: (report) => details(report).approvals?.counted },
    {
      name: "missing",
      description: "Requirements not met (approvals, code owner rules, path rules, sign-offs), semicolon-separated (empty when none)",
      value: (report) =>
        [
          ...(report.predicate.checks.some((check) => check.id === "reviews.approvals" && check.status !== "pass") ? ["approvals"] : []),
          ...(details(report).requirements ?? []).filter((requirement) => !requirement.met).map((requirement) => requirement.name),
        ].join(";"),
    },
  ],
  gitlab: { stage: "test", stageHint: "in merge request pipelines, and before promote", variables: { GIT_DEPTH: "0" } },
  renderers: async () => (await import("./renderers.js")).signoffRenderers,
});
