/** Seeded subsets of tagged rows, shared by the floor, the FID extrapolation and balanced precision/recall. */
import ndarray = require('ndarray');
import { Rng } from '../../random';
import type { SampleRows } from './runs';

/** Returns rows `take` of `rows` (in that order) as a float64 ndarray `[take.length, d]`. */
export function pickRows(rows: SampleRows, take: readonly number[]): ndarray.NdArray<Float64Array> {
  const out = new Float64Array(take.length * rows.d);
  take.forEach((r, i) => out.set(rows.data.subarray(r * rows.d, (r + 1) * rows.d), i * rows.d));
  return ndarray(out, [take.length, rows.d]);
}

/** Returns disjoint random row lists of the given sizes from `total` rows, deterministic in (seed, repeat). */
export function disjointDraws(total: number, sizes: readonly number[], seed: number, repeat: number): number[][] {
  const need = sizes.reduce((s, v) => s + v, 0);
  if (need > total) throw new Error(`disjoint sets of ${sizes.join(' + ')} = ${need} rows need at least that many; there are ${total}`);
  const perm = new Rng(seed, repeat).permutation(total);
  return sizes.map((size, i) =>
    perm.slice(
      sizes.slice(0, i).reduce((s, v) => s + v, 0),
      sizes.slice(0, i + 1).reduce((s, v) => s + v, 0),
    ),
  );
}

/** Throws unless `value` is an integer ≥ `min`, naming it. */
export function checkCount(what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${what} must be an integer ≥ ${min}; got ${value}`);
}
