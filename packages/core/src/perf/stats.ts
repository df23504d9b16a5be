/**
 * k6's percentile of sorted samples (TrendSink.P up to k6 1.x): linear
 * interpolation at rank pct·(n−1); a single sample is itself. k6 2.x moved
 * to an HDR histogram, whose values can differ slightly: the gate says so
 * when a summary and the samples disagree.
 */
export function k6Percentile(sorted: ArrayLike<number>, pct: number): number {
  const count = sorted.length;
  if (count === 0) return 0;
  if (count === 1) return sorted[0] as number;
  const rank = pct * (count - 1);
  const lower = sorted[Math.floor(rank)] as number;
  const upper = sorted[Math.ceil(rank)] as number;
  return lower + (upper - lower) * (rank - Math.floor(rank));
}

/** Standard normal CDF (Abramowitz & Stegun 26.2.17; |error| < 7.5e-8). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const tail = density * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? 1 - tail : tail;
}

export interface MannWhitneyResult {
  /** U of the current sample. */
  u: number;
  /** Normal approximation, tie-corrected, with continuity correction. */
  z: number;
  /** One-sided p-value for "current is stochastically greater than baseline". */
  pGreater: number;
  /** Probability of superiority P(current > baseline) + ½P(equal) = U / (n·m): 0.5 means no shift. */
  effect: number;
}

/**
 * Mann-Whitney U test of `current` against `baseline` (both unsorted),
 * as canary judges (Kayenta, Argo Rollouts) use for latency: ranks with
 * ties averaged, the normal approximation with tie correction.
 */
export function mannWhitney(current: ArrayLike<number>, baseline: ArrayLike<number>): MannWhitneyResult {
  const n = current.length;
  const m = baseline.length;
  const combined = new Float64Array(n + m);
  const fromCurrent = new Uint8Array(n + m);
  for (let index = 0; index < n; index += 1) combined[index] = current[index] as number;
  for (let index = 0; index < m; index += 1) combined[n + index] = baseline[index] as number;
  const order = new Uint32Array(n + m);
  for (let index = 0; index < order.length; index += 1) order[index] = index;
  order.sort((a, b) => (combined[a] as number) - (combined[b] as number));
  for (let index = 0; index < n; index += 1) fromCurrent[index] = 1;

  let rankSumCurrent = 0;
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && combined[order[end] as number] === combined[order[start] as number]) end += 1;
    const ties = end - start;
    const averageRank = (start + 1 + end) / 2;
    for (let position = start; position < end; position += 1) if (fromCurrent[order[position] as number]) rankSumCurrent += averageRank;
    if (ties > 1) tieTerm += ties ** 3 - ties;
    start = end;
  }
  const u = rankSumCurrent - (n * (n + 1)) / 2;
  const mean = (n * m) / 2;
  const total = n + m;
  const variance = ((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  const z = variance > 0 ? (u - mean - 0.5 * Math.sign(u - mean)) / Math.sqrt(variance) : 0;
  return { u, z, pGreater: 1 - normalCdf(z), effect: n * m === 0 ? 0.5 : u / (n * m) };
}

/** Median of unsorted samples (copied, not reordered in place). */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return k6Percentile(sorted, 0.5);
}
