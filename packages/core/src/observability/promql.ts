import type { SyntaxNode } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import { quoted } from "../errors.js";

export type MatchOperator = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  label: string;
  op: MatchOperator;
  value: string;
}

/** A series selector as a query reads it: the metric, its label matchers, the range when it is a range vector, the function applied to it. */
export interface Selector {
  metric: string | undefined;
  /** The matchers besides the metric name. */
  matchers: LabelMatcher[];
  /** The range as written (`5m`), or the dashboard variable it came from (`$__rate_interval`). */
  range?: string;
  /** The range in milliseconds, when it is a duration. */
  rangeMs?: number;
  /** The function applied directly to it (`rate` for `rate(x[5m])`). */
  call?: string;
}

/** A comparison with a constant: `ratio > 14.4 * 0.001`. */
export interface Comparison {
  op: ">" | ">=" | "<" | "<=" | "==" | "!=";
  /** The non-constant side's selectors. */
  selectors: Selector[];
  /** The constant side's value. */
  threshold: number;
  /** When the constant was written as a product of two numbers (`14.4 * 0.001`), the two. */
  factors?: readonly [number, number];
  /** Where the comparison is in the (substituted) text, so callers can tell comparisons apart. */
  from: number;
}

/** Two comparisons joined by `and`: the shape of a multi-window burn-rate condition. */
export interface Conjunction {
  left: Comparison[];
  right: Comparison[];
}

/** How a query's text is turned into PromQL first: Grafana's variables, Sloth's `{{.window}}`. */
export type PromqlDialect = "prometheus" | "grafana" | "sloth";

const COMPARISON_OPS: Record<string, Comparison["op"]> = { Gtr: ">", Gte: ">=", Lss: "<", Lte: "<=", Eql: "==", Neq: "!=" };
const FLIPPED: Record<Comparison["op"], Comparison["op"]> = { ">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!=" };
const MATCH_OPS: Record<string, MatchOperator> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A PromQL duration (`5m`, `1h30m`, `300` seconds) in milliseconds; undefined when it is none. */
export function promDurationMs(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * (DURATION_UNITS_MS[unit as string] as number);
  return total;
}

/** A duration as PromQL and the rules write it: `5m`, `1h`, `3d`, `1h30m`. */
export function formatPromDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || "0s";
}

/** `"a\"b"`, `'a'` and `` `a` `` as their text. */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === "`") return body;
  if (quote === '"') {
    try {
      return JSON.parse(literal) as string;
    } catch {
      return body;
    }
  }
  return body.replace(/\\(.)/g, "$1");
}

/** Where a variable stands: a duration position (`[$__rate_interval]`, `offset $x`) takes a duration, anywhere else a name. */
function inDurationPosition(text: string, index: number): boolean {
  const before = text.slice(0, index).trimEnd();
  return before.endsWith("[") || (before.endsWith(":") && before.lastIndexOf("[") > before.lastIndexOf("]")) || /\boffset$/i.test(before);
}

interface Substituted {
  text: string;
  /** Placeholder → what it stood for. */
  placeholders: Map<string, string>;
}

/**
 * Grafana's `$__rate_interval`, `$var`, `${var}`, `[[var]]` and Sloth's
 * `{{.window}}` are not PromQL: each is replaced (outside string literals)
 * by a placeholder the grammar accepts, a duration or a name by position,
 * and remembered, so a range can still be read as the variable it was.
 */
