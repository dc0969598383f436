/** A deterministic train / held-out split of a data set's indices. */
import { Rng } from '../random';

/** Indices into a data set, each list ascending. */
export interface DatasetSplit {
  train: Int32Array;
  heldOut: Int32Array;
}

/**
 * Returns the split of `ds.count` indices with `heldOut` examples held out: a fraction in (0, 1)
 * (rounded to the nearest count) or an integer count. The held-out set is the first k of a
 * permutation drawn from `seed`, so the same seed gives the same split and a larger k a superset.
 */
export function splitDataset(ds: { count: number }, options: { heldOut: number; seed: number }): DatasetSplit {
  const { heldOut, seed } = options;
  const n = ds.count;
  const isFraction = heldOut > 0 && heldOut < 1;
  if (!isFraction && !(Number.isInteger(heldOut) && heldOut >= 0 && heldOut <= n)) {
    throw new Error(`heldOut must be a fraction in (0, 1) or an integer count in 0..${n}; got ${heldOut}`);
  }
  const k = isFraction ? Math.round(heldOut * n) : heldOut;
  const order = new Rng(seed).permutation(n);
  const sorted = (xs: number[]) => Int32Array.from(xs).sort();
  return { heldOut: sorted(order.slice(0, k)), train: sorted(order.slice(k)) };
}

/**
 * Returns `n` of `indices` spread over the whole list (ascending): all of them when n is their count, else a subset drawn
 * from `seed`. A prefix would not do: the data files group digits by class, so the first 200 held-out digits are 0s and 1s.
 */
export function spreadSubset(indices: Int32Array, n: number, seed = 0): Int32Array {
  if (!(Number.isInteger(n) && n >= 0 && n <= indices.length)) throw new Error(`spreadSubset: n must be an integer in 0..${indices.length}; got ${n}`);
  if (n === indices.length) return indices;
  return Int32Array.from(new Rng(seed).permutation(indices.length).slice(0, n), (i) => indices[i]).sort();
}
