/**
 * Image filters for guidance and its ablations, on NHWC tensors `[n, h, w, c]`: SEG's Gaussian
 * kernel and separable reflect-padded blur, masked blur (SAG step 3), and the degradations of the SAG
 * masking ablation: a global blur, a global FFT low-pass, and blurs under a high-frequency, random or square mask.
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

/** Changes by a blur below this (pixel units) are float32 rounding of a flat region, not detail. */
const FLAT = 1e-5;

/**
 * Returns a 0/1 mask `[n, h, w]` of the pixels where the Gaussian blur of σ changes `images` `[n, h, w, c]` more than on average
 * (|blur(x) − x| summed over channels, above its per-image mean and above float32 rounding): the image's high-frequency regions at the
 * blur's scale, the analogue of SAG's "received attention above average". A constant image gives an empty mask.
 */
export function highFrequencyMask(images: tf.Tensor4D, sigma: number, kernelSize?: number): tf.Tensor3D {
  checkImages(images, 'highFrequencyMask');
  return tf.tidy(() => {
    const detail = gaussianBlur(images, sigma, kernelSize).sub(images).abs().sum(3); // [n, h, w]
    // A pixel the blur leaves unchanged up to float32 rounding (a flat region) is never in the mask.
    return detail
      .greater(detail.mean([1, 2], true))
      .logicalAnd(detail.greater(FLAT))
      .toFloat() as tf.Tensor3D;
  });
}

/** Returns a 0/1 mask `[n, h, w]` with exactly round(fraction·h·w) ones per image, placed by Rng(seed, image index). */
export function randomMask(shape: [number, number, number], fraction: number, seed: number): tf.Tensor3D {
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
export function squareMask(shape: [number, number, number], side: number, seed: number): tf.Tensor3D {
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

/**
 * A degradation of the SAG masking ablation (the SAG attention mask itself comes from `sagMask`): the whole image blurred, the whole
 * image FFT low-passed, or the image blurred under a mask of its high-frequency regions, of random pixels or of a random square.
 */
export type Degradation =
  | { kind: 'global-blur'; sigma: number }
  | { kind: 'fft-low-pass'; cutoff: number }
  | { kind: 'high-frequency-mask'; sigma: number }
  | { kind: 'random-mask'; fraction: number; sigma: number; seed: number }
  | { kind: 'square-mask'; side: number; sigma: number; seed: number };

export const DEGRADATIONS = ['global-blur', 'fft-low-pass', 'high-frequency-mask', 'random-mask', 'square-mask'] as const;

/** Returns `images` `[n, h, w, c]` degraded as `d.kind` names (see `Degradation`), same shape. */
export function degrade(images: tf.Tensor4D, d: Degradation): tf.Tensor4D {
  const [n, h, w] = checkImages(images, 'degrade');
  switch (d.kind) {
    case 'global-blur':
      return gaussianBlur(images, d.sigma);
    case 'fft-low-pass':
      return removeHighFrequencies(images, d.cutoff);
    case 'high-frequency-mask':
    case 'random-mask':
    case 'square-mask':
      return tf.tidy(() => {
        const mask =
          d.kind === 'high-frequency-mask'
            ? highFrequencyMask(images, d.sigma)
            : d.kind === 'random-mask'
              ? randomMask([n, h, w], d.fraction, d.seed)
              : squareMask([n, h, w], d.side, d.seed);
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
