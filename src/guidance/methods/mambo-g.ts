/**
 * MAMBO-G (Zhu, Peng, Shu et al. 2025, "MAMBO-G: Magnitude-Aware Mitigation for Boosted Guidance", arXiv 2508.03442).
 * The CFG weight is damped by the relative magnitude of the update: r = ‖v_c − v_∅‖ / ‖v_∅‖ per sample and
 * w(r) = 1 + (w_max − 1)·exp(−α r), so large early updates are shrunk; α = 8 as diffusers' MagnitudeAwareGuidance.
 *
 * EDM mapping: with γ = w_max − 1, γ(r) = γ·exp(−α r) and Δ = γ(r)·(P − N), P = D(x; σ, c), N = D(x; σ, ∅). The
 * ratio needs a parametrisation (the paper's models predict the flow velocity, the default; see prediction.ts):
 * with origin Z, r = ‖P − N‖ / ‖N − Z‖, any factor c(σ) cancelling. r is taken per row (γ(r) = γ where N = Z).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';
import { checkParam } from '../param-check';
import { PREDICTIONS, Prediction, predictionOrigin } from '../prediction';
import { rowNorm, safeRatio } from '../row-math';
import { unconditionalNegative } from '../unconditional';

/** MAMBO-G's defaults: α = 8, the ratio on the flow velocity. */
export const MAMBO_G_DEFAULTS = { alpha: 8, prediction: 'v' } as const;

/** MAMBO-G in the registry. */
export const MAMBO_G_METHOD: MethodDescriptor = {
  name: 'mambo-g',
  summary: 'negative = the null label; γ damped to γ·exp(−α r) by the update-to-prediction magnitude ratio r',
  paper: 'Zhu et al. 2025, MAMBO-G: Magnitude-Aware Mitigation for Boosted Guidance',
  params: {
    ...termParams({ min: 0 }),
    alpha: {
      kind: 'number',
      help: 'damping α of γ·exp(−α r), r = ‖P − N‖ / ‖N − Z‖ (0 = CFG)',
      default: MAMBO_G_DEFAULTS.alpha,
      range: { min: 0 },
    },
    prediction: {
      kind: 'name',
      help: 'parametrisation of r: v (flow velocity), eps (noise) or x0 (D)',
      default: 'v',
      choices: PREDICTIONS,
    },
  },
  build: mamboG,
};

export interface MamboGOptions extends TermOptions {
  /** Damping α ≥ 0 (0 = CFG). */
  alpha?: number;
  /** The parametrisation the magnitude ratio is taken in. */
  prediction?: Prediction;
}

/** Returns γ·exp(−α r) per row `[batch, 1, 1, 1]`, r = ‖difference‖ / ‖negative − origin‖ (r = 0 where the denominator is 0). */
export function mamboWeight(difference: tf.Tensor4D, negativeFromOrigin: tf.Tensor4D, gamma: number, alpha: number): tf.Tensor4D {
  return tf.tidy(() => {
    const ratio = safeRatio(rowNorm(difference), rowNorm(negativeFromOrigin), 0);
    return tf.mul(tf.exp(tf.mul(ratio, -alpha)), gamma) as tf.Tensor4D;
  });
}

/** Returns the MAMBO-G term (γ = w_max − 1 ≥ 0). */
export function mamboG(opts: MamboGOptions): GuidanceTerm {
  const { params } = MAMBO_G_METHOD;
  checkOptions('mambo-g', opts, params);
  const gamma = checkGamma('mambo-g', opts.gamma);
  const alpha = checkParam('mambo-g', params, 'alpha', opts.alpha ?? MAMBO_G_DEFAULTS.alpha);
  const prediction = checkParam<Prediction>('mambo-g', params, 'prediction', opts.prediction ?? MAMBO_G_DEFAULTS.prediction);
  return {
    method: 'mambo-g',
    gamma,
    interval: checkInterval('mambo-g', opts.interval),
    ...unconditionalNegative('mambo-g'),
    combiner: () => ({
      update({ x, sigma, negative, difference }) {
        const fromOrigin = tf.sub(negative, predictionOrigin(prediction, x, sigma)) as tf.Tensor4D;
        return { delta: tf.mul(difference, mamboWeight(difference, fromOrigin, gamma, alpha)) };
      },
    }),
  };
}
