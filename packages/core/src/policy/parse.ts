import { Policy, type PolicyInput } from "../gates.js";
import { parseYamlMapping } from "../yaml.js";
import { type LoadedPolicy, POLICY_FILE } from "./load.js";

/** Parses and validates a policy file; errors name the file, the line and the key path. */
export function parsePolicy(text: string, source = POLICY_FILE): LoadedPolicy {
  const { value, raw } = parseYamlMapping(text, Policy, source);
  return { policy: value, raw: raw as PolicyInput, source };
}
