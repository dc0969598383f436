/**
 * Separable linear maps on images: one matrix per spatial axis (interpolation, blur), applied as
 * two plain 2-D matmuls. Exact (up to float32 rounding) and fast on the wasm backend, where plain
 * matMul is the quick kernel.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A linear map from `inSize` samples to `outSize` samples along one axis. */
export interface AxisMap {
  outSize: number;
  inSize: number;
  /** Row-major `[outSize, inSize]`: out[i] = Σ_j weights[i·inSize + j]·in[j]. */
  weights: Float64Array;
}

/** A tap of an axis map: input position (before the boundary rule) and its weight. */
export type Tap = [position: number, weight: number];

/** Returns the matrix of an axis map built from per-output taps, folding positions through `boundary`. */
export function axisMap(outSize: number, inSize: number, taps: (i: number) => Tap[], boundary: (j: number, n: number) => number): AxisMap {
  const weights = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    for (const [j, w] of taps(i)) weights[i * inSize + boundary(j, inSize)] += w;
  }
  return { outSize, inSize, weights };
}

/** Returns j clamped to [0, n−1] (border replicate). */
export function clampIndex(j: number, n: number): number {
  return Math.min(Math.max(j, 0), n - 1);
}

/** Returns j reflected into [0, n−1] without repeating the edge (PyTorch/numpy "reflect"); |overhang| < n. */
export function reflectIndex(j: number, n: number): number {
  if (n === 1) return 0;
  if (j < 0) return -j;
  if (j >= n) return 2 * (n - 1) - j;
  return j;
}

/** Returns `images` NHWC `[n, h, w, c]` mapped to `[n, rows.outSize, cols.outSize, c]`: rows along h, cols along w. */
export function applySeparable(images: tf.Tensor4D, rows: AxisMap, cols: AxisMap): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  if (rows.inSize !== h || cols.inSize !== w) {
    throw new Error(`axis maps take [${rows.inSize}, ${cols.inSize}] but the images are [${h}, ${w}]`);
  }
  const H = rows.outSize;
  const W = cols.outSize;
  return tf.tidy(() => {
    const planes = c === 1 ? images.reshape([n * h, w]) : images.transpose([0, 3, 1, 2]).reshape([n * c * h, w]);
    const alongW = tf.matMul(planes, transposedTensor(cols)); // [n·c·h, W]
    const hFirst = alongW
      .reshape([n * c, h, W])
      .transpose([1, 0, 2])
      .reshape([h, n * c * W]);
    const alongH = tf.matMul(tf.tensor2d(Float32Array.from(rows.weights), [H, h]), hFirst); // [H, n·c·W]
    const nc = alongH.reshape([H, n * c, W]).transpose([1, 0, 2]); // [n·c, H, W]
    return (c === 1 ? nc.reshape([n, H, W, 1]) : nc.reshape([n, c, H, W]).transpose([0, 2, 3, 1])) as tf.Tensor4D;
  });
}

function transposedTensor(m: AxisMap): tf.Tensor2D {
  const t = new Float32Array(m.inSize * m.outSize);
  for (let i = 0; i < m.outSize; i++) {
    for (let j = 0; j < m.inSize; j++) t[j * m.outSize + i] = m.weights[i * m.inSize + j];
  }
  return tf.tensor2d(t, [m.inSize, m.outSize]);
}
