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
   * text over at the next markup it sees), and its attributes object is
   * reused for the next element with the same names: for readers that read
   * the values at once and do not need the text around them.
   */
  plainElements?: readonly string[];
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
  /** The last plain element's attribute names in order, its attributes, and every name seen, each one string (`plainAttributes`). */
  private readonly attributeNames: string[] = [];
  private lastAttributes?: Record<string, string>;
  private readonly attributeValues: string[] = [];
  private readonly internedNames = new Map<string, string>();

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
      rest.lastIndex = lt + 1 + name.length;
      // Not plain (a reference, a line break, children…), or cut by the chunk's end: saxes reads it, or the next chunk.
      if (!rest.test(text)) continue;
      const end = rest.lastIndex;
      start.lastIndex = end;
      // What comes before goes to saxes first, in order (blank text may wait, see `deferred`); then saxes must stand in
      // an element's text (not in a comment, CDATA, a tag or a reference), or the element is not one and saxes reads it.
      // After a carriage return saxes waits to see whether a line feed follows: its line is not final yet.
      if (!this.defer(text, fed, lt)) this.feed(text.slice(fed, lt));
      fed = lt;
      if (!this.inElementText()) continue;
      const attributes = this.plainAttributes(text, lt + 1 + name.length, end - 2);
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

  /**
   * A plain element's attributes, or undefined when one is repeated. Names
   * come in the same order element after element: each is compared with the
   * name last seen at its place, and when all are the same the last object is
   * given again with the new values (no new object, no new keys: building one
   * object per element was most of the time of reading a plain element).
   */
  private plainAttributes(text: string, from: number, to: number): Record<string, string> | undefined {
    const values = this.attributeValues;
    let count = 0;
    let sameNames = true;
    // The element's pattern has checked the grammar (blanks, name="value", …): here it is only cut up.
    for (let at = from; ; count += 1) {
      while (at < to && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x09)) at += 1;
      if (at >= to) break;
      // The name last seen at this place, followed by "=": the same name, compared without cutting it out.
      const known = this.attributeNames[count];
      let equals: number;
      if (known !== undefined && text.startsWith(known, at) && text.charCodeAt(at + known.length) === 61) equals = at + known.length;
      else {
        equals = text.indexOf('="', at);
        const name = text.slice(at, equals);
        sameNames = false;
        let interned = this.internedNames.get(name);
        if (interned === undefined) this.internedNames.set((interned = detachString(name)), interned);
        this.attributeNames[count] = interned;
      }
      const close = text.indexOf('"', equals + 2);
      values[count] = text.slice(equals + 2, close);
      at = close + 1;
    }
    const names = this.attributeNames;
    if (sameNames && count === names.length && this.lastAttributes) {
      const attributes = this.lastAttributes;
      for (let index = 0; index < count; index += 1) attributes[names[index] as string] = values[index] as string;
      return attributes;
    }
    // Other names: a new object, checked for repeats.
    const attributes: Record<string, string> = {};
    for (let index = 0; index < count; index += 1) {
      const name = names[index] as string;
      if (name === "__proto__" || Object.hasOwn(attributes, name)) {
        names.length = 0;
        this.lastAttributes = undefined;
        return undefined;
      }
      attributes[name] = values[index] as string;
    }
    names.length = count;
    this.lastAttributes = attributes;
    return attributes;
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
