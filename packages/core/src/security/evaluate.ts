import { formatDuration, parseDuration } from "../durations.js";
import type { Check, Finding, GateReport } from "../report/schema.js";
import { type AdvisoryHit, type AdvisorySeverity, type MatchResult, type OsvAdvisory, packageKey, parseOsvAdvisory } from "./osv.js";
import { type AcceptedRisk, acceptedRiskFor, isExpired } from "./risks.js";
import type { Component } from "./sbom.js";
import type { SecuritySettings } from "./settings.js";
import { atLeast, SEVERITIES, type Severity } from "./severity.js";

/** What a dependency finding carries in `properties`: written here, read back by the renderers. */
export interface DependencyFindingProperties {
  package: string;
  version?: string;
  purl?: string;
  advisory: string;
  summary: string;
  aliases: string[];
  severity: Severity;
  score?: number;
  severitySource: AdvisorySeverity["source"];
  fixedIn?: string;
  path?: string;
  scope: "runtime" | "development";
  decision: DependencyDecision;
  acceptedRisk?: AcceptedRisk;
}

/** The dependency findings of a gate report, with their properties typed (other findings have no advisory). */
export function dependencyFindings(report: GateReport): { finding: Finding; properties: DependencyFindingProperties }[] {
  return report.predicate.findings.flatMap((finding) =>
    typeof finding.properties?.advisory === "string" ? [{ finding, properties: finding.properties as unknown as DependencyFindingProperties }] : [],
  );
}

/** What the gate decided about one vulnerable component. */
export type DependencyDecision =
  | "blocking"
  | "unaccepted"
  | "expired-acceptance"
  | "unknown-severity"
  | "accepted"
  | "out-of-scope"
  | "no-fix-yet"
  | "below-policy";

export interface DependencyFinding {
  hit: AdvisoryHit;
  decision: DependencyDecision;
  acceptedRisk?: AcceptedRisk;
}

/** The advisory snapshot the decision was made against: its size and its newest `modified` date. */
export interface AdvisorySnapshot {
  count: number;
  newestModified: string | undefined;
  source: string;
}

export interface DependencyEvaluationInput {
  settings: SecuritySettings;
  /** The installed packages (an SBOM's components or a lock file's). */
  inventory: readonly Component[];
  /** The SBOM or lock file they came from, for messages and finding locations. */
  inventorySource: string;
  match: MatchResult;
  snapshot: AdvisorySnapshot;
  register: readonly AcceptedRisk[];
  now: Date;
}

export interface DependencyEvaluation {
  checks: Check[];
  findings: Finding[];
  decisions: DependencyFinding[];
  details: {
    components: number;
    vulnerableComponents: number;
    bySeverity: Record<Severity, number>;
    snapshot: AdvisorySnapshot;
    /** In-scope components no advisory could be matched to, and why. */
    unmatched: { name: string; version: string | undefined; reason: string }[];
  };
}

const FAILING: ReadonlySet<DependencyDecision> = new Set(["blocking", "unaccepted", "expired-acceptance"]);

function decide(hit: AdvisoryHit, input: DependencyEvaluationInput): DependencyFinding {
  const { settings, register, now } = input;
  const scope = hit.component.development ? "development" : "runtime";
  if (!settings.scopes.includes(scope)) return { hit, decision: "out-of-scope" };
  if (settings.onlyFixable && !hit.fixAvailable) return { hit, decision: "no-fix-yet" };
  const severity = hit.severity.severity;
  const risk = acceptedRiskFor(hit, register, now);
  const accepted = risk && !isExpired(risk, now) ? risk : undefined;
  if (severity === "unknown") return accepted ? { hit, decision: "accepted", acceptedRisk: accepted } : { hit, decision: "unknown-severity" };
  if (atLeast(severity, settings.failOn)) return { hit, decision: "blocking" };
  if (!atLeast(severity, settings.requireAcceptanceFrom)) return { hit, decision: "below-policy" };
  if (accepted) return { hit, decision: "accepted", acceptedRisk: accepted };
  return risk ? { hit, decision: "expired-acceptance", acceptedRisk: risk } : { hit, decision: "unaccepted" };
}

function label(hit: AdvisoryHit): string {
  const { component, advisory, aliases, severity } = hit;
  const ids = [advisory, ...aliases.filter((alias) => alias.startsWith("CVE-"))].join(", ");
  const score = severity.score === undefined ? "" : ` ${severity.score}`;
  const where = component.version ? `${component.name}@${component.version}` : `${component.name} (${component.path ?? "version unknown"})`;
  return `${where} has ${ids} (${severity.severity}${score}): ${hit.summary}`;
}

