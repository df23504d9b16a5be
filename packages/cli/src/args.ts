import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigurationError } from "@release-gates/core";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * parseArgs with one-sentence errors. Empty values count as "not given", so a
 * GitLab component can pass every input as `--flag "$VAR"` whether set or not.
 */
export function parseCommandLine(args: readonly string[], options: OptionSpec): Record<string, string | string[] | boolean | undefined> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigurationError(`${(error as Error).message.replace(/\.$/, "")}; run with --help for the options`, "command line");
  }
  const values: Record<string, string | string[] | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (Array.isArray(value)) {
      const kept = value.filter((item): item is string => typeof item === "string" && item.trim() !== "");
      values[name] = kept.length > 0 ? kept : undefined;
    } else values[name] = value === "" ? undefined : value;
  }
  return values;
}

export function choiceOption<T extends string>(value: unknown, flag: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new ConfigurationError(`expected one of ${choices.join(", ")}, found ${JSON.stringify(value)}`, flag);
  return value as T;
}
