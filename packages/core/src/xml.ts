import { SaxesParser } from "saxes";
import { ConfigurationError, quoted } from "./errors.js";
import { detachString } from "./text/lines.js";

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>, line: number): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** A saxes parser's internal state (not part of its API; read, never written). */
const stateOf = (parser: SaxesParser): unknown => (parser as unknown as { state: unknown }).state;

let textState: unknown;
/**
 * saxes's state in an element's text, learned from saxes itself, so a release
 * that renumbers its states cannot fool the shortcut; NaN (equal to no state,
 * so the shortcut never applies) when saxes does not keep one that tells text
 * from a comment.
 */
function saxesTextState(): unknown {
  if (textState === undefined) {
    const probe = (text: string) => {
      const parser = new SaxesParser();
      parser.write(text);
      return stateOf(parser);
    };
    const inText = probe("<r>x");
    textState = typeof inText === "number" && inText !== probe("<r><!--") ? inText : Number.NaN;
  }
  return textState;
}

export interface XmlOptions {
  /**
   * Self-closing elements that may be read without saxes when they are
   * plain: on one line, attributes double-quoted without references, where
   * saxes stands in an element's text. They are nine in ten elements of a
   * coverage report (`<line …/>`), and saxes took 60-70 % of reading one.
   * The text before such an element may reach `text` after it (saxes hands
   * text over at the next markup it sees), and one attributes object is
   * reused for every element with the same names in the same order: for
   * readers that read the values at once and do not need the text around them.
   */
  plainElements?: readonly string[];
}

/** How many attribute layouts (names in order) one document's plain elements may teach the reader. */
const MAX_LAYOUTS = 16;

/**
 * The attribute names of a plain element, in order: a pattern that matches
 * an element with exactly these (and captures their values), and the one
 * object handed to the handlers for every element of the layout.
 */
class AttributeLayout {
  readonly pattern: RegExp;
  private readonly attributes: Record<string, string> = {};

  constructor(private readonly names: readonly string[]) {
    // Names are [A-Za-z_:][\w.:-]*, as the element's pattern found them: only "." needs escaping.
    this.pattern = new RegExp(`${names.map((name) => `[ \\t]+${name.replaceAll(".", "\\.")}="([^"<&\\n\\r]*)"`).join("")}[ \\t]*/>`, "y");
  }

  /** The layout's object with the values of `match` (a match of `pattern`: the values from index 1). */
  fill(match: readonly string[]): Record<string, string> {
    const { names, attributes } = this;
    for (let index = 0; index < names.length; index += 1) attributes[names[index] as string] = match[index + 1] as string;
    return attributes;
  }
}

/**
 * Streams XML into handlers. saxes never resolves DTDs or external entities,
 * so a report's `<!DOCTYPE ... "http://...">` cannot reach the network (XXE).
 */
export class XmlStream {
  private readonly parser = new SaxesParser({ position: true, xmlns: false });
  private started = false;
  /** Elements open in saxes: a plain element must be inside the root. */
  private depth = 0;
  /** The last character saxes was given is a carriage return. */
  private afterCarriageReturn = false;
  /** The text from a tag that the last chunk cut, to read with the next. */
  private carry = "";
  /**
   * Blank text before plain elements, not yet given to saxes: one write per
   * run of elements instead of one per element. Spaces, tabs and line feeds
   * only (no carriage return, which saxes holds back), which leave saxes in
   * an element's text where it was, and reach it before anything else does;
   * `deferredLines` of them are line feeds, for the elements' line numbers.
   */
  private deferred = "";
  private deferredLines = 0;
  /** The names of plain elements, and where one may start: a `<` followed by one of them and a blank or `/`. */
  private readonly plainNames: readonly string[] = [];
  private readonly plainStart?: RegExp;
  /** The rest of a plain element after its name: attributes, blanks, `/>`. */
  private readonly plainRest?: RegExp;
  /** Attribute layouts seen, by their names in order (at most MAX_LAYOUTS), the last one matched first. */
  private readonly layouts = new Map<string, AttributeLayout>();
  private lastLayout?: AttributeLayout;

