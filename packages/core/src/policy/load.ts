import type { z } from "zod";
import { ConfigurationError, quoted } from "../errors.js";
import { Policy, type PolicyInput } from "../gates.js";
import { describeZodError, isStackOverflow } from "../validation.js";
import { readPlainYaml } from "../yaml-plain.js";
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

/**
 * `parsePolicy` as the gates call it: a policy that js-yaml reads as the
 * `yaml` library would and that is valid is taken as it is, so the `yaml`
 * library (a quarter of an action's startup code) loads only to read what
 * js-yaml cannot and to name the line of an error.
 */
export async function readPolicy(text: string, source = POLICY_FILE): Promise<LoadedPolicy> {
  const plain = readPlainYaml(text);
  const data = plain && plain.values.length <= 1 ? (plain.values[0] ?? {}) : undefined;
  if (data && typeof data === "object" && !Array.isArray(data)) {
    try {
      const result = Policy.safeParse(data);
      if (result.success) return { policy: result.data, raw: data as PolicyInput, source };
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
    }
  }
  const { parsePolicy } = await import("./parse.js");
  return parsePolicy(text, source);
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
