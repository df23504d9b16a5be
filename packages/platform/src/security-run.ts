import { readFileSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import {
  type AcceptedRisk,
  type AdvisoryHit,
  type AdvisorySnapshot,
  type Component,
  ConfigurationError,
  type DependencyEvaluation,
  describeSnapshot,
  evaluateDependencies,
  evaluateLicenses,
  type GateReport,
  matchAdvisories,
  npmAuditHits,
  type OsvAdvisory,
  parseNpmAudit,
  parseNpmLockfile,
  parseOsvAdvisory,
  parseRiskRegister,
  parseSbom,
  renderDependencyScanningReport,
  renderRiskRegisterVex,
  renderSecretDetectionReport,
  renderSecuritySarif,
  resolveGateSettings,
  type SecretsEvaluation,
  type SecuritySettings,
  sha256,
} from "@release-gates/core";
import { checkReviewEvidence } from "./audits-run.js";
import { loadPolicy } from "./coverage-run.js";
import { gateReport } from "./gate-report.js";
import { displayPath, listFiles, projectDirectory, readOptionalTextFile, readTextFile } from "./local/files.js";
import { readZip } from "./local/zip.js";
import { generateNpmSbom } from "./sbom-generate.js";
import { checkSecrets } from "./secrets-scan.js";

export interface SecurityRunRequest {
  /** Project directory: input paths are relative to it. */
  cwd: string;
  policyPath?: string;
  environment?: string;
  /** Action inputs / CLI flags: they win over the policy file. */
  overrides?: Partial<SecuritySettings>;
  subject?: { name?: string; commit?: string };
  clock?: () => Date;
}

export interface SecurityRunResult {
  report: GateReport;
  /** Each part's evaluation, when the settings asked for it. */
  dependencies?: DependencyEvaluation;
  secrets?: SecretsEvaluation;
  settings: SecuritySettings;
  /** The accepted risks read, for the VEX document. */
  register: AcceptedRisk[];
  /** The time the decision was made at (expiry is judged against it). */
  decidedAt: Date;
  /** The SBOM generated for this run, when none was given. */
  generatedSbom?: string;
}

type Input = { path: string; format: string; sha256: string };

/** OSV exports are large; an archive that inflates past this is refused rather than exhausting memory. */
const MAX_ADVISORY_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024;

function attributed<T>(source: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof ConfigurationError ? error.withSource(source) : error;
  }
}

/**
 * Reads an OSV snapshot: a directory of advisory files or a zip of them
 * (OSV's `<ecosystem>/all.zip`). The digest covers every advisory read, so the
 * report pins the snapshot the decision was made against.
 */
async function readAdvisories(path: string, shown: string): Promise<{ advisories: OsvAdvisory[]; input: Input }> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ConfigurationError("expected a directory or a zip of OSV advisories, found no such file", shown);
  const advisories: OsvAdvisory[] = [];
  if (info.isDirectory()) {
    // Snapshots unpack to tens of thousands of small files: synchronous reads cost a third of
    // fs/promises' (no open/stat/close round trips through the thread pool for each one).
    const digests: string[] = [];
    for (const file of (await listFiles(path)).filter((name) => name.endsWith(".json"))) {
      const name = `${shown}/${file}`;
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(path, file));
      } catch (error) {
        throw new ConfigurationError(`expected a readable OSV advisory, found a file that cannot be read (${(error as NodeJS.ErrnoException).code})`, name);
      }
      advisories.push(parseOsvAdvisory(bytes.toString("utf8"), name));
      digests.push(`${sha256(bytes)} ${name}`);
    }
    return { advisories, input: { path: shown, format: `osv-directory (${advisories.length} advisories)`, sha256: sha256(digests.join("\n")) } };
  }
  const archive = await readFile(path);
  for (const entry of readZip(archive, shown, MAX_ADVISORY_ARCHIVE_BYTES)) {
    if (entry.name.endsWith(".json")) advisories.push(parseOsvAdvisory(entry.data.toString("utf8"), `${shown}!${entry.name}`));
  }
  return { advisories, input: { path: shown, format: `osv-zip (${advisories.length} advisories)`, sha256: sha256(archive) } };
}

/** The installed packages: the SBOM (or lock file) given, else an SBOM generated from the npm project. */
type Inventory = { components: Component[]; source: string; input: Input; generated?: string };

