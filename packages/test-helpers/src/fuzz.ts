import fc from "fast-check";

// Medium-sized values (arrays of tens of lines, strings of tens of characters) by default:
// fast-check's small default rarely builds inputs big enough to reach the parsers' limits.
fc.configureGlobal({ ...fc.readConfigureGlobal(), baseSize: "medium" });

/**
 * Cases per property: a bounded number in the test suite, many more in
 * `npm run fuzz` (FUZZ_RUNS), reproducible with the seed it prints (FUZZ_SEED).
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** A property's time limit: generous, so the long run is bounded by its budget checks, not by vitest. */
export const FUZZ_TIMEOUT_MS = Math.max(30_000, FUZZ_RUNS * 50);
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Timing is checked only in the long run (`npm run fuzz` sets FUZZ_BUDGET): the test suite has no timed tests. */
const CHECK_BUDGET = process.env.FUZZ_BUDGET === "1";

/** What a case may take: a fixed allowance plus a cost per byte, about fifty times what the parsers need. */
export function budgetMs(bytes: number): number {
  return 250 + bytes / 1000;
}

/** The slowest case per property, and how many ran: `npm run fuzz` reports them. */
export const fuzzStats = new Map<string, { cases: number; slowest: { ms: number; bytes: number } }>();

export function fuzzParameters(): fc.Parameters<unknown> {
  return { numRuns: FUZZ_RUNS, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) };
}

/** Text as a file may hold it: arbitrary bytes read as UTF-8. */
export const anyBytesAsText = fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes).toString("utf8"));

/** Arbitrary strings of any Unicode, for lines and fields. */
export const anyText = fc.string({ unit: "binary", maxLength: 300 });

/** Numbers a tool might write, and those it should not. */
export const numberText = fc.oneof(
  fc.integer({ min: -10, max: 1000 }).map(String),
  fc.constantFrom("0", "-0", "1e309", "-1e309", "NaN", "Infinity", "-Infinity", "0x10", "1.5", "2147483648", "99999999999999999999", "", " ", "1_000", "١"),
);

type Mutation = (text: string) => string;

/** One edit of a real input: the kinds of damage a truncated upload, a bad merge or a hostile writer cause. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map(
    (at): Mutation =>
      (text) =>
        text.slice(0, Math.floor(text.length * at)),
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(200)).map(
    ([at, length]): Mutation =>
      (text) => {
        const start = Math.floor(text.length * at);
        return text.slice(0, start) + text.slice(start + length);
      },
  ),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), anyText).map(
    ([at, insert]): Mutation =>
      (text) => {
        const start = Math.floor(text.length * at);
        return text.slice(0, start) + insert + text.slice(start);
      },
  ),
  // Grows the input: a slice repeated, as a runaway writer or an attacker would.
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 2, max: 200 })).map(
    ([at, length, times]): Mutation =>
      (text) => {
        const start = Math.floor(text.length * at);
        return text.slice(0, start) + text.slice(start, start + length).repeat(times) + text.slice(start);
      },
  ),
  fc.tuple(fc.nat(), numberText).map(
    ([pick, replacement]): Mutation =>
      (text) => {
        const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)];
        const chosen = numbers.length > 0 ? numbers[pick % numbers.length] : undefined;
        if (!chosen || chosen.index === undefined) return text;
        return text.slice(0, chosen.index) + replacement + text.slice(chosen.index + chosen[0].length);
      },
  ),
  fc.tuple(fc.nat(), fc.constantFrom(..."{}[]<>\":,=\n/\\'&;#")).map(
    ([pick, replacement]): Mutation =>
      (text) => {
        const structural = [...text.matchAll(/[{}[\]<>":,=\n/]/g)];
        const chosen = structural.length > 0 ? structural[pick % structural.length] : undefined;
        if (!chosen || chosen.index === undefined) return text;
        return text.slice(0, chosen.index) + replacement + text.slice(chosen.index + 1);
      },
  ),
);

/** A real input with one to five edits. */
export function mutationsOf(...corpus: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 5 }))
    .map(([text, edits]) => edits.reduce((current, edit) => edit(current), text));
}

/**
 * Runs a loader on one case: it returns a value or throws one of the
 * project's own errors (`isOwnError`), anything else fails the property with
 * the input's size. In the long run, a case over its size budget fails too.
 */
export function onlyOwnErrors<T>(property: string, isOwnError: (error: unknown) => boolean, load: () => T, bytes: number): { value: T } | { error: Error } {
  const started = performance.now();
  let outcome: { value: T } | { error: Error };
  try {
    outcome = { value: load() };
  } catch (error) {
    outcome = ownError(property, isOwnError, error, bytes);
  }
  recordCase(property, performance.now() - started, bytes);
  return outcome;
}

/** `onlyOwnErrors` for a loader that returns a promise; the case's time includes what it awaits. */
export async function onlyOwnErrorsAsync<T>(
  property: string,
  isOwnError: (error: unknown) => boolean,
  load: () => Promise<T>,
  bytes: number,
): Promise<{ value: T } | { error: Error }> {
  const started = performance.now();
  let outcome: { value: T } | { error: Error };
  try {
    outcome = { value: await load() };
  } catch (error) {
    outcome = ownError(property, isOwnError, error, bytes);
  }
  recordCase(property, performance.now() - started, bytes);
  return outcome;
}

function ownError(property: string, isOwnError: (error: unknown) => boolean, error: unknown, bytes: number): { error: Error } {
  if (!isOwnError(error)) throw new Error(`${property}: a ${bytes}-byte input ended in ${String(error)}, not in one of our error kinds`, { cause: error });
  return { error: error as Error };
}

function recordCase(property: string, ms: number, bytes: number): void {
  const stats = fuzzStats.get(property) ?? { cases: 0, slowest: { ms: 0, bytes: 0 } };
  stats.cases += 1;
  if (ms > stats.slowest.ms) stats.slowest = { ms, bytes };
  fuzzStats.set(property, stats);
  if (CHECK_BUDGET && ms > budgetMs(bytes))
    throw new Error(`${property}: a ${bytes}-byte input took ${Math.round(ms)} ms, over its ${Math.round(budgetMs(bytes))} ms budget`);
}

/** In the long run (`npm run fuzz`), how many cases each property ran and its slowest case against its budget. */
export function printFuzzStats(): void {
  if (!CHECK_BUDGET || fuzzStats.size === 0) return;
  const rows = [...fuzzStats].map(
    ([property, { cases, slowest }]) =>
      `${property.padEnd(44)} ${String(cases).padStart(7)} cases   slowest ${slowest.ms.toFixed(1).padStart(7)} ms for ${String(slowest.bytes).padStart(8)} bytes (budget ${Math.round(budgetMs(slowest.bytes))} ms)`,
  );
  const total = [...fuzzStats.values()].reduce((sum, { cases }) => sum + cases, 0);
  process.stdout.write(`\nfuzz: ${total} cases\n${rows.join("\n")}\n`);
}
