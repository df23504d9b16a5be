import type { Aggregation, K6MetricType } from "./expression.js";
import { k6Percentile } from "./stats.js";
import type { MetricContains } from "./summary.js";

/**
 * The samples of one metric or submetric, kept the way k6's sinks keep them:
 * every value for a trend (percentiles need them; 8 bytes each in a typed
 * array), counts for a rate, a running sum for a counter, the last value and
 * the extremes for a gauge.
 */
export class MetricSamples {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Rate: samples that were not zero. */
  nonZero = 0;
  /** Gauge: the last value. */
  last = 0;
  private values: Float64Array | undefined;
  private sorted = true;

  constructor(
    readonly type: K6MetricType,
    readonly contains: MetricContains,
  ) {
    if (type === "trend") this.values = new Float64Array(64);
  }

  add(value: number): void {
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value !== 0) this.nonZero += 1;
    this.last = value;
    if (this.values) {
      if (this.count > this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      if (this.count > 1 && value < (this.values[this.count - 2] as number)) this.sorted = false;
      this.values[this.count - 1] = value;
    }
  }

  /** The trend's values, sorted ascending (sorted once, in place). */
  sortedValues(): Float64Array {
    const values = (this.values ?? new Float64Array(0)).subarray(0, this.values ? this.count : 0);
    if (!this.sorted) {
      values.sort();
      this.sorted = true;
    }
    return values;
  }

  /**
   * An aggregation as k6 computes it for thresholds, or undefined when the
   * metric has no samples (k6 would say 0 and call a threshold on it ok).
   */
  aggregate(aggregation: Aggregation, percentile: number | undefined, durationMs: number | undefined): number | undefined {
    if (this.count === 0) return undefined;
    switch (aggregation) {
      case "avg":
        return this.sum / this.count;
      case "min":
        return this.min;
      case "max":
        return this.max;
      case "med":
        return k6Percentile(this.sortedValues(), 0.5);
      case "p":
        return k6Percentile(this.sortedValues(), (percentile ?? 0) / 100);
      case "count":
        return this.sum;
      case "value":
        return this.last;
      case "rate":
        if (this.type === "rate") return this.nonZero / this.count;
        return durationMs && durationMs > 0 ? this.sum / (durationMs / 1000) : undefined;
    }
  }
}
