/**
 * Int32Array space handed out from shared 1 MiB slabs. A report of 50,000
 * files would otherwise allocate 50,000+ ArrayBuffers, each a trip through
 * the allocator; a view on a slab is a plain object. A slab lives as long as
 * any view on it, which bounds what a small leftover can keep to 1 MiB.
 */
const SLAB_INTS = 256 * 1024;
let slab = new Int32Array(SLAB_INTS);
let slabUsed = 0;

function allocateInts(length: number): Int32Array {
  if (length > SLAB_INTS / 4) return new Int32Array(length);
  if (slabUsed + length > SLAB_INTS) {
    slab = new Int32Array(SLAB_INTS);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += length;
  return view;
}

/** Counts are stored saturated at this value: only "hit or not" and rough size matter past it. */
const MAX_COUNT = 0x7ffffffe;

/**
 * Hit counts per line, in an Int32Array indexed by line number, holding
 * count + 1 so that 0 means "not a coverable line". A report of 50,000 files
 * holds millions of lines: typed-array storage lives outside the JavaScript
 * heap, so the garbage collector never copies it, and costs 4 bytes a line.
 * Lines far beyond the dense range (a generated file's line 900,000) go to a
 * small overflow map, so one odd line number cannot cost megabytes.
 */
export class LineHits {
  private dense: Int32Array = EMPTY;
  private overflow: Map<number, number> | undefined;
  private count = 0;
  /** Lines hit at least once, kept as lines are set: counting them is then free for 50,000 files. */
  private covered = 0;

  get size(): number {
    return this.count;
  }

  get(line: number): number | undefined {
    if (line < this.dense.length) {
      const stored = this.dense[line] as number;
      return stored === 0 ? undefined : stored - 1;
    }
    return this.overflow?.get(line);
  }

  has(line: number): boolean {
    return this.get(line) !== undefined;
  }

  set(line: number, hits: number): void {
    const value = hits <= 0 ? 0 : hits >= MAX_COUNT ? MAX_COUNT : Math.floor(hits);
    if (line < this.dense.length || this.grow(line)) {
      const stored = this.dense[line] as number;
      if (stored === 0) this.count += 1;
      else if (stored > 1) this.covered -= 1;
      if (value > 0) this.covered += 1;
      this.dense[line] = value + 1;
      return;
    }
    this.overflow ??= new Map();
    const known = this.overflow.get(line);
    if (known === undefined) this.count += 1;
    else if (known > 0) this.covered -= 1;
    if (value > 0) this.covered += 1;
    this.overflow.set(line, value);
  }

  /** Adds to the line's count (istanbul-lib-coverage's merge). */
  add(line: number, hits: number): void {
    this.set(line, (this.get(line) ?? 0) + hits);
  }

  /** Keeps the higher count (blocks of one Go profile, statements on one line). */
  max(line: number, hits: number): void {
    const known = this.get(line);
    if (known === undefined || hits > known) this.set(line, hits);
  }

  addAll(other: LineHits): void {
    for (const [line, hits] of other.entries()) this.add(line, hits);
  }

  /** Line numbers in ascending order. */
  *keys(): IterableIterator<number> {
    for (const [line] of this.entries()) yield line;
  }

  *values(): IterableIterator<number> {
    for (const [, hits] of this.entries()) yield hits;
  }

  /** [line, hits] in ascending line order. */
  *entries(): IterableIterator<[number, number]> {
    const { dense } = this;
    for (let line = 0; line < dense.length; line += 1) {
      const stored = dense[line] as number;
      if (stored !== 0) yield [line, stored - 1];
    }
    if (this.overflow) yield* [...this.overflow.entries()].sort(([a], [b]) => a - b);
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }

  /** Covered (hits > 0) and total lines. */
  counts(): { covered: number; total: number } {
    return { covered: this.covered, total: this.count };
  }

  /** Grows the dense array to hold `line`, unless that would leave it mostly empty. */
  private grow(line: number): boolean {
    if (line > 4 * this.count + 4096) return false;
    const next = allocateInts(Math.max(line + 1, this.dense.length * 2, 256));
    next.set(this.dense);
    this.dense = next;
    return true;
  }
}

const EMPTY = new Int32Array(0);

/** 0–63 for a one- or two-digit id, else -1: the ids that fit a numeric key. */
function smallId(id: string | number): number {
  if (typeof id === "number") return Number.isInteger(id) && id >= 0 && id < 64 ? id : -1;
  if (id.length === 0 || id.length > 2) return -1;
  let value = 0;
  for (let index = 0; index < id.length; index += 1) {
    const digit = id.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value < 64 ? value : -1;
}

/**
 * Times each branch arm was taken. Most arms are (line, small block number,
 * small arm number): those get a numeric key, kept with their counts in two
 * parallel arrays (8 bytes an arm). Reports list arms in order, so a key
 * larger than the last one is new and needs no lookup; an index is built only
 * when keys come out of order (a merge, an unsorted report). Anything else
 * (lcov 2.x expressions, istanbul ids) keeps a string key in a Map.
 *
 * Formats that only count a line's arms (Cobertura's `(1/2)`, JaCoCo's
 * mb/cb, Clover's true/false counts) cannot say which arm was taken, so they
 * are kept as per-line aggregates, never expanded into arms. A line known
 * both ways (the same run as lcov and as Cobertura) counts the larger of the
 * two, never both: the arm numberings differ, and adding them would inflate it.
 */
export class BranchHits {
  private readonly keys: number[] = [];
  private readonly taken: number[] = [];
  private index: Map<number, number> | undefined;
  private named: Map<string, number> | undefined;
  private aggregates: Map<number, { covered: number; total: number }> | undefined;
  /** Arms taken at least once (numeric and named), kept as arms are added. */
  private covered = 0;

  get size(): number {
    return this.counts().total;
  }

  /** A line's arms as a count-only format gives them; several reports of the line keep the larger counts (covered ≤ total is the caller's to check). */
  addAggregate(line: number, covered: number, total: number): void {
    this.aggregates ??= new Map();
    const known = this.aggregates.get(line);
    this.aggregates.set(line, known ? { covered: Math.max(known.covered, covered), total: Math.max(known.total, total) } : { covered, total });
  }

  add(line: number, block: string | number, arm: string | number, taken: number): void {
    const blockId = smallId(block);
    const armId = smallId(arm);
    if (blockId >= 0 && armId >= 0) {
      this.addNumeric(line * 4096 + blockId * 64 + armId, taken);
      return;
    }
    this.addNamed(`${line}:${block}:${arm}`, taken);
  }

  addAll(other: BranchHits): void {
    for (let position = 0; position < other.keys.length; position += 1) this.addNumeric(other.keys[position] as number, other.taken[position] as number);
    if (other.aggregates) for (const [line, { covered, total }] of other.aggregates) this.addAggregate(line, covered, total);
    if (other.named) for (const [key, taken] of other.named) this.addNamed(key, taken);
  }

  private addNamed(key: string, taken: number): void {
    this.named ??= new Map();
    const known = this.named.get(key) ?? 0;
    if (known <= 0 && known + taken > 0) this.covered += 1;
    this.named.set(key, known + taken);
  }

  /** Every arm with the line it is on (arms counted per line only are not here: see byLine). */
  private *exactArms(): IterableIterator<{ line: number; taken: number }> {
    for (let position = 0; position < this.keys.length; position += 1)
      yield { line: Math.floor((this.keys[position] as number) / 4096), taken: this.taken[position] as number };
    if (this.named) for (const [key, taken] of this.named) yield { line: Number(key.slice(0, key.indexOf(":"))), taken };
  }

  /** Covered and total arms per line, aggregates included. */
  byLine(): Map<number, { covered: number; total: number }> {
    const lines = new Map<number, { covered: number; total: number }>();
    for (const { line, taken } of this.exactArms()) {
      const counts = lines.get(line) ?? { covered: 0, total: 0 };
      counts.total += 1;
      if (taken > 0) counts.covered += 1;
      lines.set(line, counts);
    }
    for (const [line, aggregate] of this.aggregates ?? []) {
      const exact = lines.get(line);
      lines.set(line, exact ? { covered: Math.max(exact.covered, aggregate.covered), total: Math.max(exact.total, aggregate.total) } : { ...aggregate });
    }
    return lines;
  }

  counts(): { covered: number; total: number } {
    if (this.aggregates) {
      const sum = { covered: 0, total: 0 };
      for (const { covered, total } of this.byLine().values()) {
        sum.covered += covered;
        sum.total += total;
      }
      return sum;
    }
    return { covered: this.covered, total: this.keys.length + (this.named?.size ?? 0) };
  }

  private addNumeric(key: number, taken: number): void {
    const last = this.keys.length - 1;
    if (!this.index && (last < 0 || key > (this.keys[last] as number))) {
      this.keys.push(key);
      this.taken.push(taken);
      if (taken > 0) this.covered += 1;
      return;
    }
    if (!this.index) {
      this.index = new Map();
      for (let position = 0; position <= last; position += 1) this.index.set(this.keys[position] as number, position);
    }
    const position = this.index.get(key);
    const known = position === undefined ? 0 : (this.taken[position] as number);
    if (known <= 0 && known + taken > 0) this.covered += 1;
    if (position !== undefined) this.taken[position] = known + taken;
    else {
      this.index.set(key, this.keys.length);
      this.keys.push(key);
      this.taken.push(taken);
    }
  }
}
