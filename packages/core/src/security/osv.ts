import semver from "semver";
import * as z from "zod";
import { parseJsonText, validateAs } from "../validation.js";
import type { Component } from "./sbom.js";
import { cvss3BaseScore, cvss4BaseScore, cvssVectorProblem, normaliseSeverity, ratingOf, type Severity } from "./severity.js";

/**
 * OSV: each event is exactly one of the four, with a version; an empty or
 * doubled event cannot be placed on the range. GitHub's legacy `fixed: ""`
 * ("no fix yet") is kept: it ends nothing, so the range stays open.
 */
const event = z
  .looseObject({
    introduced: z.string().min(1).optional(),
    fixed: z.string().optional(),
    last_affected: z.string().min(1).optional(),
    limit: z.string().min(1).optional(),
  })
  .refine(
    (step) => [step.introduced, step.fixed, step.last_affected, step.limit].filter((value) => value !== undefined).length === 1,
    "exactly one of introduced, fixed, last_affected or limit",
  );

const Advisory = z.looseObject({
  id: z.string().min(1),
  modified: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).nullish(),
  summary: z.string().optional(),
  severity: z.array(z.looseObject({ type: z.string(), score: z.string() })).nullish(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ ecosystem: z.string(), name: z.string() }),
        ranges: z
          .array(
            z.looseObject({
              type: z.string(),
              // Without an introduced event a range starts nowhere: nothing would ever match it.
              events: z.array(event).refine((events) => events.some((step) => step.introduced !== undefined), "at least one introduced event"),
            }),
          )
          .nullish(),
        versions: z.array(z.string()).nullish(),
      }),
    )
    .default([]),
  database_specific: z.looseObject({ severity: z.string().optional() }).nullish(),
});
export type OsvAdvisory = z.infer<typeof Advisory>;

/** One OSV advisory (JSON), validated loosely: real GitHub advisories carry legacy oddities such as `fixed: ""`. */
export function parseOsvAdvisory(text: string, source: string): OsvAdvisory {
  return validateAs(Advisory, parseJsonText(text, "an OSV advisory in JSON", source), "expected an OSV advisory", source);
}

export interface AdvisorySeverity {
  severity: Severity;
  score?: number;
  /** What the rating was read from. */
  source: "cvss3" | "cvss4" | "database" | "none";
  /** Why a CVSS vector the advisory gives was not used (invalid), when the rating came from elsewhere. */
  note?: string;
}

/**
 * Severity from the CVSS v3 vector when there is one, else the CVSS 4.0
 * vector, else GitHub's `database_specific.severity` (many real advisories
 * have no vector at all: a CVSS-only reading would let real criticals
 * through), else unknown.
 */
export async function advisorySeverity(advisory: OsvAdvisory): Promise<AdvisorySeverity> {
  const problems: string[] = [];
  // v3 first where both are given: the scale most policies' thresholds were written against.
  for (const [type, score, source] of [
    ["CVSS_V3", cvss3BaseScore, "cvss3"],
    ["CVSS_V4", cvss4BaseScore, "cvss4"],
  ] as const) {
    for (const entry of advisory.severity ?? []) {
      if (entry.type !== type) continue;
      const problem = cvssVectorProblem(entry.score);
      if (problem) {
        problems.push(`its ${type} vector is invalid (${problem})`);
        continue;
      }
      const value = await score(entry.score);
      if (value !== undefined) return { severity: ratingOf(value), score: value, source };
    }
  }
  const database = normaliseSeverity(advisory.database_specific?.severity);
  const note =
    problems.length > 0 ? `${problems.join("; ")}: rated from ${database === "unknown" ? "nothing else (unrated)" : "the database's severity"}` : undefined;
  const rating: AdvisorySeverity = database === "unknown" ? { severity: "unknown", source: "none" } : { severity: database, source: "database" };
  return note ? { ...rating, note } : rating;
}

/**
 * Orders versions of an ecosystem: npm versions are semver; other
 * ecosystems are compared as semver when both versions parse as such (most
 * do), and are otherwise undecided, which the gate reports instead of
 * guessing. Each version is parsed once per match: a component's version
 * meets every event of every range of its package's advisories, and parsing
 * (semver.valid, then semver.compare parsing both again) was most of matching.
 */
export class VersionOrder {
  private readonly parsed = new Map<string, semver.SemVer | null>();

  private read(version: string): semver.SemVer | null {
    let known = this.parsed.get(version);
    if (known === undefined) {
      known = semver.parse(version, { loose: true });
      this.parsed.set(version, known);
    }
    return known;
  }

  /** Negative, zero or positive as `a` comes before, with or after `b`; undefined when either cannot be read. */
  compare(a: string, b: string): number | undefined {
    const x = this.read(a);
    const y = this.read(b);
    return x && y ? x.compare(y) : undefined;
  }
}

/**
 * Whether `version` is affected by one range, walking its events in version
 * order as the OSV specification says: introduced opens, fixed and limit
 * close (exclusive), last_affected closes after itself (inclusive). An empty
 * `fixed` (legacy GitHub data) means no fix.
 */
