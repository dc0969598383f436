/**
 * Held-out denoising error per noise level: EDM's loss weight λ(σ) times the mean squared error of
 * D(y + σ·n; σ, c) against the clean images y, with the same images and noise at every σ, so the
 * numbers compare across noise levels and across models (where a weak guide errs against a strong one).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import { sampleNoise } from '../random';
import { edmWeight } from '../train/loss';

/**
 * Returns λ(σ)·MSE for each σ of `sigmas` (one number each): `model` denoises `images + σ·noise` (both `[n, h, w, c]`,
 * images in [−1, 1]) with `labels` (one per image), `chunk` images per forward pass. `noise` is a tensor, or a seed: image i
 * then gets the sampler's noise of (seed, i), the same for every model and σ.
 */
export function denoisingErrors(
  model: Denoiser,
  images: tf.Tensor4D,
  labels: readonly number[],
  sigmas: readonly number[],
  noise: tf.Tensor4D | number,
  chunk = 50,
): number[] {
  const n = images.shape[0];
  if (typeof noise === 'number') {
    const [, h, w, c] = images.shape;
    const seeded = sampleNoise(
      [h, w, c],
      noise,
      Array.from({ length: n }, (_, i) => i),
    ) as tf.Tensor4D;
    try {
      return denoisingErrors(model, images, labels, sigmas, seeded, chunk);
    } finally {
      seeded.dispose();
    }
  }
  if (noise.shape.join() !== images.shape.join()) {
    throw new Error(`denoisingErrors: noise [${noise.shape.join(', ')}] must have the images' shape [${images.shape.join(', ')}]`);
  }
  if (labels.length !== n) throw new Error(`denoisingErrors: ${labels.length} labels for ${n} images; give one per image`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`denoisingErrors: chunk must be an integer ≥ 1; got ${chunk}`);
  const bad = sigmas.find((s) => !(s > 0 && Number.isFinite(s)));
  if (bad !== undefined) throw new Error(`denoisingErrors: every σ must be a finite number > 0; got ${bad}`);
  return sigmas.map((s) => {
    let sum = 0;
    for (let lo = 0; lo < n; lo += chunk) {
      const size = Math.min(chunk, n - lo);
      sum += tf.tidy(() => {
        const clean = images.slice([lo, 0, 0, 0], [size, -1, -1, -1]);
        const noisy = tf.add(clean, tf.mul(noise.slice([lo, 0, 0, 0], [size, -1, -1, -1]), s)) as tf.Tensor4D;
        const d = model.denoise(noisy, new Array(size).fill(s), { labels: labels.slice(lo, lo + size) });
        return tf.sum(tf.square(tf.sub(d, clean))).dataSync()[0];
      });
    }
    return (sum / images.size) * edmWeight(s);
  });
}
