/**
 * Resizing maps and images as PyTorch's `F.interpolate(size=…)` does: `nearest` (legacy floor rule),
 * `bilinear` and `bicubic` with align_corners=False (bicubic: cubic convolution a = −0.75, border
 * replicate). Each axis is an interpolation matrix; both are applied with plain matmuls.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AxisMap, Tap, applySeparable, axisMap, clampIndex } from './separable';

export const RESAMPLE_METHODS = ['nearest', 'bilinear', 'bicubic'] as const;
export type ResampleMethod = (typeof RESAMPLE_METHODS)[number];

export interface ResampleOptions {
  /** Clamp the result at 0 from below (bicubic overshoots below 0 near sharp edges of non-negative maps). */
  clampAtZero?: boolean;
}

const CUBIC_A = -0.75;

/** Returns the `[outSize, inSize]` interpolation matrix PyTorch's `interpolate` applies along one axis. */
export function interpolationMatrix(inSize: number, outSize: number, method: ResampleMethod): AxisMap {
  checkMethod(method);
  for (const [name, v] of [
    ['inSize', inSize],
    ['outSize', outSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer; got ${v}`);
  }
  const scale = inSize / outSize;
  return axisMap(outSize, inSize, (i) => taps(method, i, scale), clampIndex);
}

/**
 * Returns `maps` resized to `size`: `[n, h, w]` → `[n, H, W]`, or `[h, w]` → `[H, W]`;
 * `size` is `[H, W]` or one number for a square.
 */
export function resizeMaps(
  maps: tf.Tensor,
  size: number | [number, number],
  method: ResampleMethod,
  options: ResampleOptions = {},
): tf.Tensor {
  if (maps.rank !== 2 && maps.rank !== 3) {
    throw new Error(`resizeMaps takes [n, h, w] or [h, w]; got shape [${maps.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const batch = (maps.rank === 2 ? maps.expandDims(0) : maps).expandDims(3) as tf.Tensor4D;
    const out = resizeImages(batch, size, method, options);
    return maps.rank === 2 ? out.squeeze([0, 3]) : out.squeeze([3]);
  });
}

/** Returns NHWC `images` `[n, h, w, c]` resized to `[n, H, W, c]`; `size` is `[H, W]` or one number. */
export function resizeImages(
  images: tf.Tensor4D,
  size: number | [number, number],
  method: ResampleMethod,
  options: ResampleOptions = {},
): tf.Tensor4D {
  if (images.rank !== 4) throw new Error(`resizeImages takes NHWC [n, h, w, c]; got shape [${images.shape.join(', ')}]`);
  const [H, W] = typeof size === 'number' ? [size, size] : size;
  const [, h, w] = images.shape;
  const rows = interpolationMatrix(h, H, method);
  const cols = interpolationMatrix(w, W, method);
  return tf.tidy(() => {
    const out = applySeparable(images, rows, cols);
    return options.clampAtZero ? tf.relu(out) : out;
  });
}

function checkMethod(method: string): void {
  if (!(RESAMPLE_METHODS as readonly string[]).includes(method)) {
    throw new Error(`unknown resample method "${method}"; methods: ${RESAMPLE_METHODS.join(', ')}`);
  }
}

function taps(method: ResampleMethod, i: number, scale: number): Tap[] {
  if (method === 'nearest') return [[Math.floor(i * scale), 1]];
  const src = (i + 0.5) * scale - 0.5;
  const j = Math.floor(src);
  const t = src - j;
  if (method === 'bilinear')
    return [
      [j, 1 - t],
      [j + 1, t],
    ];
  return [
    [j - 1, cubicFar(t + 1)],
    [j, cubicNear(t)],
    [j + 1, cubicNear(1 - t)],
    [j + 2, cubicFar(2 - t)],
  ];
}

/** Cubic convolution weight for |x| ≤ 1. */
function cubicNear(x: number): number {
  return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
}

/** Cubic convolution weight for 1 < |x| < 2. */
function cubicFar(x: number): number {
  return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
}
