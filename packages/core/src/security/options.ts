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

/**
 * Overrides from named string values (CLI flags, action inputs): empty means
 * not given. Each value is validated on its own so an error names the flag or
 * input it came from (`describe("fail-on")` → `--fail-on` or `input fail-on`).
 */
export function securityOverrides(read: (name: string) => string | undefined, describe: (name: string) => string): Partial<SecuritySettings> {
  const overrides: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(SECURITY_OPTIONS)) {
    const raw = read(name)?.trim();
    if (!raw) continue;
    const value = key === "scopes" ? raw.split(/[\s,]+/).filter(Boolean) : key === "onlyFixable" ? parseBoolean(raw, describe(name)) : raw;
    const result = SecuritySettings.shape[key].safeParse(value);
    if (!result.success) throw new ConfigurationError(describeZodError(result.error, value).sentence.replace(/^\(top level\): /, ""), describe(name));
    overrides[key] = result.data;
  }
  return overrides as Partial<SecuritySettings>;
}

function parseBoolean(raw: string, where: string): boolean {
  if (/^(true|yes|1)$/i.test(raw)) return true;
  if (/^(false|no|0)$/i.test(raw)) return false;
  throw new ConfigurationError(`expected true or false, found ${JSON.stringify(raw)}`, where);
}
