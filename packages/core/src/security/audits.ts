import picomatch from "picomatch";
import * as z from "zod";
import { CalendarDate, formatDuration, parseDuration } from "../durations.js";
import type { Check, Finding } from "../report/schema.js";
import { onFirstUse } from "../validation.js";
import { readYamlMapping } from "../yaml-plain.js";

export const ReviewSeverity = z.enum(["critical", "high", "medium", "low", "info"]);
export type ReviewSeverity = z.infer<typeof ReviewSeverity>;

/** `audits/audits.yml`, built with the first manifest read (projects without audits never read one). */
const manifestSchemas = onFirstUse(() => {
  const Sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, "a sha256 digest (64 hex digits)");

  /** A finding of an audit or a penetration test, as the firm's report lists it. */
  const ReviewFinding = z
    .strictObject({
      id: z.string().min(1),
      title: z.string().min(1).optional(),
      severity: ReviewSeverity,
      status: z.enum(["fixed", "acknowledged", "open"]),
      /** Why an acknowledged finding is left as it is. */
      reason: z.string().min(1).optional(),
    })
    .refine((finding) => finding.status !== "acknowledged" || finding.reason !== undefined, {
      message: "a reason for an acknowledged finding",
      path: ["reason"],
    });

  const PublishedReport = {
    firm: z.string().min(1),
    date: CalendarDate,
    /** The report, committed to the repository (published). */
    report: z.string().min(1),
    /** The report's digest: the published file must be the one the manifest records. */
    sha256: Sha256,
    findings: z.array(ReviewFinding).default([]),
  };

  const Audit = z.strictObject({
    ...PublishedReport,
    /** The commit the firm audited; contracts changed since no longer count as covered by it. */
    // YAML reads an unquoted hash made only of digits (or digits and one "e") as a number: say what to do about it.
    commit: z
      .string({
        error: (issue) => (typeof issue.input === "number" ? "a commit id in quotes (YAML reads a hash like 1234567 or 6e51234 as a number)" : undefined),
      })
      .regex(/^[0-9a-fA-F]{7,40}$/, "a commit id (7 to 40 hex digits)"),
    /** Paths or globs (`contracts/token/**`) and contract names (`Vault`). */
    scope: z.array(z.string().min(1)).min(1),
  });

  const PenTest = z.strictObject({
    ...PublishedReport,
    /** What was tested (`staging API and web app`). */
    scope: z.string().min(1),
    /** The environments the test covers; all of them when absent. */
    environments: z.array(z.string().min(1)).min(1).optional(),
  });

  /** A static-analysis result left as it is, with the reason. */
  const Acknowledgement = z.strictObject({
    rule: z.string().min(1),
    /** Only results in this file (all files when absent). */
    path: z.string().min(1).optional(),
    reason: z.string().min(1),
  });

  const AuditManifestFile = z.strictObject({
    audits: z.array(Audit).default([]),
    penTests: z.array(PenTest).default([]),
    acknowledged: z.array(Acknowledgement).default([]),
  });
  return { Audit, PenTest, Acknowledgement, AuditManifestFile };
});
type ManifestSchemas = ReturnType<typeof manifestSchemas>;

export type Audit = z.infer<ManifestSchemas["Audit"]>;
export type PenTest = z.infer<ManifestSchemas["PenTest"]>;
export type AuditManifest = z.infer<ManifestSchemas["AuditManifestFile"]>;
export type StaticAnalysisAcknowledgement = z.infer<ManifestSchemas["Acknowledgement"]>;

/** Reads `audits/audits.yml`; errors name the file, the line and the entry. */
export async function readAuditManifest(text: string, source: string): Promise<AuditManifest> {
  return (await readYamlMapping(text, manifestSchemas().AuditManifestFile, source)).value;
}

export interface AuditSettings {
  manifest: string;
  contracts: readonly string[];
  minFirms: number;
  requirePenTest: boolean;
  penTestMaxAge: string;
}

/** A contract file in the repository and the contracts, libraries and interfaces it declares. */
export interface ContractFile {
  path: string;
  names: readonly string[];
}

/** The contract files that differ from each audited commit, or `missing` when the commit is not in the clone. */
export type ChangesSinceCommit = ReadonlyMap<string, { changed: ReadonlySet<string> } | "missing">;

