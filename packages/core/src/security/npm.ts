import semver from "semver";
import * as z from "zod";
import { onFirstUse, parseJsonText, validateAs } from "../validation.js";
import type { AdvisoryHit } from "./osv.js";
import type { Component } from "./sbom.js";
import { cvss3BaseScore, normaliseSeverity, ratingOf } from "./severity.js";

function parseJson<T>(text: string, schema: z.ZodType<T>, what: string, source: string): T {
  return validateAs(schema, parseJsonText(text, what, source), `expected ${what}`, source);
}

/** The lock file as the gate reads it, built with the first one read (most runs read an SBOM instead). */
const lockfileSchema = onFirstUse(() =>
  z.looseObject({
    lockfileVersion: z.number().int().min(2, "a lockfile version 2 or 3 (npm 7 or later); run npm install --package-lock-only with a current npm"),
    packages: z.record(
      z.string(),
      z.looseObject({ version: z.string().optional(), dev: z.boolean().optional(), link: z.boolean().optional(), license: z.string().optional() }),
    ),
  }),
);

/**
 * The installed packages of an npm lock file (v2/v3), one per location:
 * name from the path's last `node_modules/` segment, `dev` as npm marks it.
 * The root entry and workspace links are the project itself, not dependencies.
 */
export function parseNpmLockfile(text: string, source: string): Component[] {
  const lock = parseJson(text, lockfileSchema(), "an npm package-lock.json", source);
  const components: Component[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const at = path.lastIndexOf("node_modules/");
    if (at < 0 || entry.link || !entry.version) continue;
    const name = path.slice(at + "node_modules/".length);
    components.push({
      name,
      version: entry.version,
      purl: `pkg:npm/${name.startsWith("@") ? `%40${name.slice(1)}` : name}@${entry.version}`,
      ecosystem: "npm",
      development: entry.dev === true,
      licenses: entry.license ? [entry.license] : [],
      path,
    });
  }
  return components;
}

/** `npm audit --json` (v2), built with the first report read. */
const auditReportSchema = onFirstUse(() => {
  const AuditAdvisory = z.looseObject({
    source: z.number(),
    name: z.string(),
    dependency: z.string(),
    title: z.string(),
    url: z.string(),
    severity: z.string(),
    cvss: z.looseObject({ score: z.number().nullish(), vectorString: z.string().nullish() }).nullish(),
    range: z.string(),
  });

  const AuditReport = z.looseObject({
    auditReportVersion: z.literal(2, "auditReportVersion 2 (npm 7 or later: npm audit --json)"),
    vulnerabilities: z.record(
      z.string(),
      z.looseObject({
        name: z.string(),
        via: z.array(z.union([z.string(), AuditAdvisory])),
        nodes: z.array(z.string()).default([]),
        fixAvailable: z.union([z.boolean(), z.looseObject({ name: z.string(), version: z.string() })]).default(false),
      }),
    ),
  });
  return AuditReport;
});

export type NpmAuditReport = z.infer<ReturnType<typeof auditReportSchema>>;

export function parseNpmAudit(text: string, source: string): NpmAuditReport {
  return parseJson(text, auditReportSchema(), "npm audit --json output", source);
}

/** `<4.2.2` → 4.2.2: the version that closes the vulnerable range, when it has one. */
function fixedVersion(range: string): string | undefined {
  const parsed = semver.validRange(range) ? new semver.Range(range) : undefined;
  const upper = parsed?.set
    .at(-1)
    ?.find((comparator) => comparator.operator === "<")
    ?.semver.format();
  return upper;
}

/**
 * Findings of an `npm audit --json` (v2) report. npm names the installed
 * locations but not their versions, so each location is looked up in the
 * inventory (the lock file or an SBOM with npm paths) for its version and
 * dev flag; a location not found there keeps its name, counts as runtime
 * (fail closed) and has no version. Entries that are vulnerable only through
 * a dependency (`via: ["tar"]`) are that dependency's findings, not new ones.
 */
export function npmAuditHits(report: NpmAuditReport, inventory: readonly Component[]): AdvisoryHit[] {
  const byPath = new Map(inventory.filter((component) => component.path).map((component) => [component.path as string, component]));
  const hits: AdvisoryHit[] = [];
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via) {
      if (typeof via === "string") continue;
      const advisory = /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/.exec(via.url)?.[0] ?? `npm-${via.source}`;
      const score = via.cvss?.vectorString ? cvss3BaseScore(via.cvss.vectorString) : undefined;
      const database = normaliseSeverity(via.severity);
      const severity =
        score !== undefined && score > 0
          ? { severity: ratingOf(score), score, source: "cvss3" as const }
          : database === "unknown"
            ? { severity: database, source: "none" as const }
            : { severity: database, source: "database" as const };
      const seen = new Set<string>();
      for (const node of vulnerability.nodes) {
        const component: Component = byPath.get(node) ?? {
          name: via.dependency,
          version: undefined,
          purl: undefined,
          ecosystem: "npm",
          development: false,
          licenses: [],
          path: node,
        };
        const key = `${component.name}@${component.version ?? node}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const fixedIn = fixedVersion(via.range);
        hits.push({
          advisory,
          aliases: [],
          summary: via.title.trim(),
          component,
          severity,
          fixedIn,
          fixAvailable: fixedIn !== undefined || vulnerability.fixAvailable !== false,
        });
      }
    }
  }
  return hits;
}
