import { LineCounter, parseAllDocuments } from "yaml";
import { guardDepth, ParsedYamlDocument, syntaxError, type YamlDocument, YamlDocumentBase } from "./yaml.js";
import { type NodeFrame, pairNodes, readPlainYaml, unwrap } from "./yaml-plain.js";

/**
 * Every document of a YAML stream (`---`-separated, as Kubernetes manifests
 * are), each checked as `parseYamlMapping` checks one: syntax, forbidden
 * keys, alias expansion, depth. Empty documents are left out.
 *
 * Read with js-yaml, six times faster than the `yaml` library on rule files
 * (1.6 s against 0.25 s for 14 MB), its parse events giving each node's
 * line. A stream js-yaml refuses, or one it would read differently (anchors
 * and aliases among them), is read by the `yaml` library instead, for its
 * messages and its bound on aliases.
 */
export function parseYamlDocuments(text: string, source: string): YamlDocument[] {
  return guardDepth(source, () => {
    const plain = readPlainYaml(text);
    if (plain)
      return plain.values.flatMap((value, index) => {
        if (value === undefined || value === null) return [];
        const lines = new Map<string, number>();
        indexLines(plain.roots[index], "", 0, lines, text);
        return [new IndexedYamlDocument(value, lines, source)];
      });
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
    // A stream with no document (only comments, or nothing) may still carry errors.
    if ("empty" in documents) {
      const [error] = documents.errors;
      if (error) throw syntaxError(error, lineCounter, source);
      return [];
    }
    return documents
      .map((document) => new ParsedYamlDocument(document, lineCounter, source))
      .filter((document) => document.value !== undefined && document.value !== null);
  });
}

/** How deep lines are kept: enough for a rule's expression in a PrometheusRule (spec.groups[i].rules[j].expr); deeper paths take their ancestor's line. */
const MAX_LINE_DEPTH = 8;

/** A key path as the line index keys it. */
const pathKey = (path: readonly PropertyKey[]) => path.map(String).join("\u0001");

/** Each node's line by its key path (the keys were checked by `readPlainYaml`). */
function indexLines(frame: NodeFrame | undefined, key: string, depth: number, lines: Map<string, number>, text: string): void {
  if (!frame || depth > MAX_LINE_DEPTH) return;
  // A block scalar's text starts on the line after its `|` or `>`.
  const indicator = frame.kind === "scalar" && /^[ \t]*[|>]/.test(text.slice(frame.position, frame.position + 16));
  lines.set(key, indicator ? -frame.line : frame.line);
  const child = (segment: string) => (depth === 0 ? segment : `${key}\u0001${segment}`);
  const node = unwrap(frame);
  if (node.kind === "mapping") {
    const nodes = pairNodes(node);
    for (let index = 0; index + 1 < nodes.length; index += 2)
      indexLines(nodes[index + 1], child(String((nodes[index] as NodeFrame).result)), depth + 1, lines, text);
  } else if (node.kind === "sequence") for (const [index, item] of node.children.entries()) indexLines(item, child(String(index)), depth + 1, lines, text);
}

/** A document js-yaml read, with the lines its events gave (negative for block scalars, whose text starts a line later). */
class IndexedYamlDocument extends YamlDocumentBase {
  constructor(
    readonly value: unknown,
    private readonly lines: ReadonlyMap<string, number>,
    readonly source: string,
  ) {
    super();
  }

  lineOf(path: readonly PropertyKey[]): number | undefined {
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const line = this.lines.get(pathKey(path.slice(0, depth)));
      if (line !== undefined) return Math.abs(line);
    }
    return undefined;
  }

  textLineOf(path: readonly PropertyKey[]): number | undefined {
    const line = this.lines.get(pathKey(path));
    return line === undefined ? this.lineOf(path) : line < 0 ? -line + 1 : line;
  }
}
