/**
 * The estimator's floor: a metric between two disjoint sets of real images of the sizes a study uses
 * (n generated, m reference). A generated set cannot be told from real data by more than this margin at
 * these sizes, so FID/KID charts draw it as a rule.
 */
import { Rng } from '../../random';
import { fid } from '../fid';
import { kid } from '../kid';
import { checkSameSpace } from './runs';
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

/**
 * Returns FID or KID of `n` real rows drawn as the studies draw labels (row k of class k mod C, C classes in `labels`,
 * so every class n/C times) against `reference`, for `repeats` (default 10) seeded draws: the floor at the studies'
 * design, whose fixed class counts lower both metrics below an i.i.d. draw's (figures/README.md, class balance).
 * `pool` holds rows other than the reference's; `labels[i]` is pool row i's class.
 */
export function balancedFloor(
  pool: TaggedRows,
  labels: ArrayLike<number>,
  reference: TaggedRows,
  metric: 'FID' | 'KID',
  n: number,
  options: { repeats?: number; seed?: number } = {},
): Floor {
  const where = 'balancedFloor';
  const { repeats = 10, seed = 0 } = options;
  checkCount(`${where}: n`, n, 2);
  checkCount(`${where}: repeats`, repeats, 1);
  if (metric !== 'FID' && metric !== 'KID') throw new Error(`${where}: metric is "${metric}"; allowed: "FID", "KID"`);
  checkSameSpace(reference.space, pool.space, where);
  if (labels.length !== pool.rows.n) throw new Error(`${where}: ${labels.length} labels for ${pool.rows.n} pool rows; give one per row`);
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const members = classes.map((c) => Array.from(labels).flatMap((l, i) => (l === c ? [i] : [])));
  members.forEach((rows, c) => {
    const need = Math.ceil((n - c) / classes.length);
    if (rows.length < need) throw new Error(`${where}: class ${classes[c]} has ${rows.length} pool rows; ${n} balanced rows need ${need}`);
  });
  const ref = pickRows(
    reference.rows,
    Array.from({ length: reference.rows.n }, (_, i) => i),
  );
  const values = Array.from({ length: repeats }, (_, r) => {
    const rng = new Rng(seed, r);
    const shuffled = members.map((rows) => rng.permutation(rows.length).map((j) => rows[j]));
    const take = Array.from({ length: n }, (_, k) => shuffled[k % classes.length][Math.floor(k / classes.length)]);
    const a = pickRows(pool.rows, take);
    return metric === 'FID' ? fid(a, ref, { warn: () => undefined }).fid : kid(a, ref);
  });
  const mean = values.reduce((s, v) => s + v, 0) / repeats;
  return { metric, n, m: reference.rows.n, space: pool.space, mean, min: Math.min(...values), max: Math.max(...values), values };
}
