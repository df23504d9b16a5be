import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigurationError, type GateOption, isRepeatable, type ReadOptions, readOptions } from "@release-gates/core";
import type * as z from "zod";

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

/** parseArgs' view of the options: lists and thresholds repeat, booleans are bare flags. */
export function commandLineSpec(options: readonly GateOption[]): OptionSpec {
  const spec: OptionSpec = { help: { type: "boolean", short: "h" } };
  for (const option of options) {
    spec[option.cliName ?? option.name] = option.kind === "boolean" ? { type: "boolean" } : { type: "string", multiple: isRepeatable(option) };
  }
  return spec;
}

/** A flag's value as option text: repeated flags one per line, a bare flag "true". */
export function flagText(value: string | string[] | boolean | undefined): string | undefined {
  if (Array.isArray(value)) return value.join("\n");
  return value === true ? "true" : typeof value === "string" ? value : undefined;
}

/**
 * The command line read through the options of a command: one parser for
 * every command (the same as for action inputs), errors naming the flag.
 * `undefined` when --help was asked for.
 */
export function readCommandLine(
  args: readonly string[],
  options: readonly GateOption[],
  settings?: z.ZodObject,
): ReadOptions<Record<string, unknown>> | undefined {
  const flags = parseCommandLine(args, commandLineSpec(options));
  if (flags.help) return undefined;
  return readOptions(options, { frontEnd: "cli", read: (option) => flagText(flags[option.cliName ?? option.name]) }, settings);
}
