import { z } from "zod";
import { COVERAGE_FORMATS } from "../coverage/parsers/types.js";
import { Duration } from "../durations.js";
import { NoDataOutcome } from "../report/schema.js";

/** Where the audit manifest is looked for unless the policy names another file. */
export const DEFAULT_AUDIT_MANIFEST = "audits/audits.yml";

const Percent = z.number().min(0).max(100);
/** jest's convention: a positive number is a minimum percentage, a negative one the most uncovered items allowed. */
const ThresholdValue = z.number().max(100);

export const MetricThresholds = z.strictObject({
  lines: ThresholdValue.optional(),
  branches: ThresholdValue.optional(),
  functions: ThresholdValue.optional(),
  statements: ThresholdValue.optional(),
});

export const CoverageThresholds = z.strictObject({
  /** Applied to all files not claimed by a `paths` entry (jest's `global`). */
  global: MetricThresholds.optional(),
  /** Applied to every file on its own. */
  perFile: MetricThresholds.optional(),
  /** Keys: a directory (`src/api/`, aggregate), a file, or a glob (each matching file on its own). */
  paths: z.record(z.string().min(1), MetricThresholds).optional(),
});

export const DEFAULT_COVERAGE_REPORTS = [
  "coverage/lcov.info",
  "coverage/cobertura-coverage.xml",
  "coverage/coverage-final.json",
  "coverage/clover.xml",
  "coverage.xml",
  "coverage.out",
  "target/site/jacoco/jacoco.xml",
] as const;

export const CoverageSettings = z.strictObject({
  /** Globs of the reports to read, relative to the repository root; all matches are merged. */
  reports: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_COVERAGE_REPORTS]),
  format: z.enum(["auto", ...COVERAGE_FORMATS]).default("auto"),
  /** Globs of repo-relative files to leave out (tests, generated code): they count in no metric. */
  exclude: z.array(z.string().min(1)).default([]),
  /** Path prefixes removed from report paths (a CI machine's checkout directory, a Go module path). */
  stripPrefixes: z.array(z.string().min(1)).default([]),
  /** Default when nothing is set: `global: { lines: 80 }`. */
  thresholds: CoverageThresholds.optional(),
  patch: z
    .strictObject({
      /** Minimum coverage of the lines a change adds or modifies. */
      threshold: Percent.default(80),
      /** A change touching no coverable line (docs only) passes by default. */
      onNoData: NoDataOutcome.default("pass"),
    })
    .default({ threshold: 80, onNoData: "pass" }),
  /** Coverage report of the base branch, for the drop check. */
  baseReport: z.string().min(1).optional(),
  /** Most percentage points each metric may fall below the base report (default: lines may not fall at all). */
  maxDrop: z
    .strictObject({ lines: Percent.optional(), branches: Percent.optional(), functions: Percent.optional(), statements: Percent.optional() })
    .default({ lines: 0 }),
  /** A metric with nothing to measure fails by default: a vacuous pass hides regressions. */
  onNoData: NoDataOutcome.default("fail"),
  /** Report files that match no repository file: warn by default; fail to be strict. */
  onUnmatchedFiles: z.enum(["fail", "warn"]).default("warn"),
});

/** k6's `options.thresholds` shape: selector → expressions (one string or a list). */
export const PerfThresholds = z.record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]));

