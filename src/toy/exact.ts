/**
 * Exact noisy quantities of a Gaussian mixture: with data x₀ ~ Σ_i w_i N(μ_i, Σ_i) and x = x₀ + σn,
 * p_σ(x | c) = Σ_{i∈c} w_i N(x; μ_i, Σ_i + σ²I), p_σ(x) = Σ_c P(c) p_σ(x | c); the score is the
 * responsibility-weighted −(Σ_i + σ²I)⁻¹(x − μ_i), and the denoiser D = x + σ²∇log p_σ = E[x₀ | x].
 */
import { NULL_LABEL } from '../model/denoiser';
import type { GaussianMixture } from './mixture';
import { Points, checkLabels, checkPoints, checkSigma } from './points';

/** An exact or learned toy denoiser: D(x; σ, c) `[2n]` for points `[2n]` and one label per point (NULL_LABEL: unconditional). */
export type ToyDenoiser = (x: Points, sigma: number, labels: Int32Array) => Points;

/** A component at one σ: log(weight) − log 2π − ½ log det C, and the inverse of C = Σ + σ²I. */
interface Noisy {
  mx: number;
  my: number;
  logNorm: number;
  ia: number;
  ib: number;
  id: number;
}

/** Log density `[n]` and, when asked, score `[2n]` at σ² ≥ 0 (σ² = 0 is the data density). */
function evaluate(
  m: GaussianMixture,
  points: Points,
  sigma2: number,
  labels: Int32Array,
  withScore: boolean,
): { logp: Float64Array; score: Float64Array | null } {
  const perClass = m.classes.map((comps) =>
    comps.map((k): Noisy => {
      const [a, b, d] = [k.cov[0] + sigma2, k.cov[1], k.cov[2] + sigma2];
      const det = a * d - b * b;
      const logNorm = Math.log(k.weight) - Math.log(2 * Math.PI) - 0.5 * Math.log(det);
      return { mx: k.mean[0], my: k.mean[1], logNorm, ia: d / det, ib: -b / det, id: a / det };
    }),
  );
  const logPriors = m.classPriors.map(Math.log);
  const n = points.length / 2;
  const logp = new Float64Array(n);
  const score = withScore ? new Float64Array(2 * n) : null;
  const maxComps = m.classes.reduce((s, c) => s + c.length, 0);
  const terms = new Float64Array(maxComps);
  const grads = new Float64Array(2 * maxComps);
  const allClasses = m.classes.map((_, c) => c);
  for (let p = 0; p < n; p++) {
    const [x, y] = [points[2 * p], points[2 * p + 1]];
    const classes = labels[p] === NULL_LABEL ? allClasses : [labels[p]];
    let count = 0;
    let top = -Infinity;
    for (const c of classes) {
      const offset = labels[p] === NULL_LABEL ? logPriors[c] : 0;
      for (const k of perClass[c]) {
        const [ex, ey] = [x - k.mx, y - k.my];
        const gx = k.ia * ex + k.ib * ey;
        const gy = k.ib * ex + k.id * ey;
        const t = offset + k.logNorm - 0.5 * (ex * gx + ey * gy);
        terms[count] = t;
        grads[2 * count] = -gx;
        grads[2 * count + 1] = -gy;
        if (t > top) top = t;
        count++;
      }
    }
    let sum = 0;
    let sx = 0;
    let sy = 0;
    for (let j = 0; j < count; j++) {
      const r = Math.exp(terms[j] - top);
      sum += r;
      sx += r * grads[2 * j];
      sy += r * grads[2 * j + 1];
    }
    logp[p] = top + Math.log(sum);
    if (score) {
      score[2 * p] = sx / sum;
      score[2 * p + 1] = sy / sum;
    }
  }
  return { logp, score };
}

function prepare(m: GaussianMixture, points: Points, labels: number | ArrayLike<number>): Int32Array {
  checkPoints(points);
  return checkLabels(labels, points.length / 2, m.classes.length);
}

/** Returns log p_σ(x | c) `[n]` (c = NULL_LABEL: log p_σ(x)) for σ > 0. */
export function logDensity(m: GaussianMixture, points: Points, sigma: number, labels: number | ArrayLike<number>): Float64Array {
  checkSigma(sigma);
  return evaluate(m, points, sigma * sigma, prepare(m, points, labels), false).logp;
}

/** Returns the log density of the clean data, log p₀(x | c) `[n]` (c = NULL_LABEL: unconditional). */
export function dataLogDensity(m: GaussianMixture, points: Points, labels: number | ArrayLike<number>): Float64Array {
  return evaluate(m, points, 0, prepare(m, points, labels), false).logp;
}

/** Returns the score ∇ₓ log p_σ(x | c) `[2n]` for σ > 0. */
export function score(m: GaussianMixture, points: Points, sigma: number, labels: number | ArrayLike<number>): Float64Array {
  checkSigma(sigma);
  return evaluate(m, points, sigma * sigma, prepare(m, points, labels), true).score!;
}

/** Returns the exact denoiser D(x; σ, c) = x + σ²∇ₓ log p_σ(x | c) = E[x₀ | x, c] `[2n]` for σ > 0. */
export function exactDenoise(m: GaussianMixture, points: Points, sigma: number, labels: number | ArrayLike<number>): Float64Array {
  const s = score(m, points, sigma, labels);
  return s.map((v, i) => points[i] + sigma * sigma * v);
}

/** Returns the exact denoiser of `m` as a `ToyDenoiser`. */
export function exactDenoiser(m: GaussianMixture): ToyDenoiser {
  return (x, sigma, labels) => exactDenoise(m, x, sigma, labels);
}
