/**
 * Exact samples of the toy data distribution: class (given, or drawn from the priors), then a
 * component by weight, then μ + L z with L the Cholesky factor of Σ.
 */
import { NULL_LABEL } from '../model/denoiser';
import { Rng } from '../random';
import type { GaussianMixture } from './mixture';
import { Points, checkLabels } from './points';

/**
 * Returns n exact data samples `[2n]` and their classes `[n]`: rows first … first+n−1 of the stream
 * `seed`, row i depending only on (seed, i); label NULL_LABEL draws the class from the priors.
 */
export function sampleData(
  m: GaussianMixture,
  n: number,
  seed: number,
  labels: number | ArrayLike<number> = NULL_LABEL,
  first = 0,
): { points: Points; labels: Int32Array } {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`the number of samples must be an integer ≥ 0; got ${n}`);
  if (!(Number.isInteger(first) && first >= 0)) throw new Error(`the first row must be an integer ≥ 0; got ${first}`);
  const asked = checkLabels(labels, n, m.classes.length);
  const points = new Float64Array(2 * n);
  const classes = new Int32Array(n);
  const weights = m.classes.map((comps) => comps.map((q) => q.weight));
  for (let i = 0; i < n; i++) {
    const rng = new Rng(seed, first + i);
    const c = asked[i] === NULL_LABEL ? pick(rng, m.classPriors) : asked[i];
    const comps = m.classes[c];
    const k = comps[pick(rng, weights[c])];
    const [a, b, d] = k.cov;
    const l11 = Math.sqrt(a);
    const l21 = b / l11;
    const l22 = Math.sqrt(d - l21 * l21);
    const [z1, z2] = [rng.normal(), rng.normal()];
    points[2 * i] = k.mean[0] + l11 * z1;
    points[2 * i + 1] = k.mean[1] + l21 * z1 + l22 * z2;
    classes[i] = c;
  }
  return { points, labels: classes };
}

/** Returns an index drawn with probability proportional to `weights` (which sum to 1 up to rounding). */
function pick(rng: Rng, weights: readonly number[]): number {
  let u = rng.uniform() * weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < weights.length - 1; j++) {
    u -= weights[j];
    if (u < 0) return j;
  }
  return weights.length - 1;
}