/** A published report file: its digest, or undefined when it is not in the repository. */
export type PublishedDigests = ReadonlyMap<string, string | undefined>;

export interface AuditInput {
  manifest: AuditManifest;
  source: string;
  settings: AuditSettings;
  contracts: readonly ContractFile[];
  changes: ChangesSinceCommit;
  digests: PublishedDigests;
  environment: string | undefined;
  now: Date;
}

export interface AuditEvaluation {
  checks: Check[];
  findings: Finding[];
  details: {
    contracts: number;
    underCovered: number;
    audits: { firm: string; date: string; commit: string; report: string; open: number; acknowledged: number; fixed: number }[];
    penTest?: { firm: string; date: string; report: string };
  };
}

/** Review findings at these severities must be fixed (or, visibly, acknowledged): open, they block. */
export const BLOCKING_REVIEW_SEVERITIES: ReadonlySet<ReviewSeverity> = new Set(["critical", "high"]);

/**
 * What a review finding does to the gate: an open critical or high blocks; a
 * medium must be fixed or acknowledged with a reason; an acknowledged
 * critical or high stays visible as a warning; the rest are notices.
 */
export function reviewFindingSeverity(severity: ReviewSeverity, status: "fixed" | "acknowledged" | "open"): Finding["severity"] | undefined {
  if (status === "fixed") return undefined;
  if (status === "open") return BLOCKING_REVIEW_SEVERITIES.has(severity) || severity === "medium" ? "error" : "notice";
  return BLOCKING_REVIEW_SEVERITIES.has(severity) ? "warning" : undefined;
}

const firmKey = (firm: string) => firm.trim().toLowerCase().replace(/\s+/g, " ");
const shortCommit = (commit: string) => commit.slice(0, 7);