export const PerfSettings = z.strictObject({
  /** k6 end-of-test summary (any of its three shapes). */
  summary: z.string().min(1).optional(),
  /** k6 `--out json` NDJSON results: thresholds are then computed from the samples. */
  results: z.string().min(1).optional(),
  thresholds: PerfThresholds.optional(),
  /** http_req_failed rate<0.01 and checks rate>0.99 when those metrics exist and no threshold is set for them. */
  defaultThresholds: z.boolean().default(true),
  /** The load the test must actually have reached. */
  traffic: z.strictObject({ minRps: z.number().positive().optional(), minVus: z.number().int().positive().optional() }).optional(),
  /** A previous run (summary or NDJSON) to compare against, e.g. from the main branch. */
  baseline: z.string().min(1).optional(),
  regression: z
    .strictObject({
      /** Metrics (trends) compared with the baseline. */
      metrics: z.array(z.string().min(1)).min(1).default(["http_req_duration"]),
      /** Significance level of the one-sided Mann-Whitney U test on samples. */
      alpha: z.number().gt(0).lt(1).default(0.01),
      /** Smallest median shift (%) that counts as a regression: noise and tiny shifts do not fail builds. */
      minShiftPercent: z.number().min(0).default(5),
      /** With summaries only: the largest allowed increase (%) of `stat`. */
      maxIncreasePercent: z.number().min(0).default(10),
      stat: z
        .string()
        .regex(/^(avg|min|max|med|p\(\d+(\.\d+)?\))$/, "avg, min, max, med or p(N)")
        .default("p(95)"),
    })
    .default({ metrics: ["http_req_duration"], alpha: 0.01, minShiftPercent: 5, maxIncreasePercent: 10, stat: "p(95)" }),
  resources: z
    .strictObject({
      /** CSV (time,cpu_percent,memory_bytes) or JSON time series of the service's resource use during the test. */
      samples: z.string().min(1).optional(),
      /** Or: read them from Prometheus over the test's time window (needs the NDJSON results for the window). */
      prometheus: z
        .strictObject({
          url: z.url(),
          /** A PromQL query giving one series of CPU use in percent. */
          cpuQuery: z.string().min(1).optional(),
          /** A PromQL query giving one series of memory use in bytes. */
          memoryQuery: z.string().min(1).optional(),
          stepSeconds: z.number().positive().default(15),
        })
        .optional(),
      maxCpuPercent: z.number().positive().optional(),
      avgCpuPercent: z.number().positive().optional(),
      maxMemoryBytes: z.number().positive().optional(),
    })
    .optional(),
  /** A threshold whose metric has no samples fails by default (k6 itself calls it ok). */
  onNoData: NoDataOutcome.default("fail"),
});

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

const GateName = z.string().regex(/^[a-z][a-z0-9-]*$/, "a gate name in lower case (coverage, security, perf…)");
const EnvironmentName = z.string().regex(/^[a-z][a-z0-9-]*$/, "an environment name in lower case letters, digits and dashes");

export const GateSettings = z.strictObject({
  coverage: CoverageSettings.default(CoverageSettings.parse({})),
  perf: PerfSettings.default(PerfSettings.parse({})),
  security: SecuritySettings.default(SecuritySettings.parse({})),
});

const Weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const ClockTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "a time of day such as 09:00 or 24:00");
const CalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date such as 2026-12-20");

/**
 * A calendar rule in a time zone: days of the week and/or a date range, and
 * a time-of-day range (default the whole day). "No mainnet on Fridays" is
 * `{ days: [fri] }`; the holiday freeze is `{ from: 2026-12-20, to: 2027-01-05 }`.
 */
export const CalendarWindow = z.strictObject({
  days: z.array(Weekday).min(1).optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  start: ClockTime.default("00:00"),
  end: ClockTime.default("24:00"),
  timezone: z.string().min(1).default("UTC"),
  reason: z.string().min(1).optional(),
});

/** One comparison of a canary analysis: a PromQL template and the condition each interval must meet. */
export const AnalysisMetric = z
  .strictObject({
    name: z.string().min(1),
    /** PromQL giving one series; {{variant}} becomes the canary's or the stable version's label value. */
    query: z.string().min(1),
    /** The canary's value must stay at or under this. */
    max: z.number().optional(),
    /** The canary's value must stay at or over this. */
    min: z.number().optional(),
    /** The canary may exceed the stable version by at most this percentage (needs both series). */
    maxIncreasePercent: z.number().min(0).optional(),
  })
  .refine(
    (metric) => metric.max !== undefined || metric.min !== undefined || metric.maxIncreasePercent !== undefined,
    "at least one of max, min or maxIncreasePercent",
  );

