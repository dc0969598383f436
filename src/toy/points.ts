/**
 * Points of the 2-D toy: n points stored interleaved as one Float64Array [x0, y0, x1, y1, …], and the
 * checks every exact quantity shares (dimension, σ, labels).
 */
import { NULL_LABEL } from '../model/denoiser';

/** n points in the plane, interleaved `[x0, y0, x1, y1, …]` (length 2n). */
export type Points = Float64Array;

/** Returns the points of `pairs` as one interleaved array `[2n]`; every pair must have exactly 2 finite coordinates. */
export function toPoints(pairs: ArrayLike<ArrayLike<number>>): Points {
  const out = new Float64Array(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i];
    if (p.length !== 2) throw new Error(`point ${i} has ${p.length} coordinates; the toy is 2-D, so every point needs exactly 2`);
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  }
  return checkPoints(out);
}

/** Returns `points` after checking it is interleaved 2-D (even length) with finite coordinates. */
export function checkPoints<T extends ArrayLike<number>>(points: T): T {
  if (points.length % 2 !== 0) {
    throw new Error(`points are interleaved [x0, y0, x1, y1, …] in 2-D; got an array of odd length ${points.length} (wrong dimension?)`);
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) throw new Error(`point ${Math.floor(i / 2)} has a non-finite coordinate ${points[i]}`);
  }
  return points;
}

/** Returns σ after checking it is a finite number > 0 (the noisy quantities are defined for σ > 0). */
export function checkSigma(sigma: number): number {
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`σ must be a finite number > 0; got ${sigma}`);
  return sigma;
}

/**
 * Returns one label per point from a single label or an array of n labels, each a class 0 … classes−1
 * or NULL_LABEL (−1, unconditional).
 */
export function checkLabels(labels: number | ArrayLike<number>, n: number, classes: number): Int32Array {
  const out = new Int32Array(n);
  if (typeof labels === 'number') out.fill(labels);
  else if (labels.length !== n) throw new Error(`${labels.length} labels for ${n} points`);
  else for (let i = 0; i < n; i++) out[i] = labels[i];
  for (let i = 0; i < n; i++) {
    const l = typeof labels === 'number' ? labels : labels[i];
    if (!(Number.isInteger(l) && ((l >= 0 && l < classes) || l === NULL_LABEL))) {
      throw new Error(`unknown class ${l} (point ${i}); classes are 0 … ${classes - 1}, or ${NULL_LABEL} for unconditional`);
    }
  }
  return out;
}