/** Whether a scope entry names this file: a path, a directory, a glob, a file name, or a contract the file declares. */
function scopeCovers(entry: string, contract: ContractFile): boolean {
  if (!entry.includes("/") && entry.endsWith(".sol")) return contract.path.split("/").pop() === entry;
  if (/[/*?[{]/.test(entry)) {
    const pattern = entry.replace(/^\.\//, "").replace(/\/$/, "");
    return contract.path === pattern || contract.path.startsWith(`${pattern}/`) || picomatch(pattern, { dot: true })(contract.path);
  }
  return contract.names.includes(entry);
}

function checkCoverage(input: AuditInput, findings: Finding[]): { check: Check; underCovered: number } {
  const { manifest, settings, contracts, changes, source } = input;
  if (contracts.length === 0) {
    return {
      underCovered: 0,
      check: {
        id: "audits.firms",
        status: "no-data",
        onNoData: "fail",
        measured: null,
        threshold: settings.minFirms,
        message: `No contract file matches ${settings.contracts.join(", ")}: set gates.security.audits.contracts to where the contracts are (or minFirms: 0 when there are none to audit).`,
      },
    };
  }
  let underCovered = 0;
  for (const contract of contracts) {
    const current = new Map<string, Audit>();
    const stale: string[] = [];
    for (const audit of manifest.audits) {
      if (!audit.scope.some((entry) => scopeCovers(entry, contract))) continue;
      const change = changes.get(audit.commit);
      if (change === "missing") stale.push(`${audit.firm}'s audited commit ${shortCommit(audit.commit)} is not in this clone`);
      else if (change?.changed.has(contract.path)) stale.push(`${audit.firm} audited ${shortCommit(audit.commit)} and the file changed since`);
      else if (!current.has(firmKey(audit.firm))) current.set(firmKey(audit.firm), audit);
    }
    if (current.size >= settings.minFirms) continue;
    underCovered += 1;
    const covering = [...current.values()].map((audit) => `${audit.firm} at ${shortCommit(audit.commit)}`);
    findings.push({
      id: "audit-coverage",
      severity: "error",
      message: `${contract.path}: ${current.size} of ${settings.minFirms} independent audits cover it as it is now${covering.length > 0 ? ` (${covering.join(", ")})` : ""}${stale.length > 0 ? `; ${stale.join("; ")}` : ""}.`,
      location: { path: contract.path },
      properties: { contract: contract.path, firms: [...current.values()].map((audit) => audit.firm), required: settings.minFirms },
    });
  }
  const missingCommits = [...changes.values()].includes("missing");
  return {
    underCovered,
    check: {
      id: "audits.firms",
      status: underCovered === 0 ? "pass" : "fail",
      measured: underCovered,
      threshold: 0,
      message:
        underCovered === 0
          ? `Each of ${contracts.length} contract files is covered by at least ${settings.minFirms} independent audits of its current content (${source}).`
          : `${underCovered} of ${contracts.length} contract files ${underCovered === 1 ? "has" : "have"} fewer than ${settings.minFirms} independent audits of their current content${missingCommits ? " (fetch the whole history, e.g. actions/checkout with fetch-depth: 0, so audited commits can be compared)" : ""}.`,
    },
  };
}

type Published = (Audit | PenTest) & { kind: "audit" | "penetration test" };

function describe(entry: Published): string {
  return `the ${entry.kind} by ${entry.firm} (${entry.date})`;
}

function checkReports(entries: readonly Published[], input: AuditInput, findings: Finding[]): Check {
  let bad = 0;
  for (const entry of entries) {
    const digest = input.digests.get(entry.report);
    if (digest === undefined) {
      bad += 1;
      findings.push({
        id: "audit-report-missing",
        severity: "error",
        message: `${entry.report}, the report of ${describe(entry)}, does not exist in the repository: publish it there (${input.source} lists it).`,
        location: { path: input.source },
        properties: { firm: entry.firm, report: entry.report },
      });
    } else if (digest.toLowerCase() !== entry.sha256.toLowerCase()) {
      bad += 1;
      findings.push({
        id: "audit-report-digest",
        severity: "error",
        message: `${entry.report}, the report of ${describe(entry)}, has sha256 ${digest.slice(0, 12)}…, but ${input.source} records ${entry.sha256.slice(0, 12)}…: the published file is not the one recorded.`,
        location: { path: entry.report },
        properties: { firm: entry.firm, report: entry.report, expected: entry.sha256.toLowerCase(), actual: digest },
      });
    }
  }
  return {
    id: "audits.reports",
    status: bad === 0 ? "pass" : "fail",
    measured: bad,
    threshold: 0,
    message:
      bad === 0
        ? `${entries.length} published ${entries.length === 1 ? "report matches its" : "reports match their"} recorded sha256.`
        : `${bad} of ${entries.length} reports ${bad === 1 ? "is" : "are"} missing or differ from the recorded sha256.`,
  };
}

/** Unresolved findings of audits and penetration tests; the id names the check they belong to. */
function reviewFindings(entries: readonly Published[], source: string, findings: Finding[]): number {
  let blocking = 0;
  for (const entry of entries) {
    for (const finding of entry.findings) {
      const severity = reviewFindingSeverity(finding.severity, finding.status);
      if (!severity) continue;
      if (severity === "error") blocking += 1;
      const what = `${finding.severity} finding ${finding.id}${finding.title ? ` (${finding.title})` : ""} of ${describe(entry)}`;
      findings.push({
        id: finding.id,
        severity,
        message:
          finding.status === "acknowledged"
            ? `The ${what} is acknowledged, not fixed: ${finding.reason}.`
            : severity === "error"
              ? `The ${what} is open: ${BLOCKING_REVIEW_SEVERITIES.has(finding.severity) ? "fix it" : "fix it or acknowledge it with a reason"}.`
              : `The ${what} is open.`,
        location: { path: source },
        properties: { firm: entry.firm, kind: entry.kind, severity: finding.severity, status: finding.status, reason: finding.reason },
      });
    }
  }
  return blocking;
}

function checkPenTest(input: AuditInput, findings: Finding[]): { check: Check; penTest?: PenTest } {
  const { manifest, environment, now, settings, source } = input;
  const maxAge = parseDuration(settings.penTestMaxAge, "gates.security.audits.penTestMaxAge");
  const applicable = manifest.penTests
    .filter((test) => test.environments === undefined || (environment !== undefined && test.environments.includes(environment)))
    .sort((a, b) => b.date.localeCompare(a.date));
  const newest = applicable[0];
  const target = environment ? `the ${environment} environment` : "this release";
  if (!newest) {
    findings.push({
      id: "pen-test-missing",
      severity: "error",
      message: `No penetration test of ${target} is recorded in ${source} (penTests, with environments naming ${environment ?? "it"}).`,
      location: { path: source },
    });
    return {
      check: { id: "pen-test", status: "fail", measured: null, threshold: settings.penTestMaxAge, message: `No penetration test of ${target} is recorded.` },
    };
  }
  const age = now.getTime() - Date.parse(`${newest.date}T00:00:00Z`);
  const blocking = reviewFindings([{ ...newest, kind: "penetration test" }], source, findings);
  const fresh = age <= maxAge;
  if (!fresh)
    findings.push({
      id: "pen-test-stale",
      severity: "error",
      message: `The newest penetration test of ${target} (${newest.firm}, ${newest.date}) is ${formatDuration(age)} old, more than the ${settings.penTestMaxAge} the policy allows: test again.`,
      location: { path: source },
    });
  return {
    penTest: newest,
    check: {
      id: "pen-test",
      status: fresh && blocking === 0 ? "pass" : "fail",
      measured: newest.date,
      threshold: settings.penTestMaxAge,
      message: !fresh
        ? `The newest penetration test of ${target} is older than ${settings.penTestMaxAge}.`
        : blocking > 0
          ? `The penetration test of ${target} by ${newest.firm} (${newest.date}) has ${blocking} unresolved finding${blocking === 1 ? "" : "s"}.`
          : `${target[0]?.toUpperCase()}${target.slice(1)} was penetration-tested by ${newest.firm} on ${newest.date}, within ${settings.penTestMaxAge}, with every finding resolved.`,
    },
  };
}

/**
 * Decides the audit evidence: enough independent firms audited each
 * contract as it is now, the published reports are the recorded ones, no
 * audit finding is left unresolved, and (when the policy asks) a recent
 * penetration test covers the environment.
 */
export function evaluateAudits(input: AuditInput): AuditEvaluation {
  const findings: Finding[] = [];
  const checks: Check[] = [];
  let underCovered = 0;
  if (input.settings.minFirms > 0) {
    const coverage = checkCoverage(input, findings);
    checks.push(coverage.check);
    underCovered = coverage.underCovered;
  }
  const audits: Published[] = input.manifest.audits.map((audit) => ({ ...audit, kind: "audit" }));
  const penTest = input.settings.requirePenTest ? checkPenTest(input, findings) : undefined;
  const penTests: Published[] = input.manifest.penTests.map((test) => ({ ...test, kind: "penetration test" }));
  checks.push(checkReports([...audits, ...penTests], input, findings));
  const blocking = reviewFindings(audits, input.source, findings);
  checks.push({
    id: "audits.findings",
    status: blocking === 0 ? "pass" : "fail",
    measured: blocking,
    threshold: 0,
    message:
      blocking === 0
        ? `No audit finding is open at critical, high or medium (${input.manifest.audits.length} audits).`
        : `${blocking} audit finding${blocking === 1 ? " is" : "s are"} open at critical, high or medium.`,
  });
  if (penTest) checks.push(penTest.check);
  return {
    checks,
    findings,
    details: {
      contracts: input.contracts.length,
      underCovered,
      audits: input.manifest.audits.map((audit) => ({
        firm: audit.firm,
        date: audit.date,
        commit: audit.commit,
        report: audit.report,
        open: audit.findings.filter((finding) => finding.status === "open").length,
        acknowledged: audit.findings.filter((finding) => finding.status === "acknowledged").length,
        fixed: audit.findings.filter((finding) => finding.status === "fixed").length,
      })),
      ...(penTest?.penTest ? { penTest: { firm: penTest.penTest.firm, date: penTest.penTest.date, report: penTest.penTest.report } } : {}),
    },
  };
}

/** Names a Solidity file declares (`contract`, `abstract contract`, `library`, `interface`), for scopes that name contracts. */
export function declaredContracts(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/^\s*(?:abstract\s+)?(?:contract|library|interface)\s+([A-Za-z_$][\w$]*)/gm)) names.add(match[1] as string);
  return [...names];
}
