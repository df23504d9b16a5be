import { SaxesParser } from "saxes";
import { ConfigurationError, quoted } from "./errors.js";

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>, line: number): void;
  close?(name: string): void;
  text?(text: string): void;
}

/**
 * Streams XML into handlers. saxes never resolves DTDs or external entities,
 * so a report's `<!DOCTYPE ... "http://...">` cannot reach the network (XXE).
 */
export class XmlStream {
  private readonly parser = new SaxesParser({ position: true, xmlns: false });
  private started = false;

  constructor(handlers: XmlHandlers) {
    this.parser.on("opentag", (tag) => handlers.open(tag.name, tag.attributes as Record<string, string>, this.parser.line));
    if (handlers.close) {
      const close = handlers.close;
      this.parser.on("closetag", (tag) => close(tag.name));
    }
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
    this.parser.write(chunk);
  }

  end(): void {
    try {
      this.parser.close();
    } catch (error) {
      if (error instanceof ConfigurationError && /unclosed|unexpected end/i.test(error.detail))
        throw new ConfigurationError(`expected a complete XML document, found one that ends early (truncated?): ${error.detail}`, undefined, error.line);
      throw error;
    }
  }
}

/** Reads a non-negative integer attribute, naming it when it is not one. */
export function integerAttribute(attributes: Record<string, string>, name: string, element: string, line: number): number {
  const raw = attributes[name];
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
