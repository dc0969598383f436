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

/** Returns the mean weighted EDM loss (a scalar) of `model` on clean images `[batch, h, w, c]`, drawing σ, noise and dropout from `rng`. */
export function edmLoss(model: Denoiser, images: tf.Tensor4D, labels: ArrayLike<number>, rng: Rng, opts: LossOptions = EDM_LOSS): tf.Scalar {
  const b = images.shape[0];
  const sigma = Array.from({ length: b }, () => Math.exp(opts.pMean + opts.pStd * rng.normal()));
  const lab = Array.from(labels, (l) => (model.config.classes === 0 || rng.uniform() < opts.labelDropout ? NULL_LABEL : l));
  const weight = sigma.map((s) => (s * s + SIGMA_DATA * SIGMA_DATA) / (s * SIGMA_DATA) ** 2);
  const per = images.size / b;
  const noiseValues = rng.normals(images.size);
  return tf.tidy(() => {
    const noise = tf.tensor(noiseValues, images.shape);
    const sig = tf.tensor(sigma, [b, 1, 1, 1]);
    const noisy = tf.add(images, tf.mul(noise, sig)) as tf.Tensor4D;
    const d = model.denoise(noisy, sigma, { labels: lab });
    const err = tf.sum(tf.square(tf.sub(d, images)), [1, 2, 3]);
    return tf.div(tf.sum(tf.mul(err, tf.tensor1d(weight))), b * per) as tf.Scalar;
  });
}
