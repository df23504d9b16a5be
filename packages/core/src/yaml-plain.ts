import { FAILSAFE_SCHEMA, loadAll, Type } from "js-yaml";
import type { z } from "zod";
import { FORBIDDEN_KEYS, isStackOverflow } from "./validation.js";
import type { ParsedYaml } from "./yaml.js";

// js-yaml reads YAML several times faster than the `yaml` library and is
// less than half its size, but gives no node ranges, resolves some plain
// scalars its own way and reads some text YAML forbids. Readers use it where
// it gives the value the `yaml` library would, and leave the rest (and every
// error message) to that library; a property test holds the two to that.

/** A plain scalar's type by the YAML 1.2 core schema's own patterns, as the `yaml` library resolves them. */
function plainScalar(tag: string, pattern: RegExp, construct: (text: string) => unknown): Type {
  return new Type(`tag:yaml.org,2002:${tag}`, { kind: "scalar", resolve: (text: string | null) => pattern.test(text ?? ""), construct });
}

/**
 * YAML 1.2's core schema exactly: js-yaml's own CORE_SCHEMA also reads
 * `1_000`, `0b101` and `-0x1A` as numbers and `-.5` as a string, where the
 * `yaml` library (and the spec) read strings and a number.
 */
const CORE_1_2 = FAILSAFE_SCHEMA.extend({
  implicit: [
    plainScalar("null", /^(?:~|[Nn]ull|NULL)?$/, () => null),
    plainScalar("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (text) => text[0] === "t" || text[0] === "T"),
    plainScalar("int", /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (text) =>
      text.startsWith("0o") ? Number.parseInt(text.slice(2), 8) : text.startsWith("0x") ? Number.parseInt(text.slice(2), 16) : Number.parseInt(text, 10),
    ),
    plainScalar(
      "float",
      /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      (text) => {
        if (/nan$/i.test(text)) return Number.NaN;
        if (/inf$/i.test(text)) return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        return Number.parseFloat(text);
      },
    ),
  ],
});

/**
 * Text left to the `yaml` library: anchors or aliases (it bounds how far
 * aliases expand), tags (the two apply `!!float` or `!!str` differently;
 * PromQL's `!=` and `!~` are no tags), directives (`%YAML 1.1` changes how
 * scalars are read), a block scalar that is the whole document (js-yaml
 * keeps a line feed `|-` strips), tabs in a line's indentation (YAML forbids
 * them; js-yaml skips some) and carriage returns that end lines alone
 * (columns count line feeds).
 */
const LEFT_TO_YAML_LIBRARY = /(^|[\s[{,:-])([&*][^\s,[\]{}]|!(?![=~]))|^[%|>]|^ *\t[ \t]*\S|\r(?!\n)/m;

/** YAML bounds an implicit key to 1024 characters up to its `:`; js-yaml reads longer ones. */
const MAX_KEY_CHARACTERS = 1000;

/** A node as js-yaml's parse events show it: where it starts, what it holds. */
export interface NodeFrame {
  line: number;
  position: number;
  /** Where js-yaml stood when the node was read: for a key, its `:`. */
  end?: number;
  kind?: string | null;
  result?: unknown;
  children: NodeFrame[];
}

/** Each document's value and its nodes. */
export interface PlainYaml {
  values: unknown[];
  roots: NodeFrame[];
}

/**
 * The documents of `text` as js-yaml reads them with YAML 1.2's core schema,
 * with every node's line; undefined where only the `yaml` library reads the
 * text as YAML says (LEFT_TO_YAML_LIBRARY, hasPlainStructure), where js-yaml
 * refuses it, or where the `yaml` library's error would name a line (a key
 * that reaches an object's prototype).
 */
export function readPlainYaml(text: string): PlainYaml | undefined {
  if (LEFT_TO_YAML_LIBRARY.test(text)) return undefined;
  const roots: NodeFrame[] = [];
  const stack: NodeFrame[] = [];
  let values: unknown[];
  try {
    values = loadAll(text, undefined, {
      schema: CORE_1_2,
      listener(event, state) {
        if (event === "open") {
          const frame: NodeFrame = { line: state.line + 1, position: state.position, children: [] };
          (stack.at(-1)?.children ?? roots).push(frame);
          stack.push(frame);
        } else {
          const frame = stack.pop() as NodeFrame;
          frame.kind = state.kind;
          frame.result = state.result;
          frame.end = state.position;
        }
      },
    });
  } catch {
    // Whatever js-yaml refuses, a document too deep for it included, the `yaml` library reads or explains.
    return undefined;
  }
  return roots.length === values.length && roots.every((root) => hasPlainStructure(root, text, -1)) ? { values, roots } : undefined;
}

/**
 * The node that holds `frame`'s items: js-yaml wraps some nodes in another of
 * the same value (an explicit key, a flow collection that is a block
 * sequence's item).
 */
export function unwrap(frame: NodeFrame): NodeFrame {
  let node = frame;
  while (node.children.length === 1 && (node.children[0] as NodeFrame).result === node.result) node = node.children[0] as NodeFrame;
  return node;
}

/** A mapping's key and value nodes, in turn: js-yaml ends a block mapping before `---` with an empty node that is no value. */
export function pairNodes(mapping: NodeFrame): NodeFrame[] {
  const nodes = mapping.children;
  const last = nodes.at(-1);
  return nodes.length % 2 === 1 && last && last.result === null && last.children.length === 0 ? nodes.slice(0, -1) : nodes;
}

/**
 * Every collection below `frame` has one node per item (two per pair: js-yaml
 * gives no node to the missing value of `{a, b: 2}` nor to the one-pair
 * mapping of `[a: 1]`, so lines could not be told apart), and every mapping
 * key is a string, number or boolean, short enough for YAML, that does not
 * reach the prototype; and no quoted scalar or flow collection is read more
 * loosely by js-yaml than YAML allows (isLooseFlow). `owner` is the column of
 * the block entry the node belongs to (-1 for a document).
 */
function hasPlainStructure(frame: NodeFrame, text: string, owner: number): boolean {
  const node = unwrap(frame);
  const start = firstContent(text, node.position);
  if (isLooseFlow(node, text, start, owner)) return false;
  const block = text[start] !== "[" && text[start] !== "{";
  if (node.kind === "sequence") {
    const itemOwner = block ? columnOf(text, start) : owner;
    return node.children.length === (node.result as unknown[]).length && node.children.every((item) => hasPlainStructure(item, text, itemOwner));
  }
  if (node.kind !== "mapping") return true;
  const nodes = pairNodes(node);
  if (nodes.length !== 2 * Object.keys(node.result as object).length) return false;
  for (let index = 0; index < nodes.length; index += 2) {
    // js-yaml closes a quoted key only after its value, so a long value can make it look long: declined, it only costs speed.
    const { result: key, position, end = position } = nodes[index] as NodeFrame;
    if (key === null || typeof key === "object" || FORBIDDEN_KEYS.has(String(key)) || end - position > MAX_KEY_CHARACTERS) return false;
    const valueOwner = block ? columnOf(text, firstContent(text, position)) : owner;
    if (!hasPlainStructure(nodes[index + 1] as NodeFrame, text, valueOwner)) return false;
  }
  return true;
}

/**
 * A quoted scalar or flow collection whose further lines are not indented
 * beyond its owner's column (YAML requires it, js-yaml does not check), or
 * that a comment follows without a blank (YAML forbids it, js-yaml reads it
 * as a comment).
 */
function isLooseFlow(node: NodeFrame, text: string, start: number, owner: number): boolean {
  const opening = text[start];
  // A block mapping may start with a quoted key: only a scalar is quoted, only a collection is in brackets.
  const flow = node.kind === "scalar" ? opening === '"' || opening === "'" : opening === "[" || opening === "{";
  if (!flow) return false;
  const end = node.end ?? start;
  if (text[end] === "#") return true;
  for (let lineEnd = text.indexOf("\n", start); lineEnd !== -1 && lineEnd < end; lineEnd = text.indexOf("\n", lineEnd + 1)) {
    let column = 0;
    while (text[lineEnd + 1 + column] === " ") column += 1;
    const next = text[lineEnd + 1 + column];
    if (next !== "\n" && next !== "\r" && next !== undefined && column <= owner) return true;
  }
  return false;
}

/** The column of a position: how far it is from its line's start. */
const columnOf = (text: string, position: number) => position - (text.lastIndexOf("\n", position - 1) + 1);

/** Where a node's own text starts: js-yaml opens it before the blanks and comments that precede it. */
function firstContent(text: string, from: number): number {
  let at = from;
  for (;;) {
    const char = text[at];
    if (char === " " || char === "\t" || char === "\r" || char === "\n") at += 1;
    else if (char === "#") {
      const lineEnd = text.indexOf("\n", at);
      if (lineEnd === -1) return text.length;
      at = lineEnd;
    } else return at;
  }
}

/**
 * `parseYamlMapping` as the gates call it: a mapping that js-yaml reads as
 * the `yaml` library would and that is valid is taken as it is, so the `yaml`
 * library (98 KB of startup code) loads only to read what js-yaml cannot and
 * to name the line of an error. Same values, same errors.
 */
export async function readYamlMapping<S extends z.ZodType>(text: string, schema: S, source: string): Promise<ParsedYaml<z.infer<S>>> {
  const plain = readPlainYaml(text);
  // An empty document is an empty mapping, as parseYamlMapping reads it; anything else but one mapping is its to refuse.
  const data = plain && plain.values.length <= 1 ? (plain.values[0] ?? {}) : undefined;
  if (data && typeof data === "object" && !Array.isArray(data)) {
    try {
      const result = schema.safeParse(data);
      if (result.success) return { value: result.data, raw: data };
    } catch (error) {
      if (!isStackOverflow(error)) throw error;
    }
  }
  const { parseYamlMapping } = await import("./yaml.js");
  return parseYamlMapping(text, schema, source);
}
