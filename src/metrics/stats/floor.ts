/**
 * The estimator's floor: a metric between two disjoint sets of real images of the sizes a study uses
 * (n generated, m reference). A generated set cannot be told from real data by more than this margin at
 * these sizes, so FID/KID charts draw it as a rule.
 */
import { fid } from '../fid';
import { kid } from '../kid';
import type { TaggedRows } from './statistics';
import { checkCount, disjointDraws, pickRows } from './subsets';

/** The real-vs-real value of a metric over `values.length` random disjoint splits. */
export interface Floor {
  metric: 'FID' | 'KID';
  /** Size of the first set (the generated count it stands in for) and of the second (the reference count). */
  n: number;
  m: number;
  space: string;
  mean: number;
  min: number;
  max: number;
  values: number[];
}

/**
 * Returns FID or KID between disjoint real subsets of n and m rows of `real`, for `repeats` (default 5) random
 * splits (deterministic in `seed`). Throws when n + m exceeds the real rows.
 */
export function realVsReal(
  real: TaggedRows,
  metric: 'FID' | 'KID',
  n: number,
  m: number,
  options: { repeats?: number; seed?: number } = {},
): Floor {
  const { repeats = 5, seed = 0 } = options;
  checkCount('realVsReal: n', n, 2);
  checkCount('realVsReal: m', m, 2);
  checkCount('realVsReal: repeats', repeats, 1);
  if (metric !== 'FID' && metric !== 'KID') throw new Error(`realVsReal: metric is "${metric}"; allowed: "FID", "KID"`);
  const values = Array.from({ length: repeats }, (_, r) => {
    const [a, b] = disjointDraws(real.rows.n, [n, m], seed, r).map((take) => pickRows(real.rows, take));
    return metric === 'FID' ? fid(a, b, { warn: () => undefined }).fid : kid(a, b);
  });
  const mean = values.reduce((s, v) => s + v, 0) / repeats;
  return { metric, n, m, space: real.space, mean, min: Math.min(...values), max: Math.max(...values), values };
}
