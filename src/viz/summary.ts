/** Per-group summaries (mean, min, max over seeds or samples) shared by the curve, spectrum and bar builders. */

/** One group's summary: the mean of its values, their extremes and how many there were. */
export interface Summary<K> {
  key: K;
  mean: number;
  min: number;
  max: number;
  n: number;
}

/** Returns one Summary per distinct `keyOf` string, in order of first appearance. */
export function summarise<T, K>(
  items: readonly T[],
  keyOf: (item: T) => string,
  key: (item: T) => K,
  value: (item: T) => number,
): Summary<K>[] {
  const groups = new Map<string, { key: K; values: number[] }>();
  for (const item of items) {
    const k = keyOf(item);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key: key(item), values: [] }));
    g.values.push(value(item));
  }
  return [...groups.values()].map(({ key: k, values }) => ({
    key: k,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  }));
}

/** Which end of a metric is better: 'min' (FID, KID) or 'max' (precision, recall, accuracy). */
export type Direction = 'min' | 'max';

/** Returns the index of the best entry of `values` for `direction` (the first one on ties). */
export function bestIndex(values: readonly number[], direction: Direction): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (direction === 'min' ? values[i] < values[best] : values[i] > values[best]) best = i;
  }
  return best;
}

/** Throws unless `direction` is 'min' or 'max'; returns it. */
export function direction(where: string, d: string): Direction {
  if (d !== 'min' && d !== 'max') throw new Error(`${where}: direction is "${d}"; allowed: "min", "max"`);
  return d;
}

/** A colour scale's upper end: `top` is the value the brightest colour stands for; `clipped` when it lies below the maximum. */
export interface RobustTop {
  top: number;
  clipped: boolean;
}

/**
 * Returns the `q` quantile (default 0.99, nearest rank) of `values` as a colour scale's top when the maximum exceeds it by
 * more than `ratio` (default 1.5×), else the maximum: one outlier cell then no longer darkens every other cell.
 */
export function robustTop(values: readonly number[], q = 0.99, ratio = 1.5): RobustTop {
  if (values.length === 0) throw new Error('robustTop: values is empty; give at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const max = sorted[sorted.length - 1];
  const quantile = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return quantile > 0 && max > ratio * quantile ? { top: quantile, clipped: true } : { top: max, clipped: false };
}
