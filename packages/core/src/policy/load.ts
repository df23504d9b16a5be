import type { z } from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import { Policy, type PolicyInput } from "../gates.js";
import { describeZodError } from "../validation.js";
import { readYamlMapping } from "../yaml-plain.js";
import type { GateSettingsEntry } from "./schema.js";

/** A validated policy, and the text's own values: environment overrides merge on those, before defaults. */
export interface LoadedPolicy {
  policy: Policy;
  raw: PolicyInput;
  /** Where it came from, for messages; undefined for the built-in defaults. */
  source: string | undefined;
}

/** The policy a repository without `release-gates.yml` gets. */
export function defaultPolicy(): LoadedPolicy {
  return { policy: Policy.parse({}), raw: {}, source: undefined };
}

/** The file name the CLI and actions look for at the repository root. */
export const POLICY_FILE = "release-gates.yml";

/** `parsePolicy` as the gates call it: the `yaml` library loads only where js-yaml cannot read the file as it would (readYamlMapping). */
export async function readPolicy(text: string, source = POLICY_FILE): Promise<LoadedPolicy> {
  const { value, raw } = await readYamlMapping(text, Policy, source);
  return { policy: value, raw: raw as PolicyInput, source };
}

/** Deep-merges plain objects; arrays and scalars in `override` replace. */
function merge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (!base || typeof base !== "object" || Array.isArray(base) || !override || typeof override !== "object" || Array.isArray(override)) return override as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) if (value !== undefined) out[key] = merge(out[key], value);
  return out as T;
}

/**
 * A gate's settings in force: the policy's, then the environment's
 * overrides, then the run's own (action inputs, CLI flags), each winning over
 * the one before. Merged as written, defaults last, so a default of the
 * environment's section never hides a value the policy set. An unknown
 * environment is named as the user gave it (`environmentSource`: `--env`, `input environment`).
 */
export function resolveGateSettings<S extends z.ZodObject>(
  loaded: LoadedPolicy,
  gate: GateSettingsEntry<string, S>,
  environment: string | undefined,
  runOverrides: object = {},
  environmentSource = "environment",
): z.infer<S> {
  const sections = loaded.raw.gates as Record<string, unknown> | undefined;
  let settings: unknown = sections?.[gate.id] ?? {};
  if (environment) {
    const env = loaded.raw.environments?.find((candidate) => candidate.name === environment);
    if (!env) {
      const known = (loaded.raw.environments ?? []).map((candidate) => candidate.name);
      throw new ConfigurationError(
        `expected one of the policy's environments (${known.length ? known.join(", ") : "none defined"}), found ${quoted(environment)}`,
        environmentSource,
      );
    }
    settings = merge(settings, (env.gates as Record<string, unknown> | undefined)?.[gate.id]);
  }
  settings = merge(settings, runOverrides);
  const result = gate.settings.safeParse(settings);
  if (!result.success)
    throw new ConfigurationError(
      `the ${gate.id} settings after applying the overrides are invalid: ${describeZodError(result.error, settings).sentence}`,
      loaded.source,
    );
  return result.data;
}
