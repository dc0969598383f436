/**
 * The Laplacian pyramid (Burt & Adelson 1983) of NHWC images `[n, h, w, c]`: REDUCE blurs with the 5-tap binomial
 * kernel [1, 4, 6, 4, 1]/16 and keeps every other pixel; EXPAND inserts zeros and blurs with twice that kernel (per
 * axis); both reflect at the borders. Band k is g_k − EXPAND(g_{k+1}) (g_0 the image, g_{k+1} = REDUCE(g_k)) and
 * the last band is the coarsest g; collapsing adds the bands back, which returns the image exactly up to rounding,
 * whatever the kernel. Used by frequency-decoupled guidance (FDG).
 */
import * as tf from '@tensorflow/tfjs-core';
import { AxisMap, applySeparable, axisMap, reflectIndex } from './separable';

const BINOMIAL = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];

/** Returns REDUCE along one axis: `n` samples to ceil(n/2). */
function reduceAxis(n: number): AxisMap {
  return axisMap(Math.ceil(n / 2), n, (i) => BINOMIAL.map((w, m) => [2 * i + m - 2, w]), reflectIndex);
}

/** Returns EXPAND along one axis: ceil(n/2) samples to `n`. */
function expandAxis(n: number): AxisMap {
  const taps = (i: number): [number, number][] => BINOMIAL.flatMap((w, m) => ((i - m + 2) % 2 === 0 ? [[(i - m + 2) / 2, 2 * w]] : []));
  return axisMap(n, Math.ceil(n / 2), taps, reflectIndex);
}

/** Returns the most levels an h×w image allows: every REDUCE input at least 3 pixels a side (the kernel's reach). */
export function maxPyramidLevels(h: number, w: number): number {
  let levels = 1;
  for (let s = Math.min(h, w); s >= 3; s = Math.ceil(s / 2)) levels++;
  return levels;
}

/** Returns the `levels` bands of `images`, finest first: `[n, h, w, c]`, `[n, ⌈h/2⌉, ⌈w/2⌉, c]`, …; the caller disposes them. */
export function laplacianPyramid(images: tf.Tensor4D, levels: number): tf.Tensor4D[] {
  const [, h, w] = images.shape;
  const most = maxPyramidLevels(h, w);
  if (!Number.isInteger(levels) || levels < 1 || levels > most) {
    throw new Error(`a Laplacian pyramid of ${h}×${w} images has 1 to ${most} levels; got ${levels}`);
  }
  return tf.tidy(() => {
    const bands: tf.Tensor4D[] = [];
    let g = images;
    for (let k = 0; k < levels - 1; k++) {
      const [, gh, gw] = g.shape;
      const next = applySeparable(g, reduceAxis(gh), reduceAxis(gw));
      bands.push(tf.sub(g, applySeparable(next, expandAxis(gh), expandAxis(gw))) as tf.Tensor4D);
      g = next;
    }
    bands.push(g === images ? (tf.clone(images) as tf.Tensor4D) : g);
    return bands;
  });
}

/** Returns the image `[n, h, w, c]` whose pyramid is `bands` (finest first): the coarsest, EXPANDed and added upward. */
export function collapsePyramid(bands: tf.Tensor4D[]): tf.Tensor4D {
  if (bands.length === 0) throw new Error('collapsePyramid needs at least one band');
  return tf.tidy(() => {
    let g = bands[bands.length - 1];
    for (let k = bands.length - 2; k >= 0; k--) {
      const [, h, w] = bands[k].shape;
      g = tf.add(bands[k], applySeparable(g, expandAxis(h), expandAxis(w))) as tf.Tensor4D;
    }
    return g === bands[bands.length - 1] ? (tf.clone(g) as tf.Tensor4D) : g;
  });
}