function substitute(text: string, dialect: PromqlDialect): Substituted {
  const placeholders = new Map<string, string>();
  if (dialect === "prometheus") return { text, placeholders };
  const variable = dialect === "grafana" ? "\\$\\{[^}\\n]*\\}|\\$\\w+|\\[\\[\\w+(?::\\w+)?\\]\\]" : "\\{\\{\\s*\\.window\\s*\\}\\}";
  // Quotes and variables in one scan: a variable inside a string literal (a label value) stays as it is.
  const tokens = new RegExp(`["'\`]|${variable}`, "g");
  let out = "";
  let last = 0;
  for (let match = tokens.exec(text); match; match = tokens.exec(text)) {
    const token = match[0];
    if (token.length === 1) {
      // Skip to the closing quote (backslash escapes, except in raw backtick strings).
      let end = match.index + 1;
      while (end < text.length && text[end] !== token) end += token !== "`" && text[end] === "\\" ? 2 : 1;
      tokens.lastIndex = end + 1;
      continue;
    }
    // `[[var]]` only counts where a name stands, not as a range's brackets.
    if (token.startsWith("[[") && inDurationPosition(text, match.index)) continue;
    const duration = dialect === "sloth" || inDurationPosition(text, match.index);
    const placeholder = duration ? `${1_000_000 + placeholders.size}ms` : `grafana_variable_${placeholders.size}`;
    placeholders.set(placeholder, token);
    out += text.slice(last, match.index) + placeholder;
    last = match.index + token.length;
  }
  return { text: out + text.slice(last), placeholders };
}

/** A syntax error: where (0-based offset in the query) and one sentence. */
export interface PromqlError {
  offset: number;
  message: string;
}

/**
 * A PromQL query parsed with Prometheus's own grammar (lezer-promql, which
 * the Prometheus UI uses), and what the gate reads from it: the selectors,
 * the comparisons with constants, the `and` conjunctions.
 */
export class PromqlQuery {
  readonly error: PromqlError | undefined;
  private readonly top: SyntaxNode;
  private readonly text: string;
  private readonly placeholders: Map<string, string>;
  private readonly vectorSelectors: SyntaxNode[] = [];
  private readonly binaryExprs: SyntaxNode[] = [];
  private readonly functionNames: string[] = [];
  private selectorCache?: Selector[];
  // Derived once: the burn-rate checks ask every alert for these, some of them several times.
  private metricCache?: readonly string[];
  /** Each binary expression's comparison with a constant, if it is one: the conjunctions ask again for those inside each side. */
  private comparisonByExpr?: readonly (Comparison | undefined)[];
  private comparisonCache?: readonly Comparison[];
  private conjunctionCache?: readonly Conjunction[];

  constructor(
    readonly source: string,
    dialect: PromqlDialect = "prometheus",
  ) {
    const substituted = substitute(source, dialect);
    this.text = substituted.text;
    this.placeholders = substituted.placeholders;
    this.top = parser.parse(this.text).topNode;
    // One walk of the tree collects every node the questions below ask about.
    let errorAt: number | undefined;
    this.top.cursor().iterate((node) => {
      if (node.type.isError) errorAt ??= node.from;
      else if (node.type.name === "VectorSelector") this.vectorSelectors.push(node.node);
      else if (node.type.name === "BinaryExpr") this.binaryExprs.push(node.node);
      else if (node.type.name === "FunctionIdentifier") this.functionNames.push(this.slice(node.node));
    });
    this.error = this.describeError(errorAt);
  }

  private describeError(errorAt: number | undefined): PromqlError | undefined {
    if (this.text.trim() === "") return { offset: 0, message: "expected a PromQL expression, found an empty one" };
    let offset = errorAt;
    if (offset === undefined) return undefined;
    // An error at the very end is where the text ends, not after its trailing newline.
    offset = Math.min(offset, this.text.trimEnd().length);
    const near = this.text.slice(offset, offset + 24).trim();
    const before = this.text.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - before.lastIndexOf("\n");
    const where = line > 1 ? `line ${line} of the expression, column ${column}` : `column ${column}`;
    return {
      offset,
      message: near
        ? `expected valid PromQL, found a syntax error at ${where}, near ${quoted(near, 24)}`
        : `expected valid PromQL, found it ends too early (${where})`,
    };
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** A range as written: the duration, or the dashboard variable its placeholder stands for. */
  private range(node: SyntaxNode | null): { range?: string; rangeMs?: number } {
    if (!node) return {};
    const text = this.slice(node).trim();
    const variable = this.placeholders.get(text);
    if (variable) return { range: variable };
    return { range: text, rangeMs: promDurationMs(text) };
  }

  /**
   * Where the collected nodes that lie within `node` stand in `nodes`. The
   * walk collected them in document order, so they start from the first that
   * starts at `node`: found by halving, not by filtering them all (an `and`
   * chain asks this of each link, and a 22 KB chain of 185 took 1.6 s).
   */
  private indicesWithin(nodes: readonly SyntaxNode[], node: SyntaxNode): number[] {
    let low = 0;
    let high = nodes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((nodes[middle] as SyntaxNode).from < node.from) low = middle + 1;
      else high = middle;
    }
    const inside: number[] = [];
    for (let index = low; index < nodes.length && (nodes[index] as SyntaxNode).from <= node.to; index += 1)
      if ((nodes[index] as SyntaxNode).to <= node.to) inside.push(index);
    return inside;
  }

