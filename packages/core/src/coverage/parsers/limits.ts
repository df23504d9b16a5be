import { ConfigurationError } from "../../errors.js";

/** The largest line number any source file can have here (and the largest that keeps branch keys exact). */
export const MAX_LINE_NUMBER = 2 ** 31 - 1;

/** Entries any report may expand to whatever its size: far above a real report of its length (minified bundles included). */
const BASE_ENTRIES = 10_000_000;
/** And per character read: no format describes more than a few entries per byte. */
const ENTRIES_PER_CHARACTER = 64;

/**
 * What a report's counts may make a parser allocate or loop over, in
 * proportion to how much of it was read: a Go block claiming lines
 * 1–2,000,000,000 in forty bytes is an error in milliseconds, not a minute
 * of marking lines and an exhausted heap.
 */
export class ExpansionBudget {
  private read = 0;
  private spent = 0;

  /** Text read so far, in characters. */
  grow(characters: number): void {
    this.read += characters;
  }

  /** Takes `entries` from the budget, or refuses the report at `line` naming what asked for too much. */
  spend(entries: number, what: string, line: number): void {
    this.spent += entries;
    const limit = BASE_ENTRIES + ENTRIES_PER_CHARACTER * this.read;
    if (this.spent > limit)
      throw new ConfigurationError(
        `expected counts a report of ${this.read} characters can describe, found ${what}: more than ${limit} entries`,
        undefined,
        line,
      );
  }
}

/** A line number as reports write them: a whole number from 0 to MAX_LINE_NUMBER. */
export function lineNumberOf(value: number, what: string, line: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_LINE_NUMBER)
    throw new ConfigurationError(`expected ${what} to be a line number from 0 to ${MAX_LINE_NUMBER}, found ${value}`, undefined, line);
  return value;
}

/** Covered and total of a count-only format (`(1/2)`, mb/cb, Clover's method totals): covered can never exceed total. */
export function coveredOfTotal(covered: number, total: number, what: string, line: number, items = "branches"): { covered: number; total: number } {
  if (covered > total)
    throw new ConfigurationError(`expected ${what} to cover at most as many ${items} as there are, found ${covered} of ${total}`, undefined, line);
  return { covered, total };
}
