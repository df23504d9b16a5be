import type { z } from "zod";
import { ConfigurationError } from "../errors.js";
import { SecuritySettings } from "../policy/schema.js";
import { describeZodError } from "../validation.js";

/** The run-level options the CLI flags and the action inputs share, by their common kebab-case name. */
export const SECURITY_OPTIONS = {
  sbom: "sbom",
  "sbom-out": "sbomOut",
  advisories: "advisories",
  "npm-audit": "npmAudit",
  "fail-on": "failOn",
  "accept-from": "requireAcceptanceFrom",
  scope: "scopes",
  "only-fixable": "onlyFixable",
  "risk-register": "riskRegister",
  "max-snapshot-age": "maxSnapshotAge",
  "static-analysis": "staticAnalysis",
  checklist: "checklists",
} as const satisfies Record<string, keyof SecuritySettings>;

/** The options of the secrets scan, under `secrets`. */
export const SECRETS_OPTIONS = {
  secrets: "scan",
  "secrets-diff": "diffBase",
  "secrets-allowlist": "allowlist",
  "secrets-baseline": "baseline",
  "gitleaks-report": "gitleaksReport",
} as const satisfies Record<string, keyof SecuritySettings["secrets"]>;

/** The options of the audit evidence, under `audits`. */
export const AUDITS_OPTIONS = {
  audits: "manifest",
  "require-pen-test": "requirePenTest",
} as const satisfies Record<string, keyof NonNullable<SecuritySettings["audits"]>>;

/** Options given as true / false (flags on the command line, "true" from an action input). */
const BOOLEAN_KEYS: ReadonlySet<string> = new Set(["onlyFixable", "scan", "requirePenTest"]);
/** Lists of files: one per line (a repeated flag, a multi-line input). */
const PATH_LIST_KEYS: ReadonlySet<string> = new Set(["staticAnalysis", "checklists"]);

/**
 * Overrides from named string values (CLI flags, action inputs): empty means
 * not given. Each value is validated on its own so an error names the flag or
 * input it came from (`describe("fail-on")` → `--fail-on` or `input fail-on`).
 */
export function securityOverrides(read: (name: string) => string | undefined, describe: (name: string) => string): Partial<SecuritySettings> {
  const readOption = (name: string, key: string, schema: z.ZodType, into: Record<string, unknown>) => {
    const raw = read(name)?.trim();
    if (!raw) return;
    const value =
      key === "scopes"
        ? raw.split(/[\s,]+/).filter(Boolean)
        : PATH_LIST_KEYS.has(key)
          ? raw
              .split("\n")
              .map((line) => line.trim())
              .filter(Boolean)
          : BOOLEAN_KEYS.has(key)
            ? parseBoolean(raw, describe(name))
            : raw;
    const result = schema.safeParse(value);
    if (!result.success) throw new ConfigurationError(describeZodError(result.error, value).sentence.replace(/^\(top level\): /, ""), describe(name));
    into[key] = result.data;
  };
  const overrides: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(SECURITY_OPTIONS)) readOption(name, key, SecuritySettings.shape[key], overrides);
  const secrets: Record<string, unknown> = {};
  const secretsShape = SecuritySettings.shape.secrets.unwrap().shape;
  for (const [name, key] of Object.entries(SECRETS_OPTIONS)) readOption(name, key, secretsShape[key], secrets);
  if (Object.keys(secrets).length > 0) overrides.secrets = secrets;
  const audits: Record<string, unknown> = {};
  const auditsShape = SecuritySettings.shape.audits.unwrap().shape;
  for (const [name, key] of Object.entries(AUDITS_OPTIONS)) readOption(name, key, auditsShape[key], audits);
  if (Object.keys(audits).length > 0) overrides.audits = audits;
  return overrides as Partial<SecuritySettings>;
}

function parseBoolean(raw: string, where: string): boolean {
  if (/^(true|yes|1)$/i.test(raw)) return true;
  if (/^(false|no|0)$/i.test(raw)) return false;
  throw new ConfigurationError(`expected true or false, found ${JSON.stringify(raw)}`, where);
}
