import { type Document, isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { ConfigurationError } from "./errors.js";
import { describeZodError, FORBIDDEN_KEYS, forbiddenKeyError, isStackOverflow } from "./validation.js";

/** Aliases a file may expand (the YAML library's default): a "billion laughs" file is refused, not expanded. */
const MAX_ALIAS_COUNT = 100;

/** A validated YAML mapping, and the text's own values (before schema defaults). */
export interface ParsedYaml<T> {
  value: T;
  raw: unknown;
}

/** Parsing, checking keys, building and validating all walk the document recursively: deep nesting is refused in one sentence. */
export function guardDepth<T>(source: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isStackOverflow(error)) throw new ConfigurationError("expected YAML of ordinary depth, found a document nested too deeply to read", source);
    throw error;
  }
}

/**
 * Parses a YAML mapping and validates it. Errors name the file, the line
 * and the key path: `release-gates.yml, line 4: gates.coverage.patch.threshold: expected number, found string "high"`.
 */
export function parseYamlMapping<S extends z.ZodType>(text: string, schema: S, source: string): ParsedYaml<z.infer<S>> {
  return guardDepth(source, () => {
    const lineCounter = new LineCounter();
    const document = new ParsedYamlDocument(
      parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" }),
      lineCounter,
      source,
    );
    const data = document.value;
    if (data === undefined || data === null) return { value: document.validate(schema, {}), raw: {} };
    if (typeof data !== "object" || Array.isArray(data))
      throw new ConfigurationError(`expected a mapping at the top level, found ${Array.isArray(data) ? "a list" : typeof data}`, source, 1);
    return { value: document.validate(schema, data), raw: data };
  });
}

export function syntaxError(error: { pos: [number, number]; message: string }, lineCounter: LineCounter, source: string): ConfigurationError {
  const line = lineCounter.linePos(error.pos[0]).line;
  return new ConfigurationError(`expected valid YAML, found a syntax error: ${error.message.split("\n")[0]}`, source, line);
}

/** One parsed YAML document: its plain value, the line of any key path, and validation whose errors name that line. */
export interface YamlDocument {
  readonly value: unknown;
  readonly source: string;
  /** The line of the deepest node that exists along `path` (the document's first line for the empty path). */
  lineOf(path: readonly PropertyKey[]): number | undefined;
  /** Where a scalar's text starts: the line after the indicator for `|` and `>` blocks. */
  textLineOf(path: readonly PropertyKey[]): number | undefined;
  /** The value validated; the first problem becomes one sentence naming the file, the line and the key path. */
  validate<S extends z.ZodType>(schema: S, data?: unknown, prefix?: readonly PropertyKey[]): z.infer<S>;
}

export abstract class YamlDocumentBase implements YamlDocument {
  abstract readonly value: unknown;
  abstract readonly source: string;
  abstract lineOf(path: readonly PropertyKey[]): number | undefined;
  abstract textLineOf(path: readonly PropertyKey[]): number | undefined;

  validate<S extends z.ZodType>(schema: S, data: unknown = this.value, prefix: readonly PropertyKey[] = []): z.infer<S> {
    const result = schema.safeParse(data) as z.ZodSafeParseResult<z.infer<S>>;
    if (result.success) return result.data;
    const { path, sentence } = describeZodError(result.error, data);
    throw new ConfigurationError(sentence, this.source, this.lineOf([...prefix, ...path]));
  }
}

/** A document the `yaml` library read. */
export class ParsedYamlDocument extends YamlDocumentBase {
  readonly value: unknown;

  constructor(
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
    readonly source: string,
  ) {
    super();
    const [yamlError] = document.errors;
    if (yamlError) throw syntaxError(yamlError, lineCounter, source);
    // Keys that reach the prototype are refused before any object is built: `after: { __proto__: 14d }` made a soak vanish.
    visit(document, {
      Pair(_key, pair) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof key === "string" && FORBIDDEN_KEYS.has(key)) {
          const range = (pair.key as { range?: [number, number, number] }).range;
          throw forbiddenKeyError(key, source, range ? lineCounter.linePos(range[0]).line : undefined);
        }
      },
    });
    try {
      this.value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message))
        throw new ConfigurationError(`expected YAML whose aliases expand to a reasonable size, found more than ${MAX_ALIAS_COUNT} alias expansions`, source);
      throw error;
    }
  }

  lineOf(path: readonly PropertyKey[]): number | undefined {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = this.document.getIn(path.slice(0, depth) as (string | number)[], true);
      if (node && (isScalar(node) || isMap(node) || typeof node === "object") && "range" in (node as object)) {
        const range = (node as { range?: [number, number, number] }).range;
        if (range) return this.lineCounter.linePos(range[0]).line;
      }
    }
    return undefined;
  }

  textLineOf(path: readonly PropertyKey[]): number | undefined {
    const node = this.document.getIn(path as (string | number)[], true);
    const line = this.lineOf(path);
    if (line === undefined || !isScalar(node)) return line;
    return node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED" ? line + 1 : line;
  }
}
