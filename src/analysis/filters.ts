/**
 * Image filters for guidance and its ablations, on NHWC tensors `[n, h, w, c]`: SEG's Gaussian
 * kernel and separable reflect-padded blur, masked blur (SAG step 3), and the SAG paper's
 * masking-strategy degradations (global blur, high-frequency removal, random and square reset).
 */
import * as tf from '@tensorflow/tfjs-core';
import ndarray = require('ndarray');
import { Rng } from '../random';
import { filterWithMask, radialMask } from './fft';
import { AxisMap, applySeparable, axisMap, reflectIndex } from './separable';

/** Returns SEG's kernel size for σ: ceil(6σ) + 1 − ceil(6σ) % 2 (always odd). */
export function gaussianKernelSize(sigma: number): number {
  checkSigma(sigma);
  const c = Math.ceil(6 * sigma);
  return c + 1 - (c % 2);
}

/** Returns the normalised Gaussian exp(−x²/2σ²) on linspace(−(k−1)/2, (k−1)/2, k), length k (default SEG's size). */
export function gaussianKernel(sigma: number, size: number = gaussianKernelSize(sigma)): Float64Array {
  checkSigma(sigma);
  if (!Number.isInteger(size) || size < 1) throw new Error(`kernel size must be a positive integer; got ${size}`);
  const half = (size - 1) / 2;
  const k = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * Returns the kernel size the blur uses on an h×w image: SEG's size clamped to D − (D % 2 − 1),
 * D = min(h, w) (SEG clamps by one side of its square maps; one square kernel serves both axes).
 */
export function blurKernelSize(sigma: number, h: number, w: number): number {
  const d = Math.min(h, w);
  return Math.min(gaussianKernelSize(sigma), d - ((d % 2) - 1));
}

/**
 * Returns NHWC `images` `[n, h, w, c]` blurred by SEG's separable Gaussian with reflect padding, same
 * shape; the kernel size follows SEG's rule and clamp unless `kernelSize` (odd, ≤ 2·min(h, w) − 1) is given.
 */
export function gaussianBlur(images: tf.Tensor4D, sigma: number, kernelSize?: number): tf.Tensor4D {
  const [, h, w] = checkImages(images, 'gaussianBlur');
  const limit = 2 * Math.min(h, w) - 1;
  if (kernelSize !== undefined && !(Number.isInteger(kernelSize) && kernelSize >= 1 && kernelSize % 2 === 1 && kernelSize <= limit)) {
    throw new Error(
      `Gaussian kernel size must be an odd integer in [1, ${limit}] for ${h}×${w} images (reflect padding); got ${kernelSize}`,
    );
  }
  const kernel = gaussianKernel(sigma, kernelSize ?? blurKernelSize(sigma, h, w));
  return applySeparable(images, blurAxis(kernel, h), blurAxis(kernel, w));
}

/**
 * Returns `images` `[n, h, w, c]` blurred (as `gaussianBlur`) where `mask` (`[n, h, w]` or `[n, h, w, 1]`, 0…1) is 1 and unchanged where it
 * is 0.
 */
export function maskedBlur(images: tf.Tensor4D, mask: tf.Tensor, sigma: number, kernelSize?: number): tf.Tensor4D {
  const [n, h, w] = checkImages(images, 'maskedBlur');
  const m = mask.rank === 3 ? [...mask.shape, 1] : mask.shape;
  if (m.length !== 4 || m[0] !== n || m[1] !== h || m[2] !== w || m[3] !== 1) {
    throw new Error(
      `maskedBlur needs a mask [${n}, ${h}, ${w}] or [${n}, ${h}, ${w}, 1] for images [${images.shape.join(', ')}]; got [${mask.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    const m4 = mask.reshape(m).toFloat();
    return images.add(m4.mul(gaussianBlur(images, sigma, kernelSize).sub(images))) as tf.Tensor4D;
  });
}

/** Returns `images` `[n, h, w, c]` with spatial frequencies above `cutoff`·Nyquist removed (radial FFT low-pass), same shape. */
export function removeHighFrequencies(images: tf.Tensor4D, cutoff: number): tf.Tensor4D {
  const [n, h, w, c] = checkImages(images, 'removeHighFrequencies');
  const low = radialMask([h, w], cutoff, 'low');
  const planes = tf.tidy(() => images.transpose([0, 3, 1, 2])); // [n, c, h, w]
  const data = planes.dataSync() as Float32Array;
  planes.dispose();
  const out = new Float32Array(data.length);
  for (let p = 0; p < n * c; p++) {
    const plane = ndarray(data.subarray(p * h * w, (p + 1) * h * w), [h, w]);
    out.set(filterWithMask(plane, low).data, p * h * w);
  }
  return tf.tidy(() => tf.tensor4d(out, [n, c, h, w]).transpose([0, 2, 3, 1]) as tf.Tensor4D);
}

/** Returns a 0/1 mask `[n, h, w]` with exactly round(fraction·h·w) ones per image, placed by Rng(seed, image index). */
export function randomResetMask(shape: [number, number, number], fraction: number, seed: number): tf.Tensor3D {
  const [n, h, w] = shape;
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`fraction must be in [0, 1]; got ${fraction}`);
  const count = Math.round(fraction * h * w);
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    new Rng(seed, i)
      .permutation(h * w)
      .slice(0, count)
      .forEach((p) => (data[i * h * w + p] = 1));
  }
  return tf.tensor3d(data, shape);
}

/** Returns a 0/1 mask `[n, h, w]` holding one side×side square per image, placed by Rng(seed, image index). */
export function squareResetMask(shape: [number, number, number], side: number, seed: number): tf.Tensor3D {
  const [n, h, w] = shape;
  if (!Number.isInteger(side) || side < 1 || side > Math.min(h, w)) {
    throw new Error(`square side must be an integer in [1, ${Math.min(h, w)}]; got ${side}`);
  }
  const data = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const rng = new Rng(seed, i);
    const top = rng.int(h - side + 1);
    const left = rng.int(w - side + 1);
    for (let y = top; y < top + side; y++) data.fill(1, i * h * w + y * w + left, i * h * w + y * w + left + side);
  }
  return tf.tensor3d(data, shape);
}

/** A masking strategy of the SAG paper's ablation (the SAG attention mask itself comes from `sagMask`). */
export type Degradation =
  | { kind: 'global-blur'; sigma: number }
  | { kind: 'high-frequency'; cutoff: number }
  | { kind: 'random-reset'; fraction: number; sigma: number; seed: number }
  | { kind: 'square-reset'; side: number; sigma: number; seed: number };

export const DEGRADATIONS = ['global-blur', 'high-frequency', 'random-reset', 'square-reset'] as const;

/**
 * Returns `images` `[n, h, w, c]` degraded as the ablation names, same shape. Reset strategies
 * replace the masked pixels by the Gaussian-blurred image (SAG step 3 with a random or square mask).
 */
export function degrade(images: tf.Tensor4D, d: Degradation): tf.Tensor4D {
  const [n, h, w] = checkImages(images, 'degrade');
  switch (d.kind) {
    case 'global-blur':
      return gaussianBlur(images, d.sigma);
    case 'high-frequency':
      return removeHighFrequencies(images, d.cutoff);
    case 'random-reset':
    case 'square-reset':
      return tf.tidy(() => {
        const mask =
          d.kind === 'random-reset' ? randomResetMask([n, h, w], d.fraction, d.seed) : squareResetMask([n, h, w], d.side, d.seed);
        return maskedBlur(images, mask, d.sigma);
      });
    default:
      throw new Error(`unknown degradation "${(d as { kind: string }).kind}"; kinds: ${DEGRADATIONS.join(', ')}`);
  }
}

function blurAxis(kernel: Float64Array, n: number): AxisMap {
  const pad = (kernel.length - 1) / 2;
  return axisMap(n, n, (i) => Array.from(kernel, (k, t): [number, number] => [i + t - pad, k]), reflectIndex);
}

function checkSigma(sigma: number): void {
  if (!Number.isFinite(sigma) || sigma <= 0) {
    throw new Error(`Gaussian σ must be a finite number > 0; got ${sigma} (for SEG's infinite blur use the mean over the grid)`);
  }
}

function checkImages(images: tf.Tensor, fn: string): [number, number, number, number] {
  if (images.rank !== 4) throw new Error(`${fn} takes NHWC images [n, h, w, c]; got shape [${images.shape.join(', ')}]`);
  return images.shape as [number, number, number, number];
}
