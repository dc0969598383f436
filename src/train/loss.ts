/**
 * EDM training loss: ln σ ~ N(P_mean, P_std²), weight (σ²+σ_d²)/(σσ_d)², labels dropped to the null
 * class with probability p so the same network learns the unconditional denoiser.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Denoiser, NULL_LABEL, SIGMA_DATA } from '../model/denoiser';
import { Rng } from '../random';

export interface LossOptions {
  pMean: number;
  pStd: number;
  /** Probability of replacing a label by the null class. */
  labelDropout: number;
}

export const EDM_LOSS: LossOptions = { pMean: -1.2, pStd: 1.2, labelDropout: 0.15 };

/**
 * Returns EDM's loss weight λ(σ) = (σ² + σ_d²) / (σ·σ_d)² = 1 / c_out(σ)²: the weighted error is the network's own error on its
 * unit-variance target.
 */
export function edmWeight(sigma: number): number {
  return (sigma * sigma + SIGMA_DATA * SIGMA_DATA) / (sigma * SIGMA_DATA) ** 2;
}

/**
 * Returns the weighted EDM loss (a scalar) of `model` on clean images `[batch, h, w, c]`, drawing σ,
 * noise and dropout from `rng`: the batch mean, or with `rows` = [lo, hi) that shard's share of it
 * (its rows' sum over the whole batch's count), so the shares of a split batch add up to the mean.
 * The draws are always made for the whole batch, so every shard sees the same ones.
 */
export function edmLoss(
  model: Denoiser,
  images: tf.Tensor4D,
  labels: ArrayLike<number>,
  rng: Rng,
  opts: LossOptions = EDM_LOSS,
  rows: [number, number] = [0, images.shape[0]],
): tf.Scalar {
  const b = images.shape[0];
  const [lo, hi] = rows;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && 0 <= lo && lo < hi && hi <= b))
    throw new Error(`edmLoss: rows [${lo}, ${hi}) are not a non-empty range of the batch of ${b}`);
  const sigma = Array.from({ length: b }, () => Math.exp(opts.pMean + opts.pStd * rng.normal()));
  const lab = Array.from(labels, (l) => (model.config.classes === 0 || rng.uniform() < opts.labelDropout ? NULL_LABEL : l));
  const weight = sigma.map(edmWeight);
  const per = images.size / b;
  const noiseValues = rng.normals(images.size);
  const n = hi - lo;
  return tf.tidy(() => {
    const clean = n === b ? images : tf.slice(images, [lo, 0, 0, 0], [n, -1, -1, -1]);
    const noise = tf.tensor(noiseValues.subarray(lo * per, hi * per), clean.shape);
    const sig = tf.tensor(sigma.slice(lo, hi), [n, 1, 1, 1]);
    const noisy = tf.add(clean, tf.mul(noise, sig)) as tf.Tensor4D;
    const d = model.denoise(noisy, sigma.slice(lo, hi), { labels: lab.slice(lo, hi) });
    const err = tf.sum(tf.square(tf.sub(d, clean)), [1, 2, 3]);
    return tf.div(tf.sum(tf.mul(err, tf.tensor1d(weight.slice(lo, hi)))), b * per) as tf.Scalar;
  });
}