  constructor(
    private readonly handlers: XmlHandlers,
    options: XmlOptions = {},
  ) {
    this.parser.on("opentag", (tag) => {
      this.depth += 1;
      handlers.open(tag.name, tag.attributes as Record<string, string>, this.parser.line);
    });
    this.parser.on("closetag", (tag) => {
      this.depth -= 1;
      handlers.close?.(tag.name);
    });
    if (handlers.text) {
      this.parser.on("text", handlers.text);
      // Stack traces are often wrapped in CDATA: the same text to a reader.
      this.parser.on("cdata", handlers.text);
    }
    // The first error ends the parse: saxes would go on through a damaged document, reporting every
    // later error too, which costs far more than reading a sound one.
    this.parser.on("error", (error: Error) => {
      throw new ConfigurationError(
        `expected well-formed XML, found an error: ${error.message.replace(/^(?:[^:\s]*:)?\d+:\d+: /, "")}`,
        undefined,
        this.parser.line,
      );
    });
    if (options.plainElements?.length) {
      const names = options.plainElements.join("|");
      this.plainNames = options.plainElements;
      // A lookahead: the match is the `<` alone, so `test` (which builds no match object) says where it is.
      this.plainStart = new RegExp(`<(?=(?:${names})[ \\t/])`, "g");
      this.plainRest = /(?:[ \t]+[A-Za-z_:][\w.:-]*="[^"<&\n\r]*")*[ \t]*\/>/y;
    }
  }

  write(chunk: string): void {
    if (!this.started) {
      const text = chunk.replace(/^\uFEFF/, "").trimStart();
      if (text === "") return;
      // A forced format on the wrong file: say so rather than report a parse error deep inside.
      if (!text.startsWith("<"))
        throw new ConfigurationError(
          `expected an XML document, found text starting with ${JSON.stringify(text.split(/\r?\n/, 1)[0]?.slice(0, 40))}`,
          undefined,
          1,
        );
      this.started = true;
    }
    if (!this.plainStart || !this.plainRest) {
      this.parser.write(chunk);
      return;
    }
    const text = this.carry ? this.carry + chunk : chunk;
    this.carry = "";
    let fed = 0;
    const start = this.plainStart;
    const rest = this.plainRest;
    start.lastIndex = 0;
    while (start.test(text)) {
      const lt = start.lastIndex - 1;
      const name = this.plainNameAt(text, lt + 1);
      const from = lt + 1 + name.length;
      // An element with a layout seen before is matched and its values captured by that layout's pattern.
      const known = this.matchLayout(text, from);
      let end: number;
      if (known) end = (this.lastLayout as AttributeLayout).pattern.lastIndex;
      else {
        rest.lastIndex = from;
        // Not plain (a reference, a line break, children…), or cut by the chunk's end: saxes reads it, or the next chunk.
        if (!rest.test(text)) continue;
        end = rest.lastIndex;
      }
      start.lastIndex = end;
      // What comes before goes to saxes first, in order (blank text may wait, see `deferred`); then saxes must stand in
      // an element's text (not in a comment, CDATA, a tag or a reference), or the element is not one and saxes reads it.
      // After a carriage return saxes waits to see whether a line feed follows: its line is not final yet.
      if (!this.defer(text, fed, lt)) this.feed(text.slice(fed, lt));
      fed = lt;
      if (!this.inElementText()) continue;
      const attributes = known ? (this.lastLayout as AttributeLayout).fill(known) : this.plainAttributes(text, from, end - 2);
      // A repeated attribute is an error saxes words.
      if (!attributes) continue;
      this.handlers.open(name, attributes, this.parser.line + this.deferredLines);
      this.handlers.close?.(name);
      fed = end;
    }
    // A tag cut by the chunk's end (a plain element, perhaps): read it whole with the next chunk.
    const lastTag = text.lastIndexOf("<");
    if (lastTag >= fed && text.length - lastTag < 4096 && text.indexOf(">", lastTag) === -1) {
      this.feed(text.slice(fed, lastTag));
      this.carry = text.slice(lastTag);
      return;
    }
    this.feed(text.slice(fed));
  }

  /** The plain element name at `at`, where the start pattern found one: the name followed by a blank or `/` (one only). */
  private plainNameAt(text: string, at: number): string {
    const names = this.plainNames;
    if (names.length === 1) return names[0] as string;
    for (const name of names) {
      const next = text.charCodeAt(at + name.length);
      if ((next === 0x20 || next === 0x09 || next === 0x2f) && text.startsWith(name, at)) return name;
    }
    return "";
  }