/** How a canary or rollout step is judged, interval by interval (as Argo Rollouts and Flagger analyses do). */
export const Analysis = z.strictObject({
  interval: Duration.default("5m"),
  /** Successful measurements needed before the analysis passes. */
  count: z.number().int().positive().default(3),
  /** Failed measurements tolerated; one more rolls back. */
  failureLimit: z.number().int().min(0).default(0),
  /** Measurements without data tolerated; one more makes the analysis inconclusive. */
  inconclusiveLimit: z.number().int().min(0).default(1),
  variants: z
    .strictObject({ canary: z.string().min(1).default("canary"), stable: z.string().min(1).default("stable") })
    .default({ canary: "canary", stable: "stable" }),
  metrics: z.array(AnalysisMetric).min(1),
});

export const Environment = z.strictObject({
  name: EnvironmentName,
  /** Gates whose reports for this commit must pass before it may enter this environment. */
  requires: z.array(GateName).default([]),
  /** Soak: how long the commit must have run in earlier environments (`{ testnet: 14d }`). */
  after: z.record(EnvironmentName, Duration).optional(),
  canary: z
    .strictObject({
      traffic: z.number().gt(0).max(100),
      watch: Duration,
      analysis: Analysis.optional(),
    })
    .optional(),
  rollout: z
    .strictObject({
      steps: z.array(z.number().gt(0).max(100)).min(1),
      wait: Duration,
      analysis: Analysis.optional(),
    })
    .optional(),
  /** Soak that requires health, not only time: checked on Prometheus over the soak window in this environment. */
  health: z
    .strictObject({
      /** PromQL that is non-empty while an alert for the service fires, e.g. ALERTS{alertstate="firing",service="api"}. */
      alerts: z.string().min(1).optional(),
      /** PromQL giving the service's request rate; a soak without traffic proves nothing. */
      traffic: z.string().min(1).optional(),
      minTraffic: z.number().min(0).default(0),
    })
    .optional(),
  /** Promotions into this environment are refused inside `deny` windows and, when `allow` is given, outside all of them. */
  freeze: z.strictObject({ deny: z.array(CalendarWindow).default([]), allow: z.array(CalendarWindow).optional() }).optional(),
  /** Where to roll back to from here: the environment whose current version is the known-good one. */
  rollbackTo: EnvironmentName.optional(),
  /** Gate settings that differ in this environment (staging may be looser than mainnet). */
  gates: z
    .strictObject({
      coverage: CoverageSettings.partial().optional(),
      perf: PerfSettings.partial().optional(),
      security: SecuritySettings.partial().optional(),
    })
    .optional(),
});

/** `release-gates.yml`: the whole release policy. */
export const Policy = z.strictObject({
  version: z.literal(1).default(1),
  /** The Prometheus that canary analyses and soak health checks query. */
  prometheus: z.strictObject({ url: z.url() }).optional(),
  /** Gates of your own (reports with `predicate.gate` "<name>-gate") that environments may require. */
  customGates: z.array(GateName).default([]),
  gates: GateSettings.default(GateSettings.parse({})),
  environments: z.array(Environment).default([]),
});

export type CoverageSettings = z.infer<typeof CoverageSettings>;
export type CoverageThresholds = z.infer<typeof CoverageThresholds>;
export type MetricThresholds = z.infer<typeof MetricThresholds>;
export type PerfSettings = z.infer<typeof PerfSettings>;
export type SecuritySettings = z.infer<typeof SecuritySettings>;
export type CalendarWindow = z.infer<typeof CalendarWindow>;
export type Environment = z.infer<typeof Environment>;
export type Analysis = z.infer<typeof Analysis>;
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;
