import type { z } from "zod";
import { ConfigurationError } from "../errors.js";
import { SecuritySettings } from "../policy/schema.js";
import { describeZodError } from "../validation.js";

/** The run-level options the CLI flags and the action inputs share, by their common kebab-case name. */
export const SECURITY_OPTIONS = {
  sbom: "sbom",
  advisories: "advisories",
  "npm-audit": "npmAudit",
  "fail-on": "failOn",
  "accept-from": "requireAcceptanceFrom",
  scope: "scopes",
  "only-fixable": "onlyFixable",
  "risk-register": "riskRegister",
  "max-snapshot-age": "maxSnapshotAge",
} as const satisfies Record<string, keyof SecuritySettings>;

/** The options of the secrets scan, under `secrets`. */
export const SECRETS_OPTIONS = {
  secrets: "scan",
  "secrets-diff": "diffBase",
  "secrets-allowlist": "allowlist",
  "secrets-baseline": "baseline",
  "gitleaks-report": "gitleaksReport",
} as const satisfies Record<string, keyof SecuritySettings["secrets"]>;

/**
 * Overrides from named string values (CLI flags, action inputs): empty means
 * not given. Each value is validated on its own so an error names the flag or
 * input it came from (`describe("fail-on")` → `--fail-on` or `input fail-on`).
 */
export function securityOverrides(read: (name: string) => string | undefined, describe: (name: string) => string): Partial<SecuritySettings> {
  const overrides: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  const readOption = (name: string, schema: z.ZodType, key: string, into: Record<string, unknown>, boolean: boolean, list: boolean) => {
    const raw = read(name)?.trim();
    if (!raw) return;
    const value = list ? raw.split(/[\s,]+/).filter(Boolean) : boolean ? parseBoolean(raw, describe(name)) : raw;
    const result = schema.safeParse(value);
    if (!result.success) throw new ConfigurationError(describeZodError(result.error, value).sentence.replace(/^\(top level\): /, ""), describe(name));
    into[key] = result.data;
  };
  for (const [name, key] of Object.entries(SECURITY_OPTIONS))
    readOption(name, SecuritySettings.shape[key], key, overrides, key === "onlyFixable", key === "scopes");
  const secretShape = SecuritySettings.shape.secrets.unwrap().shape;
  for (const [name, key] of Object.entries(SECRETS_OPTIONS)) readOption(name, secretShape[key], key, secrets, key === "scan", false);
  if (Object.keys(secrets).length > 0) overrides.secrets = secrets;
  return overrides as Partial<SecuritySettings>;
}

function parseBoolean(raw: string, where: string): boolean {
  if (/^(true|yes|1)$/i.test(raw)) return true;
  if (/^(false|no|0)$/i.test(raw)) return false;
  throw new ConfigurationError(`expected true or false, found ${JSON.stringify(raw)}`, where);
}