  /** saxes stands in an element's text, inside the root, with no carriage return pending. */
  private inElementText(): boolean {
    return stateOf(this.parser) === saxesTextState() && this.depth > 0 && !this.afterCarriageReturn;
  }

  /** Keeps `text[from, to)` back from saxes when it is blank (see `deferred`). */
  private defer(text: string, from: number, to: number): boolean {
    let lines = 0;
    for (let at = from; at < to; at += 1) {
      const code = text.charCodeAt(at);
      if (code === 10) lines += 1;
      else if (code !== 32 && code !== 9) return false;
    }
    if (to > from) this.deferred += text.slice(from, to);
    this.deferredLines += lines;
    return true;
  }

  private feed(text: string): void {
    if (this.deferred) {
      this.parser.write(this.deferred);
      this.deferred = "";
      this.deferredLines = 0;
    }
    if (text.length === 0) return;
    this.parser.write(text);
    this.afterCarriageReturn = text.charCodeAt(text.length - 1) === 13;
  }

  /** The last matched layout's pattern, then the others', at `from`: the values captured by the one that matches, which becomes `lastLayout`. */
  private matchLayout(text: string, from: number): RegExpExecArray | null {
    const last = this.lastLayout;
    if (last) {
      last.pattern.lastIndex = from;
      const match = last.pattern.exec(text);
      if (match) return match;
    }
    for (const layout of this.layouts.values()) {
      if (layout === last) continue;
      layout.pattern.lastIndex = from;
      const match = layout.pattern.exec(text);
      if (match) {
        this.lastLayout = layout;
        return match;
      }
    }
    return null;
  }

  /**
   * A plain element's attributes cut up one by one (the element's pattern has
   * checked their grammar), for a layout not seen yet, which is learned; or
   * undefined when a name is repeated (an error saxes words) or `__proto__`.
   */
  private plainAttributes(text: string, from: number, to: number): Record<string, string> | undefined {
    const names: string[] = [];
    const values: string[] = [];
    for (let at = from; ; ) {
      while (at < to && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at += 1;
      if (at >= to) break;
      const equals = text.indexOf('="', at);
      const close = text.indexOf('"', equals + 2);
      names.push(text.slice(at, equals));
      values.push(text.slice(equals + 2, close));
      at = close + 1;
    }
    if (names.includes("__proto__") || new Set(names).size !== names.length) return undefined;
    const key = names.join(" ");
    let layout = this.layouts.get(key);
    if (!layout) {
      // A document of ever new layouts (no coverage tool writes one) teaches the first few; the rest are cut up each time.
      if (this.layouts.size >= MAX_LAYOUTS) return Object.fromEntries(names.map((name, index) => [name, values[index] as string]));
      layout = new AttributeLayout(names.map(detachString));
      this.layouts.set(detachString(key), layout);
    }
    this.lastLayout = layout;
    return layout.fill(["", ...values]);
  }

  end(): void {
    try {
      this.feed(this.carry);
      this.carry = "";
      this.parser.close();
    } catch (error) {
      if (error instanceof ConfigurationError && /unclosed|unexpected end/i.test(error.detail))
        throw new ConfigurationError(`expected a complete XML document, found one that ends early (truncated?): ${error.detail}`, undefined, error.line);
      throw error;
    }
  }
}

/**
 * A non-negative integer attribute, `raw` being its value (`attributes.nr`), named in the error when it is not one.
 * The value is read at the call site: `attributes[name]` with a different name at each call made V8 look every one up
 * in a shared cache (JaCoCo's five integers a line: 2.14 → 2.0 s for 118 MiB).
 */
export function integerAttribute(raw: string | undefined, name: string, element: string, line: number): number {
  const value = Number(raw);
  if (raw === undefined || raw === "" || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw new ConfigurationError(
      `expected <${element} ${name}="…"> to be a non-negative number, found ${raw === undefined ? "no such attribute" : quoted(raw)}`,
      undefined,
      line,
    );
  }
  return Math.trunc(value);
}