async function readInventory(cwd: string, settings: SecuritySettings): Promise<Inventory> {
  const generated = settings.sbom
    ? undefined
    : await generateNpmSbom(cwd, { generator: settings.sbomGenerator, lockfile: settings.lockfile, out: settings.sbomOut });
  const path = generated ?? resolve(cwd, settings.sbom as string);
  const shown = displayPath(cwd, path);
  const { text, sha256: digest } = await readTextFile(path, shown, "a CycloneDX or SPDX SBOM (JSON) or an npm lock file");
  // A lock file given as the inventory is read directly: offline, no generator to install.
  if (!generated && /"lockfileVersion"\s*:/.test(text.slice(0, 4000)))
    return { components: parseNpmLockfile(text, shown), source: shown, input: { path: shown, format: "npm-lockfile", sha256: digest } };
  const sbom = attributed(shown, () => parseSbom(text));
  const format = `${sbom.format} ${sbom.specVersion}${generated ? ` (generated by ${settings.sbomGenerator})` : ""}`;
  return { components: sbom.components, source: shown, input: { path: shown, format, sha256: digest }, generated };
}

/** A register that is configured but absent is an error; the default one may simply not exist yet. */
async function readRegister(cwd: string, settings: SecuritySettings, named: boolean): Promise<{ risks: AcceptedRisk[]; input?: Input }> {
  const file = await readOptionalTextFile(cwd, settings.riskRegister, named, "a risk register (YAML)");
  if (!file) return { risks: [] };
  return { risks: parseRiskRegister(file.text, file.shown), input: { path: file.shown, format: "risk-register", sha256: file.sha256 } };
}

/** OSV and npm audit may report the same advisory for the same package: the OSV hit (with aliases) is kept. */
function mergeHits(osv: readonly AdvisoryHit[], audit: readonly AdvisoryHit[]): AdvisoryHit[] {
  const key = (hit: AdvisoryHit, id: string) => `${id}\u0000${hit.component.name}\u0000${hit.component.version ?? hit.component.path}`;
  const known = new Set(osv.flatMap((hit) => [hit.advisory, ...hit.aliases].map((id) => key(hit, id))));
  return [...osv, ...audit.filter((hit) => !known.has(key(hit, hit.advisory)))];
}

/** Matches the inventory against the advisory sources and decides each finding. */
async function checkDependencies(
  cwd: string,
  settings: SecuritySettings,
  inventory: Inventory,
  register: readonly AcceptedRisk[],
  now: Date,
): Promise<{ evaluation: DependencyEvaluation; inputs: Input[] }> {
  const inputs: Input[] = [];
  let osvHits: AdvisoryHit[] = [];
  let undecided: ReturnType<typeof matchAdvisories>["undecided"] = [];
  let unknownEcosystem: Component[] = [];
  const snapshots: AdvisorySnapshot[] = [];
  if (settings.advisories) {
    const path = resolve(cwd, settings.advisories);
    const shown = displayPath(cwd, path);
    const { advisories, input } = await readAdvisories(path, shown);
    inputs.push(input);
    ({ hits: osvHits, undecided, unknownEcosystem } = matchAdvisories(inventory.components, advisories));
    snapshots.push(describeSnapshot(advisories, shown));
  }
  let auditHits: AdvisoryHit[] = [];
  if (settings.npmAudit) {
    const path = resolve(cwd, settings.npmAudit);
    const shown = displayPath(cwd, path);
    const { text, sha256: digest } = await readTextFile(path, shown, "npm audit --json output");
    auditHits = npmAuditHits(parseNpmAudit(text, shown), inventory.components);
    inputs.push({ path: shown, format: "npm-audit-v2", sha256: digest });
    snapshots.push({ count: new Set(auditHits.map((hit) => hit.advisory)).size, newestModified: undefined, source: shown });
  }
  // With both sources, the OSV snapshot's date is the one that can be checked.
  const snapshot: AdvisorySnapshot =
    snapshots.length === 1
      ? (snapshots[0] as AdvisorySnapshot)
      : {
          count: snapshots.reduce((sum, entry) => sum + entry.count, 0),
          newestModified: snapshots.find((entry) => entry.newestModified)?.newestModified,
          source: snapshots.map((entry) => entry.source).join(" and "),
        };
  const evaluation = evaluateDependencies({
    settings,
    inventory: inventory.components,
    inventorySource: inventory.source,
    match: { hits: mergeHits(osvHits, auditHits), undecided, unknownEcosystem },
    snapshot,
    register,
    now,
  });
  return { evaluation, inputs };
}

/**
 * The security gate from files to report: reads the policy, then runs the
 * parts the settings ask for — dependencies (inventory, advisories, risk
 * register), secrets (the tree or the diff, allowlist, baseline,
 * gitleaks), audits and reviews (manifest, SARIF, checklists) — lets core decide, and returns one report for a front end to publish.
 */
