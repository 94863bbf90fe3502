import type { Prng } from "./prng.js";

/**
 * A weighted choice table built once and drawn from many times: `draw` costs one float and
 * a binary search over the cumulative weights.
 */
export class WeightedTable<T> {
  private readonly values: readonly T[];
  private readonly cumulative: Float64Array;

  /** `entries` are `[value, weight]` pairs with positive weights. */
  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([v]) => v);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, w], i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    for (let i = 0; i < entries.length; i++) this.cumulative[i]! /= sum;
  }

  /** One value, with probability proportional to its weight. */
  draw(rng: Prng): T {
    const u = rng.float();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as T;
  }
}
