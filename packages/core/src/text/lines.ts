import { ConfigurationError } from "../errors.js";

/** Longest line a line-based report may hold; longer means binary or corrupted input. */
export const MAX_LINE_LENGTH = 1024 * 1024;

/**
 * Splits streamed text into lines without holding the whole input: chunks may
 * cut a line anywhere. Calls `onLine(text, lineNumber)` for each complete line.
 */
export class LineSplitter {
  private pending = "";
  private lineNumber = 0;

  constructor(private readonly onLine: (line: string, lineNumber: number) => void) {}

  write(chunk: string): void {
    let start = 0;
    let newline = chunk.indexOf("\n", start);
    while (newline !== -1) {
      const piece = chunk.slice(start, newline);
      const line = this.pending ? this.pending + piece : piece;
      this.pending = "";
      this.emit(line);
      start = newline + 1;
      newline = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) {
      this.pending += chunk.slice(start);
      if (this.pending.length > MAX_LINE_LENGTH) {
        throw new ConfigurationError(
          `expected lines shorter than ${MAX_LINE_LENGTH} characters, found a longer one (binary or corrupted file?)`,
          undefined,
          this.lineNumber + 1,
        );
      }
    }
  }

  /** Flushes a last line that has no trailing newline. Returns the number of lines seen. */
  end(): number {
    if (this.pending) {
      const line = this.pending;
      this.pending = "";
      this.emit(line);
    }
    return this.lineNumber;
  }

  private emit(line: string): void {
    this.lineNumber += 1;
    if (line.length > MAX_LINE_LENGTH) {
      throw new ConfigurationError(
        `expected lines shorter than ${MAX_LINE_LENGTH} characters, found one of ${line.length} (binary or corrupted file?)`,
        undefined,
        this.lineNumber,
      );
    }
    this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line, this.lineNumber);
  }
}

/**
 * A fresh copy of `text`. V8 represents a substring of a long string as a
 * slice that keeps the whole parent alive: a path taken from a 1 MiB chunk
 * would keep that chunk in memory for as long as the path lives.
 */
export function detachString(text: string): string {
  // Concatenating and slicing makes V8 flatten into a new string first: the copy no longer points
  // at the parent, for a third of what a round trip through a Buffer costs (and lone surrogates stay as they are).
  return text.length === 0 ? "" : ` ${text}`.slice(1);
}