  private selectorAt(node: SyntaxNode): Selector {
    let metric: string | undefined;
    const matchers: LabelMatcher[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.type.name === "Identifier") metric = this.slice(child);
      if (child.type.name !== "LabelMatchers") continue;
      for (let matcher = child.firstChild; matcher; matcher = matcher.nextSibling) {
        // `{"http.server.request.duration"}`: a quoted name alone is the (UTF-8) metric name.
        if (matcher.type.name === "QuotedLabelName") {
          const literal = matcher.getChild("StringLiteral");
          if (literal) metric = unquote(this.slice(literal));
          continue;
        }
        const name = matcher.getChild("LabelName") ?? matcher.getChild("QuotedLabelName");
        const op = matcher.getChild("MatchOp")?.firstChild?.type.name;
        const value = matcher.lastChild?.type.name === "StringLiteral" ? matcher.lastChild : null;
        if (!name || !op || !value) continue;
        const label = name.type.name === "QuotedLabelName" ? unquote(this.slice(name.getChild("StringLiteral") ?? name)) : this.slice(name);
        const text = unquote(this.slice(value));
        if (label === "__name__" && op === "EqlSingle") metric = text;
        else matchers.push({ label, op: MATCH_OPS[op] ?? "=", value: text });
      }
    }
    const parent = node.parent;
    const ranged = parent && (parent.type.name === "MatrixSelector" || parent.type.name === "SubqueryExpr") ? parent : undefined;
    const range = ranged ? this.range(ranged.getChild("DurationExpr")) : {};
    let outer = ranged ?? node;
    while (outer.parent?.type.name === "ParenExpr") outer = outer.parent;
    const call = outer.parent?.type.name === "FunctionCallBody" ? outer.parent.parent?.getChild("FunctionIdentifier") : undefined;
    return { metric, matchers, ...range, ...(call ? { call: this.slice(call) } : {}) };
  }

  /** Every selector of the query, in order. */
  selectors(): Selector[] {
    this.selectorCache ??= this.vectorSelectors.map((node) => this.selectorAt(node));
    return this.selectorCache;
  }

  /** The metrics the query reads, each once. */
  metrics(): readonly string[] {
    this.metricCache ??= [...new Set(this.selectors().flatMap((selector) => (selector.metric ? [selector.metric] : [])))];
    return this.metricCache;
  }

  /** Selectors within a part of the tree. */
  private selectorsIn(node: SyntaxNode): Selector[] {
    const selectors = this.selectors();
    return this.indicesWithin(this.vectorSelectors, node).map((index) => selectors[index] as Selector);
  }

  /** The value of a constant expression (`14.4 * 0.001`, `(1 - 0.999)`); undefined when it reads series. */
  private constant(node: SyntaxNode): number | undefined {
    switch (node.type.name) {
      case "NumberDurationLiteral": {
        const text = this.slice(node).toLowerCase();
        if (text === "inf") return Number.POSITIVE_INFINITY;
        if (text === "nan") return Number.NaN;
        const number = Number(text);
        if (!Number.isNaN(number)) return number;
        // PromQL reads a duration where a number stands as its seconds.
        const ms = promDurationMs(text);
        return ms === undefined ? undefined : ms / 1000;
      }
      case "ParenExpr":
        return node.firstChild ? this.constant(node.firstChild) : undefined;
      case "UnaryExpr": {
        const value = node.lastChild ? this.constant(node.lastChild) : undefined;
        return value === undefined ? undefined : this.slice(node).trimStart().startsWith("-") ? -value : value;
      }
      case "BinaryExpr": {
        const [left, op, right] = [node.firstChild, node.firstChild?.nextSibling, node.lastChild];
        if (!left || !op || !right) return undefined;
        const a = this.constant(left);
        const b = a === undefined ? undefined : this.constant(right);
        if (a === undefined || b === undefined) return undefined;
        const arithmetic: Record<string, (x: number, y: number) => number> = {
          Add: (x, y) => x + y,
          Sub: (x, y) => x - y,
          Mul: (x, y) => x * y,
          Div: (x, y) => x / y,
          Mod: (x, y) => x % y,
          Pow: (x, y) => x ** y,
        };
        return arithmetic[op.type.name]?.(a, b);
      }
      default:
        return undefined;
    }
  }

  /** The two numbers of a constant written as a product, `14.4 * 0.001`. */
  private factors(node: SyntaxNode): readonly [number, number] | undefined {
    let inner: SyntaxNode | null = node;
    while (inner?.type.name === "ParenExpr") inner = inner.firstChild;
    if (inner?.type.name !== "BinaryExpr" || inner.firstChild?.nextSibling?.type.name !== "Mul") return undefined;
    const [a, b] = [inner.firstChild ? this.constant(inner.firstChild) : undefined, inner.lastChild ? this.constant(inner.lastChild) : undefined];
    return a === undefined || b === undefined ? undefined : [a, b];
  }

  private comparisonAt(node: SyntaxNode): Comparison | undefined {
    const [left, opNode, right] = [node.firstChild, node.firstChild?.nextSibling, node.lastChild];
    const op = opNode ? COMPARISON_OPS[opNode.type.name] : undefined;
    // `x > bool 1` is arithmetic, not a filter.
    if (!left || !right || !op || node.getChild("BoolModifier")) return undefined;
    const rightValue = this.constant(right);
    const leftValue = this.constant(left);
    if (rightValue !== undefined && leftValue === undefined)
      return { op, selectors: this.selectorsIn(left), threshold: rightValue, factors: this.factors(right), from: node.from };
    if (leftValue !== undefined && rightValue === undefined)
      return { op: FLIPPED[op], selectors: this.selectorsIn(right), threshold: leftValue, factors: this.factors(left), from: node.from };
    return undefined;
  }

  private comparisonsByExpr(): readonly (Comparison | undefined)[] {
    this.comparisonByExpr ??= this.binaryExprs.map((node) => this.comparisonAt(node));
    return this.comparisonByExpr;
  }

  /** Every comparison of series with a constant, in order. */
  comparisons(): readonly Comparison[] {
    this.comparisonCache ??= this.comparisonsByExpr().filter((comparison) => comparison !== undefined);
    return this.comparisonCache;
  }

  private comparisonsIn(node: SyntaxNode): Comparison[] {
    const byExpr = this.comparisonsByExpr();
    return this.indicesWithin(this.binaryExprs, node).flatMap((index) => byExpr[index] ?? []);
  }

  /** Every `a and b` with the comparisons on each side. */
  conjunctions(): readonly Conjunction[] {
    this.conjunctionCache ??= this.binaryExprs
      .filter((node) => node.firstChild?.nextSibling?.type.name === "And")
      .map((node) => ({ left: this.comparisonsIn(node.firstChild as SyntaxNode), right: this.comparisonsIn(node.lastChild as SyntaxNode) }));
    return this.conjunctionCache;
  }

  /** Whether the query divides one series by another (a ratio, whose unit is not its operands'). */
  dividesSeries(): boolean {
    return this.binaryExprs.some(
      (node) =>
        node.firstChild?.nextSibling?.type.name === "Div" &&
        node.firstChild &&
        node.lastChild &&
        this.constant(node.firstChild) === undefined &&
        this.constant(node.lastChild) === undefined,
    );
  }

  /** Names of the functions the query calls (`histogram_quantile`, `rate`…), each once. */
  functions(): string[] {
    return [...new Set(this.functionNames)];
  }
}