function explain(finding: DependencyFinding, settings: SecuritySettings): string {
  const sentence = explainDecision(finding, settings);
  // An invalid CVSS vector is said, so nobody trusts a rating the gate did not read from it.
  return finding.hit.severity.note ? `${sentence} (The advisory's ${finding.hit.severity.note}.)` : sentence;
}

function explainDecision({ hit, decision, acceptedRisk }: DependencyFinding, settings: SecuritySettings): string {
  const fix = hit.fixedIn
    ? `upgrade to ${hit.fixedIn} or later`
    : hit.fixAvailable
      ? "a fixed version exists (see the advisory)"
      : "no fixed version is published yet";
  switch (decision) {
    case "blocking":
      return `${label(hit)}; ${hit.severity.severity} is at or above the policy's failOn (${settings.failOn}): ${fix}.`;
    case "unaccepted":
      return `${label(hit)}; a ${hit.severity.severity} finding must be fixed or listed in ${settings.riskRegister}: ${fix}.`;
    case "expired-acceptance":
      return `${label(hit)}; its accepted risk (owner ${acceptedRisk?.owner}) expired on ${acceptedRisk?.expires}: ${fix}, or renew the entry.`;
    case "unknown-severity":
      return `${label(hit)}; the advisory has no severity rating, so it counts as blocking (onUnknownSeverity: ${settings.onUnknownSeverity}): ${fix}, or accept the risk.`;
    case "accepted":
      return `${label(hit)}; accepted by ${acceptedRisk?.owner} until ${acceptedRisk?.expires}: ${acceptedRisk?.reason}`;
    case "out-of-scope":
      return `${label(hit)}; a development dependency, outside the policy's scopes (${settings.scopes.join(", ")}).`;
    case "no-fix-yet":
      return `${label(hit)}; no fixed version exists yet and the policy counts only fixable findings.`;
    case "below-policy":
      return `${label(hit)}; below the policy's requireAcceptanceFrom (${settings.requireAcceptanceFrom}): ${fix}.`;
  }
}

function findingSeverity(decision: DependencyDecision, settings: SecuritySettings): Finding["severity"] {
  if (FAILING.has(decision)) return "error";
  if (decision === "unknown-severity") return settings.onUnknownSeverity === "fail" ? "error" : "warning";
  return decision === "below-policy" ? "warning" : "notice";
}

function countCheck(id: string, count: number, failing: Check["status"], passMessage: string, failMessage: string): Check {
  return { id, status: count === 0 ? "pass" : failing, measured: count, threshold: 0, message: count === 0 ? passMessage : failMessage };
}

/** Newest `modified` date among the advisories: how fresh the snapshot is. */
/**
 * A snapshot read one advisory at a time: every advisory counts towards its
 * size and age, but only those that name a package of the inventory are
 * kept, so a whole ecosystem's snapshot never sits in memory.
 */
const NAME = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const MODIFIED = /"modified"\s*:\s*"([^"\\]*)"/;

/**
 * Could the advisory concern one of `names`? Yes when any `"name": "…"` of
 * its text (JSON escapes undone) is one of them, and when the text names no
 * package at all or cannot be read (damaged, truncated): the parser then
 * says what is wrong, so a broken advisory is never skipped unread.
 */
function mayConcern(text: string, names: ReadonlySet<string>): boolean {
  let named = false;
  for (const [, raw] of text.matchAll(NAME)) {
    named = true;
    let name = raw as string;
    if (name.includes("\\")) {
      try {
        name = JSON.parse(`"${name}"`) as string;
      } catch {
        return true;
      }
    }
    if (names.has(name)) return true;
  }
  return !named;
}

export class AdvisorySelection {
  readonly kept: OsvAdvisory[] = [];
  private count = 0;
  private newest: string | undefined;

  /** `wanted` holds packageKey()s; without it every advisory is kept. `wantedNames`: their names, to skip advisories unread. */
  constructor(
    private readonly wanted?: ReadonlySet<string>,
    private readonly wantedNames?: ReadonlySet<string>,
  ) {}

  static forInventory(components: readonly Component[]): AdvisorySelection {
    return new AdvisorySelection(
      new Set(components.flatMap((component) => (component.ecosystem ? [packageKey(component.ecosystem, component.name)] : []))),
      new Set(components.map((component) => component.name)),
    );
  }