function inRange(version: string, events: z.infer<typeof event>[], order: VersionOrder): boolean | undefined {
  let affected = false;
  const at = (value: string) => (value === "0" ? 1 : order.compare(version, value));
  const sorted = [...events].sort((a, b) => {
    const left = a.introduced ?? a.fixed ?? a.last_affected ?? a.limit ?? "0";
    const right = b.introduced ?? b.fixed ?? b.last_affected ?? b.limit ?? "0";
    if (left === "0" || right === "0") return left === right ? 0 : left === "0" ? -1 : 1;
    return order.compare(left, right) ?? 0;
  });
  for (const step of sorted) {
    if (step.introduced !== undefined) {
      const comparison = at(step.introduced);
      if (comparison === undefined) return undefined;
      if (comparison >= 0) affected = true;
    } else if (step.fixed) {
      const comparison = at(step.fixed);
      if (comparison === undefined) return undefined;
      if (comparison >= 0) affected = false;
    } else if (step.last_affected !== undefined) {
      const comparison = at(step.last_affected);
      if (comparison === undefined) return undefined;
      if (comparison > 0) affected = false;
    } else if (step.limit !== undefined) {
      const comparison = at(step.limit);
      if (comparison === undefined) return undefined;
      if (comparison >= 0) affected = false;
    }
  }
  return affected;
}

export interface AdvisoryHit {
  advisory: string;
  /** Other ids of the same vulnerability (CVE, other GHSA) — and of advisories merged into this hit. */
  aliases: string[];
  summary: string;
  component: Component;
  severity: AdvisorySeverity;
  /** The first fixed version of the range this version falls in, when there is one. */
  fixedIn: string | undefined;
  /** Whether any fix exists (npm audit can know one exists without naming the version). */
  fixAvailable: boolean;
}

export interface MatchResult {
  hits: AdvisoryHit[];
  /** Components whose version the advisories' ranges could not be compared with. */
  undecided: { component: Component; advisory: string }[];
  /** Components no advisory can be matched to, and why: they are listed and fail closed, never skipped. */
  unmatched: { component: Component; reason: string }[];
}

/**
 * Matches components against advisories offline: by ecosystem and name,
 * then each range's events and the explicit `versions` list. Withdrawn
 * advisories never match; advisories sharing an alias (GHSA and CVE) are one hit.
 */
/** How advisories and components meet: the ecosystem and the exact package name. */
export function packageKey(ecosystem: string, name: string): string {
  return `${ecosystem}\u0000${name}`;
}

export async function matchAdvisories(components: readonly Component[], advisories: readonly OsvAdvisory[]): Promise<MatchResult> {
  const byPackage = new Map<string, { advisory: OsvAdvisory; affected: OsvAdvisory["affected"][number] }[]>();
  for (const advisory of advisories) {
    if (advisory.withdrawn) continue;
    for (const affected of advisory.affected) {
      const key = packageKey(affected.package.ecosystem, affected.package.name);
      const list = byPackage.get(key);
      if (list) list.push({ advisory, affected });
      else byPackage.set(key, [{ advisory, affected }]);
    }
  }
  const order = new VersionOrder();
  const hits: AdvisoryHit[] = [];
  const undecided: MatchResult["undecided"] = [];
  const unmatched: MatchResult["unmatched"] = [];
  for (const component of components) {
    if (component.unmatchable || !component.ecosystem) {
      unmatched.push({ component, reason: component.unmatchable ?? "no advisory database here covers its ecosystem" });
      continue;
    }
    if (!component.version) {
      unmatched.push({ component, reason: "the SBOM gives it no version" });
      continue;
    }
    const seen = new Map<string, AdvisoryHit>();
    for (const { advisory, affected } of byPackage.get(packageKey(component.ecosystem, component.name)) ?? []) {
      let matched = affected.versions?.includes(component.version) ?? false;
      let fixedIn: string | undefined;
      for (const range of affected.ranges ?? []) {
        if (matched) break;
        if (range.type !== "SEMVER" && range.type !== "ECOSYSTEM") continue;
        const result = inRange(component.version, range.events, order);
        if (result === undefined) {
          undecided.push({ component, advisory: advisory.id });
          continue;
        }
        if (result) {
          matched = true;
          fixedIn = range.events.find((step) => step.fixed)?.fixed || undefined;
        }
      }
      if (!matched) continue;
      // One hit per vulnerability: an advisory whose id or alias was already hit merges into it.
      const names = [advisory.id, ...(advisory.aliases ?? [])];
      const existing = names.map((name) => seen.get(name)).find(Boolean);
      if (existing) {
        for (const name of names) if (name !== existing.advisory && !existing.aliases.includes(name)) existing.aliases.push(name);
        continue;
      }
      const hit: AdvisoryHit = {
        advisory: advisory.id,
        aliases: [...(advisory.aliases ?? [])],
        summary: advisory.summary?.trim() || advisory.id,
        component,
        severity: await advisorySeverity(advisory),
        fixedIn,
        fixAvailable: fixedIn !== undefined,
      };
      for (const name of names) seen.set(name, hit);
      hits.push(hit);
    }
  }
  return { hits, undecided, unmatched };
}
