/**
 * Metrics as functions of per-row multiplicities over a fixed pool of rows, so a bootstrap replicate
 * (a reweighting of the pool) costs no recomputation of what does not depend on the weights. With
 * every weight 1 each statistic equals its plain metric (fid(), kid(), a mean) on the pool.
 */
import { frechetTo, type FeatureStats } from '../fid';
import { multiplyTransposed } from '../gram';
import { checkSameSpace, type RunPool, type SampleRows } from './runs';

/** Which end of a metric is better: 'min' (FID, KID) or 'max' (class accuracy, precision, recall). */
export type MetricDirection = 'min' | 'max';

/** Which end is better for each metric a sweep row reports. */
export const METRIC_DIRECTIONS: Readonly<Record<'fid' | 'kid' | 'precision' | 'recall' | 'classAccuracy', MetricDirection>> = {
  fid: 'min',
  kid: 'min',
  precision: 'max',
  recall: 'max',
  classAccuracy: 'max',
};

/** A metric evaluable on reweighted pools: `prepare(pool)` returns the metric as a function of row weights `[pool.n]`. */
export interface WeightedStatistic {
  /** The metric's name, e.g. "FID". */
  name: string;
  /** Which end is better: 'min' (FID, KID) or 'max' (accuracy, precision). */
  direction: MetricDirection;
  prepare(pool: RunPool): (weights: Float64Array) => number;
}

/** Real features a generated set is measured against: their statistics or rows, and their space. */
export interface TaggedStats {
  stats: FeatureStats;
  space: string;
}

/** Real feature rows and their space (KID's reference). */
export interface TaggedRows {
  rows: SampleRows;
  space: string;
}

/** Returns the weighted mean of column `column` (default 0): class accuracy when rows are per-sample 0/1 correctness. */
export function meanStatistic(name: string, direction: MetricDirection, column = 0, space = 'score'): WeightedStatistic {
  return {
    name,
    direction,
    prepare(pool) {
      checkSameSpace(space, pool.space, name);
      if (!Number.isInteger(column) || column < 0 || column >= pool.d) {
        throw new Error(`${name}: column ${column} is outside 0…${pool.d - 1}`);
      }
      return (w) => {
        let s = 0;
        let total = 0;
        for (let i = 0; i < pool.n; i++) {
          s += w[i] * pool.data[i * pool.d + column];
          total += w[i];
        }
        return s / total;
      };
    },
  };
}

/** Returns FID to `reference` of the weighted pool (weighted mean, covariance with the W − 1 denominator); the reference is fixed. */
export function fidStatistic(reference: TaggedStats): WeightedStatistic {
  const distance = frechetTo(reference.stats);
  return {
    name: 'FID',
    direction: 'min',
    prepare(pool) {
      checkSameSpace(reference.space, pool.space, 'FID');
      return (w) => distance(weightedStats(pool, w));
    },
  };
}

/**
 * Returns KID (unbiased MMD², cubic kernel) to `real` of the weighted pool. The pool's own term averages
 * k over pairs of distinct pool rows (a row drawn twice is not paired with itself), so with unit weights it
 * is kid() exactly; kernels are computed once per pool.
 */
export function kidStatistic(real: TaggedRows): WeightedStatistic {
  const r = real.rows;
  const rr = Float64Array.from(r.data);
  const realTerm = meanOffDiagonal(cubicKernel(rr, r.n, rr, r.n, r.d), r.n);
  return {
    name: 'KID',
    direction: 'min',
    prepare(pool) {
      checkSameSpace(real.space, pool.space, 'KID');
      if (pool.d !== r.d) throw new Error(`KID: pool rows have ${pool.d} dims, the real rows ${r.d}`);
      const kgg = cubicKernel(pool.data, pool.n, pool.data, pool.n, pool.d);
      const kgr = cubicKernel(pool.data, pool.n, rr, r.n, r.d);
      const cross = Float64Array.from({ length: pool.n }, (_, i) => kgr.subarray(i * r.n, (i + 1) * r.n).reduce((s, v) => s + v, 0) / r.n);
      return (w) => {
        let total = 0;
        let squares = 0;
        let crossSum = 0;
        let pairs = 0;
        for (let i = 0; i < pool.n; i++) {
          if (w[i] === 0) continue;
          total += w[i];
          squares += w[i] * w[i];
          crossSum += w[i] * cross[i];
          let row = 0;
          for (let j = 0; j < pool.n; j++) if (j !== i) row += w[j] * kgg[i * pool.n + j];
          pairs += w[i] * row;
        }
        return pairs / (total * total - squares) + realTerm - (2 * crossSum) / total;
      };
    },
  };
}

/** Returns the weighted mean `[d]` and covariance `[d, d]` (denominator W − 1) of the pool's rows. */
export function weightedStats(pool: RunPool, w: Float64Array): FeatureStats {
  const { d } = pool;
  const used = Array.from({ length: pool.n }, (_, i) => i).filter((i) => w[i] > 0);
  const total = used.reduce((s, i) => s + w[i], 0);
  const mu = new Float64Array(d);
  for (const i of used) for (let k = 0; k < d; k++) mu[k] += w[i] * pool.data[i * d + k];
  for (let k = 0; k < d; k++) mu[k] /= total;
  const columns = new Float64Array(d * used.length); // √w-scaled centred rows, one row per dimension
  used.forEach((i, c) => {
    const s = Math.sqrt(w[i]);
    for (let k = 0; k < d; k++) columns[k * used.length + c] = s * (pool.data[i * d + k] - mu[k]);
  });
  const cov = multiplyTransposed(columns, d, columns, d, used.length, true);
  const sigma = Array.from({ length: d }, (_, i) => Array.from(cov.subarray(i * d, (i + 1) * d), (v) => v / (total - 1)));
  return { mu: Array.from(mu), sigma, n: total };
}

/** Returns k(a_i, b_j) = (a_i·b_j/d + 1)³ as `[m, n]`. */
function cubicKernel(a: Float64Array, m: number, b: Float64Array, n: number, d: number): Float64Array {
  return multiplyTransposed(a, m, b, n, d, a === b).map((v) => (v / d + 1) ** 3);
}

function meanOffDiagonal(k: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += k[i * n + j];
  return s / (n * (n - 1));
}
