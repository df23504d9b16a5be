import * as z from "zod";
import { Duration } from "../durations.js";

/** Where the audit manifest is looked for unless the policy names another file. */
export const DEFAULT_AUDIT_MANIFEST = "audits/audits.yml";

const BlockingSeverity = z.enum(["critical", "high", "medium", "low"]);

export const SecuritySettings = z.strictObject({
  /** CycloneDX (1.4–1.6) or SPDX 2.3 JSON, or an npm lock file read directly; generated when absent. */
  sbom: z.string().min(1).optional(),
  /** The npm lock file the SBOM is generated from. */
  lockfile: z.string().min(1).default("package-lock.json"),
  /** The generator, pinned: earlier versions than 6 have a shell-injection advisory (GHSA-v75r-vx73-82pj). */
  sbomGenerator: z
    .string()
    .regex(/^@cyclonedx\/cyclonedx-npm@\d+\.\d+\.\d+$/, "an exact version of @cyclonedx/cyclonedx-npm, such as @cyclonedx/cyclonedx-npm@6.0.1")
    .refine(
      (spec) => Number(/@(\d+)\./.exec(spec.slice(1))?.[1]) >= 6,
      "@cyclonedx/cyclonedx-npm 6.0.0 or later (earlier versions have a shell-injection advisory)",
    )
    .default("@cyclonedx/cyclonedx-npm@6.0.1"),
  /** Where a generated SBOM is written (and published: GitLab's `cyclonedx` report, an action output). */
  sbomOut: z.string().min(1).default("release-gates/sbom.cdx.json"),
  /** OSV advisories: a directory of `.json` files (searched recursively) or a zip of them, as OSV's exports ship. */
  advisories: z.string().min(1).optional(),
  /** `npm audit --json` (v2) output, recorded where the audit endpoint is reachable. */
  npmAudit: z.string().min(1).optional(),
  /** Findings at or above this severity fail the gate; no accepted risk lifts them. */
  failOn: BlockingSeverity.default("high"),
  /** Findings at or above this severity (and below `failOn`) pass only when an unexpired accepted risk covers them. */
  requireAcceptanceFrom: BlockingSeverity.default("medium"),
  /** Dependency scopes whose findings count; the others are reported as notices. */
  scopes: z
    .array(z.enum(["runtime", "development"]))
    .min(1)
    .default(["runtime"]),
  /** Count only findings that have a fixed version to move to. */
  onlyFixable: z.boolean().default(false),
  /** A component no advisory can be matched to (no or a malformed package URL, no version, an unknown ecosystem) fails by default: unchecked is not safe. */
  onUnmatched: z.enum(["fail", "warn"]).default("fail"),
  /** An advisory of unknown severity blocks by default: unrated is not harmless. */
  onUnknownSeverity: z.enum(["fail", "warn"]).default("fail"),
  /** Accepted risks: advisory, package (range), reason, owner, expiry. */
  riskRegister: z.string().min(1).default("security/accepted-risks.yml"),
  /** The advisory snapshot may be at most this old (by its newest `modified` date). */
  maxSnapshotAge: Duration.optional(),
  onStaleSnapshot: z.enum(["fail", "warn"]).default("warn"),
  /** License allow / deny lists on the packages' SPDX expressions; checked when given. */
  licenses: z
    .strictObject({
      /** When given, only these SPDX license ids are allowed. */
      allow: z.array(z.string().min(1)).min(1).optional(),
      deny: z.array(z.string().min(1)).default([]),
      /** A package without a license, or with one that is no SPDX expression. */
      onUnknown: z.enum(["fail", "warn"]).default("warn"),
    })
    .optional(),
  secrets: z
    .strictObject({
      /** Scan the repository's files (git-tracked, or all but .git and node_modules outside git). */
      scan: z.boolean().default(false),
      /** Scan only the lines changed since this ref (a pull request's base), not the whole tree. */
      diffBase: z.string().min(1).optional(),
      /** Paths, line regexes and fingerprints that are not secrets. */
      allowlist: z.string().min(1).default("security/secrets-allowlist.yml"),
      /** Known findings (a list of fingerprints or an earlier report): reported, not failing. */
      baseline: z.string().min(1).optional(),
      /** A gitleaks JSON report to include, for teams that already run gitleaks. */
      gitleaksReport: z.string().min(1).optional(),
      /** Larger files are skipped and listed (minified bundles, data dumps). */
      maxFileBytes: z.number().int().positive().default(1_048_576),
    })
    .default({ scan: false, allowlist: "security/secrets-allowlist.yml", maxFileBytes: 1_048_576 }),
  /** Smart-contract audits and penetration tests (`audits/audits.yml`); checked when given. */
  audits: z
    .strictObject({
      /** The audit manifest: audits, penetration tests, acknowledged static-analysis results. */
      manifest: z.string().min(1).default(DEFAULT_AUDIT_MANIFEST),
      /** The contract files every one of which needs `minFirms` audits of its current content. */
      contracts: z.array(z.string().min(1)).min(1).default(["contracts/**/*.sol"]),
      /** Independent firms needed per contract; 0 checks the manifest's reports and findings only. */
      minFirms: z.number().int().min(0).default(2),
      /** A penetration test covering the environment must be recorded, no older than `penTestMaxAge`. */
      requirePenTest: z.boolean().default(false),
      penTestMaxAge: Duration.default("365d"),
    })
    .optional(),
  /** SARIF 2.1.0 logs of static analysers (Slither…) whose results are decided as audit findings. */
  staticAnalysis: z.array(z.string().min(1)).default([]),
  /** Markdown checklists whose every item must be ticked (per environment, typically). */
  checklists: z.array(z.string().min(1)).default([]),
});

export type SecuritySettings = z.infer<typeof SecuritySettings>;
