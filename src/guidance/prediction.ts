/**
 * The parametrisations a guidance method's nonlinear step can be defined in, mapped onto this project's EDM
 * denoiser D(x; σ) (x = y + σ·n). Each prediction is F = c(σ)·(D − Z) for an origin Z at which F = 0:
 * - `x0`: the denoised estimate, F = D (Z = 0);
 * - `eps`: the noise, F = (x − D)/σ (Z = x);
 * - `v`: the rectified-flow velocity n − y under x_t = x/(1 + σ), t = σ/(1 + σ), F = (x − (1 + σ)D)/σ (Z = x/(1 + σ)).
 * Scale-free quantities (projections, ratios of norms, least-squares scales) need only D − Z; F = 0 is D = Z.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parametrisations. */
export const PREDICTIONS = ['x0', 'eps', 'v'] as const;
export type Prediction = (typeof PREDICTIONS)[number];

/** Returns the origin Z `[batch, h, w, c]` of `prediction` at (x, σ): the denoised estimate whose prediction is zero. */
export function predictionOrigin(prediction: Prediction, x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  if (prediction === 'x0') return tf.zerosLike(x);
  if (prediction === 'eps') return x;
  return tf.div(x, 1 + sigma);
}
