import * as z from "zod";
import { ConfigurationError, quoted } from "./errors.js";

// Zod compiles a parser for each object schema the first time it parses one
// (with `new Function`). A gate run parses most of its schemas once or a few
// times, so the compiling costs more than it saves: 6 ms of an action's
// 125 ms start on Node 24, measured (bench/cold-start.mjs).
z.config({ jitless: true });

/** `a.b[2].c` from a zod issue path. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const name = String(key);
      out += /^[A-Za-z_$][\w$-]*$/.test(name) ? (out ? `.${name}` : name) : `[${quoted(name)}]`;
    }
  }
  return out || "(top level)";
}

/** What an input that may hold secrets (a gitleaks report) shows of its values: their kind only. */
export interface Quoting {
  quoteValues?: boolean;
}

function describeFound(value: unknown, quoting: Quoting = {}): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (quoting.quoteValues === false) return `a ${typeof value} (not shown: the input may hold secrets)`;
  return `${typeof value} ${quoted(value, 40)}`;
}

/** Walks `root` along a zod issue path to show what was actually there. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A bound as a person says it: "a number at most 100", "a non-empty text", "at least 1 item". */
function describeBound(issue: z.core.$ZodIssue): string | undefined {
  // A schema's own message (`.min(2, "…")`) says more than a bound can.
  if ((issue.code !== "too_big" && issue.code !== "too_small") || !/^Too (big|small):/.test(issue.message)) return undefined;
  const big = issue.code === "too_big";
  const limit = Number(big ? issue.maximum : issue.minimum);
  const inclusive = issue.inclusive !== false;
  const bound = big ? (inclusive ? "at most" : "less than") : inclusive ? "at least" : "more than";
  if (issue.origin === "number" || issue.origin === "bigint") return `a number ${bound} ${limit}`;
  if (issue.origin === "string") return !big && limit === 1 && inclusive ? "a non-empty text" : `a text of ${bound} ${limit} characters`;
  if (issue.origin === "array" || issue.origin === "set") return `${bound} ${limit} item${limit === 1 ? "" : "s"}`;
  return undefined;
}

/**
 * One sentence for the first problem zod found: the key path, what was
 * expected, what was found. Further problems are counted, not listed, so the
 * message stays one line that a CI log shows whole.
 */
export function describeZodError(error: z.ZodError, input: unknown, quoting: Quoting = {}): { path: readonly PropertyKey[]; sentence: string } {
  const [issue] = error.issues;
  if (!issue) return { path: [], sentence: "invalid value" };
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? "s" : ""})` : "";
  const found =
    issue.code === "unrecognized_keys"
      ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => quoted(k)).join(", ")}`
      : describeFound(valueAt(input, issue.path), quoting);
  const expected =
    issue.code === "unrecognized_keys"
      ? "only known keys"
      : (describeBound(issue) ??
        (issue.code === "invalid_type" && issue.expected === "int"
          ? "a whole number"
          : issue.message.replace(/^(Invalid input|Invalid option|Too big|Too small): /, "").replace(/, received .*$/, "")));
  return { path: issue.path, sentence: `${formatKeyPath(issue.path)}: expected ${expected.replace(/^expected /, "")}, found ${found}${more}` };
}

/** Keys that would reach an object's prototype when copied or merged: refused in every input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
/** Where one of them might be a key: scanned first, so the precise check costs nothing on ordinary input. */
const MAYBE_FORBIDDEN_KEY = /"(?:__proto__|constructor|prototype)"\s*:/;

/** A key that may not be used, as one sentence naming where it was. */
export function forbiddenKeyError(key: string, source: string | undefined, line?: number): ConfigurationError {
  return new ConfigurationError(`expected ordinary keys, found ${quoted(key)}, which could change how every object behaves`, source, line);
}

/** JSON text as a value, a byte-order mark dropped; a syntax error is `expected <what>, found invalid JSON (…)`; `__proto__`, `constructor` and `prototype` keys are refused at any depth. */
export function parseJsonText(text: string, expected: string, source?: string, quoting: Quoting = {}): unknown {
  const body = text.replace(/^\uFEFF/, "");
  const reviver = MAYBE_FORBIDDEN_KEY.test(body)
    ? (key: string, value: unknown) => {
        if (FORBIDDEN_KEYS.has(key)) throw forbiddenKeyError(key, source);
        return value;
      }
    : undefined;
  try {
    return JSON.parse(body, reviver);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    // JSON.parse's message quotes the text around the error: not for an input that may hold secrets.
    const why = quoting.quoteValues === false ? "" : ` (${(error as Error).message.slice(0, 120)})`;
    throw new ConfigurationError(`expected ${expected}, found invalid JSON${why}`, source);
  }
}

/**
 * A value built on its first use. For the schemas of inputs that most runs
 * never read: zod builds a schema's every node when it is declared, and each
 * action's startup pays for every schema its modules declare.
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** Whether an error is the stack running out, which deeply nested input causes while it is walked. */
export const isStackOverflow = (error: unknown): boolean => error instanceof RangeError && /call stack/i.test(error.message);

/** Validates parsed input; the first problem becomes `<prefix>: key: expected …, found …` (the sentence alone without a prefix). */
export function validateAs<T>(schema: z.ZodType<T>, data: unknown, prefix?: string, source?: string, quoting: Quoting = {}): T {
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(data);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    throw new ConfigurationError(`${prefix ? `${prefix}: ` : ""}expected a document of ordinary depth, found one nested too deeply to read`, source);
  }
  if (result.success) return result.data;
  const { sentence } = describeZodError(result.error, data, quoting);
  throw new ConfigurationError(prefix ? `${prefix}: ${sentence}` : sentence, source);
}