  /**
   * An advisory's text, parsed only when it names an installed package: a
   * snapshot holds advisories of every package there is, and parsing them
   * all costs more than the rest of the gate. The others are counted and
   * dated from their text.
   */
  addText(text: string, source: string): void {
    if (this.wantedNames && !mayConcern(text, this.wantedNames)) this.counted(MODIFIED.exec(text)?.[1]);
    else this.add(parseOsvAdvisory(text, source));
  }

  /** Every advisory read counts, and the newest `modified` dates the snapshot. */
  private counted(modified: string | undefined): void {
    this.count += 1;
    if (modified && (!this.newest || modified > this.newest)) this.newest = modified;
  }

  add(advisory: OsvAdvisory): void {
    this.counted(advisory.modified);
    const { wanted } = this;
    if (!wanted || advisory.affected.some((affected) => wanted.has(packageKey(affected.package.ecosystem, affected.package.name)))) this.kept.push(advisory);
  }

  snapshot(source: string): AdvisorySnapshot {
    return { count: this.count, newestModified: this.newest, source };
  }
}

export function describeSnapshot(advisories: readonly OsvAdvisory[], source: string): AdvisorySnapshot {
  const selection = new AdvisorySelection();
  for (const advisory of advisories) selection.add(advisory);
  return selection.snapshot(source);
}

function snapshotAgeCheck(snapshot: AdvisorySnapshot, settings: SecuritySettings, now: Date): Check | undefined {
  if (!settings.maxSnapshotAge) return undefined;
  const limit = parseDuration(settings.maxSnapshotAge, "gates.security.maxSnapshotAge");
  const modified = snapshot.newestModified ? Date.parse(snapshot.newestModified) : Number.NaN;
  if (Number.isNaN(modified))
    return {
      id: "advisories.snapshot-age",
      status: "no-data",
      onNoData: settings.onStaleSnapshot,
      measured: null,
      threshold: settings.maxSnapshotAge,
      message: `The advisories in ${snapshot.source} carry no modified date, so their age cannot be checked.`,
    };
  const age = now.getTime() - modified;
  const stale = age > limit;
  return {
    id: "advisories.snapshot-age",
    status: stale ? settings.onStaleSnapshot : "pass",
    measured: formatDuration(age),
    threshold: settings.maxSnapshotAge,
    message: `The newest advisory in ${snapshot.source} was modified ${snapshot.newestModified} (${formatDuration(age)} ago); ${stale ? `older than the policy's ${settings.maxSnapshotAge}: refresh the snapshot` : `within ${settings.maxSnapshotAge}`}.`,
  };
}

/**
 * Decides the dependency part of the security gate: every advisory hit is
 * blocking, needs an accepted risk, or is reported for information, by
 * severity, scope and the risk register. An SBOM without components or an
 * empty advisory snapshot is no evidence, never a pass.
 */