export async function runSecurityGate(request: SecurityRunRequest): Promise<SecurityRunResult> {
  const clock = request.clock ?? (() => new Date());
  const startedAt = clock();
  const cwd = await projectDirectory(request.cwd);
  const settings = resolveGateSettings(await loadPolicy(cwd, request.policyPath), "security", request.environment, request.overrides);
  const checksDependencies = settings.advisories !== undefined || settings.npmAudit !== undefined;
  const checksSecrets = settings.secrets.scan || settings.secrets.gitleaksReport !== undefined;
  const checksReviews = settings.audits !== undefined || settings.staticAnalysis.length > 0 || settings.checklists.length > 0;
  if (!checksDependencies && !checksSecrets && !checksReviews && !settings.licenses)
    throw new ConfigurationError(
      "expected something to check, found nothing: give --advisories DIR|ZIP (an OSV snapshot) and/or --npm-audit FILE for the dependencies, --secrets (or --gitleaks-report FILE) for hardcoded secrets, --audits FILE, --static-analysis FILE or --checklist FILE for audits and reviews, or gates.security.licenses",
      "gates.security",
    );

  const register = await readRegister(cwd, settings, request.overrides?.riskRegister !== undefined);
  const inputs: Input[] = register.input ? [register.input] : [];
  const inventory = checksDependencies || settings.licenses ? await readInventory(cwd, settings) : undefined;
  if (inventory) inputs.push(inventory.input);
  const dependencies = inventory && checksDependencies ? await checkDependencies(cwd, settings, inventory, register.risks, startedAt) : undefined;
  const licenses = inventory && settings.licenses ? evaluateLicenses(inventory.components, settings.licenses, settings.scopes, inventory.source) : undefined;
  const secrets = checksSecrets
    ? await checkSecrets(cwd, settings.secrets, request.overrides?.secrets?.allowlist !== undefined, inventory?.generated ? [inventory.generated] : [])
    : undefined;
  const reviews = checksReviews ? await checkReviewEvidence(cwd, settings, request.environment, startedAt) : undefined;
  for (const part of [dependencies, secrets, reviews]) if (part) inputs.push(...part.inputs);
  const parts = [dependencies?.evaluation, licenses, secrets?.evaluation, reviews?.audits, reviews?.staticAnalysis, reviews?.checklists];
  const report = await gateReport({
    gate: "security-gate",
    cwd,
    subject: request.subject,
    environment: request.environment,
    evaluation: {
      checks: parts.flatMap((part) => part?.checks ?? []),
      findings: parts.flatMap((part) => part?.findings ?? []),
      details: {
        ...(dependencies ? { dependencies: dependencies.evaluation.details } : {}),
        ...(licenses ? { licenses: licenses.details } : {}),
        ...(secrets ? { secrets: secrets.evaluation.details } : {}),
        ...(reviews?.audits ? { audits: reviews.audits.details } : {}),
        ...(reviews?.staticAnalysis ? { staticAnalysis: reviews.staticAnalysis.details } : {}),
        ...(reviews?.checklists ? { checklists: reviews.checklists.details } : {}),
      },
    },
    inputs,
    policy: settings,
    startedAt,
    finishedAt: clock(),
  });
  return {
    report,
    dependencies: dependencies?.evaluation,
    secrets: secrets?.evaluation,
    settings,
    register: register.risks,
    decidedAt: startedAt,
    generatedSbom: inventory?.generated,
  };
}

/** The documents a security run can publish besides its report, named by the option that asks for each. */
export type SecurityDocument = "sarif-out" | "vex-out" | "dependency-scanning-out" | "secret-detection-out";

/**
 * Writes the requested documents (JSON) to the given paths and returns the
 * paths written. GitLab's reports are written only for the parts that ran:
 * an empty report would tell GitLab a scan found nothing.
 */
export async function writeSecurityDocuments(
  result: SecurityRunResult,
  paths: Partial<Record<SecurityDocument, string>>,
): Promise<Partial<Record<SecurityDocument, string>>> {
  const { report } = result;
  const renderers: Record<SecurityDocument, (() => unknown) | undefined> = {
    "sarif-out": () => renderSecuritySarif(report),
    "vex-out": () => renderRiskRegisterVex(result.register, result.decidedAt),
    "dependency-scanning-out": result.dependencies ? () => renderDependencyScanningReport(report) : undefined,
    "secret-detection-out": result.secrets ? () => renderSecretDetectionReport(report) : undefined,
  };
  const written: Partial<Record<SecurityDocument, string>> = {};
  for (const [document, path] of Object.entries(paths) as [SecurityDocument, string | undefined][]) {
    const render = renderers[document];
    if (!path || !render) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(render(), null, 2)}\n`);
    written[document] = path;
  }
  return written;
}
