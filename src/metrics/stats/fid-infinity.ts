/**
 * FID's small-N bias removed by extrapolation (Chong & Forsyth 2020, "Effectively Unbiased FID"): the
 * expected FID of N samples is FID∞ + k/N to first order, so FID at several N, fitted by least squares
 * against 1/N, gives FID∞ as the intercept.
 */
import { fid } from '../fid';
import { checkSameSpace } from './runs';
import type { TaggedRows, TaggedStats } from './statistics';
import { checkCount, disjointDraws, pickRows } from './subsets';

/** A least-squares line value = intercept + slope/n through (n, value) points, and its RMS residual. */
export interface InverseNFit {
  intercept: number;
  slope: number;
  residual: number;
}

/** FID∞ of a generated set: the fit's intercept, and the FID at each N (mean over subsets) it was fitted to. */
export interface FidInfinity {
  fidInfinity: number;
  slope: number;
  residual: number;
  points: { n: number; fid: number }[];
}

/** Returns the least-squares fit value ≈ intercept + slope/n; throws with fewer than 2 distinct n. */
export function extrapolateInverseN(points: readonly { n: number; value: number }[]): InverseNFit {
  const xs = points.map((p) => 1 / p.n);
  if (new Set(xs).size < 2) throw new Error(`extrapolation in 1/N needs points at ≥ 2 distinct N; got N = [${points.map((p) => p.n)}]`);
  points.forEach((p, i) => {
    if (!(p.n > 0) || !Number.isFinite(p.value)) {
      throw new Error(`point ${i}: N = ${p.n}, value = ${p.value}; need N > 0 and a finite value`);
    }
  });
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = points.reduce((s, p) => s + p.value, 0) / points.length;
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (points[i].value - my), 0);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const residual = Math.sqrt(xs.reduce((s, x, i) => s + (points[i].value - intercept - slope * x) ** 2, 0) / xs.length);
  return { intercept, slope, residual };
}

/**
 * Returns FID∞ of `generated` against `reference`: FID of random subsets of each size in `ns` (default 5 sizes
 * evenly spaced from half of the rows to all of them), averaged over `repeats` subsets (default 5), fitted in 1/N.
 */
export function fidInfinity(
  generated: TaggedRows,
  reference: TaggedStats,
  options: { ns?: number[]; repeats?: number; seed?: number } = {},
): FidInfinity {
  checkSameSpace(generated.space, reference.space, 'fidInfinity');
  const total = generated.rows.n;
  const { ns = Array.from({ length: 5 }, (_, i) => Math.round(total / 2 + (i * total) / 8)), repeats = 5, seed = 0 } = options;
  checkCount('fidInfinity: repeats', repeats, 1);
  ns.forEach((n) => checkCount(`fidInfinity: N (of ${total} rows)`, n, 2));
  const points = ns.map((n) => {
    const subsets = n === total ? 1 : repeats;
    const subset = (r: number) => pickRows(generated.rows, disjointDraws(total, [n], seed, r)[0]);
    const subsetFid = (r: number) => fid(subset(r), reference.stats, { warn: () => undefined }).fid;
    const values = Array.from({ length: subsets }, (_, r) => subsetFid(r));
    return { n, fid: values.reduce((s, v) => s + v, 0) / subsets };
  });
  const fit = extrapolateInverseN(points.map((p) => ({ n: p.n, value: p.fid })));
  return { fidInfinity: fit.intercept, slope: fit.slope, residual: fit.residual, points };
}