export function evaluateDependencies(input: DependencyEvaluationInput): DependencyEvaluation {
  const { settings, inventory, inventorySource, match, snapshot, now } = input;
  const decisions = match.hits.map((hit) => decide(hit, input));
  const count = (wanted: DependencyDecision) => decisions.filter((finding) => finding.decision === wanted).length;
  const checks: Check[] = [];

  if (inventory.length === 0)
    checks.push({
      id: "dependencies.inventory",
      status: "no-data",
      onNoData: "fail",
      measured: 0,
      threshold: null,
      message: `${inventorySource} lists no components: an empty inventory is no evidence (was the SBOM made without a lock file?).`,
    });
  if (snapshot.count === 0)
    checks.push({
      id: "advisories.snapshot",
      status: "no-data",
      onNoData: "fail",
      measured: 0,
      threshold: null,
      message: `${snapshot.source} holds no advisories: matching against nothing proves nothing.`,
    });

  const blocking = count("blocking");
  checks.push(
    countCheck(
      "dependencies.blocking",
      blocking,
      "fail",
      `No ${settings.failOn}-or-worse advisory affects a ${settings.scopes.join(" or ")} dependency.`,
      `${blocking} ${settings.failOn}-or-worse ${blocking === 1 ? "advisory affects" : "advisories affect"} ${settings.scopes.join(" or ")} dependencies.`,
    ),
  );
  const unaccepted = count("unaccepted") + count("expired-acceptance");
  checks.push(
    countCheck(
      "dependencies.accepted-risks",
      unaccepted,
      "fail",
      `Every ${settings.requireAcceptanceFrom}-or-worse finding below ${settings.failOn} is fixed or accepted in ${settings.riskRegister}.`,
      `${unaccepted} ${unaccepted === 1 ? "finding" : "findings"} rated ${settings.requireAcceptanceFrom} or worse, below ${settings.failOn}, ${unaccepted === 1 ? "is" : "are"} neither fixed nor covered by an unexpired entry of ${settings.riskRegister}.`,
    ),
  );
  const unrated = count("unknown-severity");
  checks.push(
    countCheck(
      "dependencies.unknown-severity",
      unrated,
      settings.onUnknownSeverity,
      "Every matching advisory has a severity rating.",
      `${unrated} matching ${unrated === 1 ? "advisory has" : "advisories have"} no severity rating.`,
    ),
  );
  checks.push(
    countCheck(
      "dependencies.undecided",
      match.undecided.length,
      "warn",
      "Every component version could be compared with the advisories' ranges.",
      `${match.undecided.length} component ${match.undecided.length === 1 ? "version" : "versions"} could not be compared with an advisory's range (not semver): check ${match.undecided
        .slice(0, 3)
        .map(({ component, advisory }) => `${component.name}@${component.version} against ${advisory}`)
        .join(", ")}${match.undecided.length > 3 ? ", …" : ""} by hand.`,
    ),
  );
  // Out-of-scope components (dev dependencies of a runtime-only policy) are not checked, so not missed either.
  const unmatched = match.unmatched.filter(({ component }) => settings.scopes.includes(component.development ? "development" : "runtime"));
  const describe = ({ component, reason }: (typeof unmatched)[number]) => `${component.name}${component.version ? `@${component.version}` : ""} (${reason})`;
  checks.push(
    countCheck(
      "dependencies.unmatched",
      unmatched.length,
      settings.onUnmatched,
      `Every ${settings.scopes.join(" or ")} component could be matched against the advisories.`,
      `${unmatched.length} ${unmatched.length === 1 ? "component" : "components"} of ${inventorySource} cannot be matched against any advisory, so ${unmatched.length === 1 ? "it was" : "they were"} not checked: ${unmatched
        .slice(0, 3)
        .map(describe)
        .join(
          ", ",
        )}${unmatched.length > 3 ? ", …" : ""}. Give every component a package URL with a version (cyclonedx-npm does), or accept it with gates.security.onUnmatched: warn.`,
    ),
  );
  const ageCheck = snapshotAgeCheck(snapshot, settings, now);
  if (ageCheck) checks.push(ageCheck);

  const findings: Finding[] = decisions.map((decision) => ({
    id: decision.hit.advisory,
    severity: findingSeverity(decision.decision, settings),
    message: explain(decision, settings),
    location: { path: inventorySource },
    properties: {
      package: decision.hit.component.name,
      version: decision.hit.component.version,
      purl: decision.hit.component.purl,
      advisory: decision.hit.advisory,
      summary: decision.hit.summary,
      aliases: decision.hit.aliases,
      severity: decision.hit.severity.severity,
      score: decision.hit.severity.score,
      severitySource: decision.hit.severity.source,
      fixedIn: decision.hit.fixedIn,
      path: decision.hit.component.path,
      scope: decision.hit.component.development ? "development" : "runtime",
      decision: decision.decision,
      ...(decision.acceptedRisk ? { acceptedRisk: decision.acceptedRisk } : {}),
    } satisfies DependencyFindingProperties,
  }));
  for (const entry of unmatched) {
    findings.push({
      id: "dependencies.unmatched",
      severity: settings.onUnmatched === "fail" ? "error" : "warning",
      message: `${describe(entry)}: not checked against the advisories.`,
      location: { path: inventorySource },
    });
  }
  // Blocking findings first and the most severe among them, as the summary and the (capped) annotations show them.
  const order = { error: 0, warning: 1, notice: 2 } as const;
  const rank = (finding: Finding) => SEVERITIES.indexOf((finding.properties?.severity as Severity | undefined) ?? "unknown");
  findings.sort((a, b) => order[a.severity] - order[b.severity] || rank(a) - rank(b));

  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const hit of match.hits) bySeverity[hit.severity.severity] += 1;
  return {
    checks,
    findings,
    decisions,
    details: {
      components: inventory.length,
      vulnerableComponents: new Set(match.hits.map((hit) => hit.component)).size,
      bySeverity,
      snapshot,
      unmatched: unmatched.map(({ component, reason }) => ({ name: component.name, version: component.version, reason })),
    },
  };
}
