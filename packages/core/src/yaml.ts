import { isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
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

/**
 * Parses a YAML mapping and validates it. Errors name the file, the line
 * and the key path: `release-gates.yml, line 4: gates.coverage.patch.threshold: expected number, found string "high"`.
 */
export function parseYamlMapping<S extends z.ZodType>(text: string, schema: S, source: string): ParsedYaml<z.infer<S>> {
  try {
    return readYamlMapping(text, schema, source);
  } catch (error) {
    // Parsing, checking keys, building and validating all walk the document recursively.
    if (isStackOverflow(error)) throw new ConfigurationError("expected YAML of ordinary depth, found a document nested too deeply to read", source);
    throw error;
  }
}

function readYamlMapping<S extends z.ZodType>(text: string, schema: S, source: string): ParsedYaml<z.infer<S>> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [yamlError] = document.errors;
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new ConfigurationError(`expected valid YAML, found a syntax error: ${yamlError.message.split("\n")[0]}`, source, line);
  }
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
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message))
      throw new ConfigurationError(`expected YAML whose aliases expand to a reasonable size, found more than ${MAX_ALIAS_COUNT} alias expansions`, source);
    throw error;
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigurationError(`expected a mapping at the top level, found ${Array.isArray(data) ? "a list" : typeof data}`, source, 1);
  }
  const result = schema.safeParse(data) as z.ZodSafeParseResult<z.infer<S>>;
  if (result.success) return { value: result.data, raw: data };
  const { path, sentence } = describeZodError(result.error, data);
  // The deepest node that exists along the path is where the mistake is.
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = document.getIn(path.slice(0, depth) as (string | number)[], true);
    if (node && (isScalar(node) || isMap(node) || typeof node === "object") && "range" in (node as object)) {
      const range = (node as { range?: [number, number, number] }).range;
      if (range) throw new ConfigurationError(sentence, source, lineCounter.linePos(range[0]).line);
    }
  }
  throw new ConfigurationError(sentence, source);
}
