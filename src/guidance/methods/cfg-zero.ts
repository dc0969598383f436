/**
 * CFG-Zero* (Fan et al. 2025, "CFG-Zero*: Improved Classifier-Free Guidance for Flow Matching
 * Models", arXiv 2503.18886). Two changes to CFG on a flow model's velocity v: (1) the unconditional prediction is
 * scaled by the least-squares s* = ⟨v_c, v_∅⟩ / ‖v_∅‖² (per sample), v = s*·v_∅ + w(v_c − s*·v_∅); (2) "zero-init":
 * the velocity is zero for the first K steps (the paper suggests the first ~4% of steps; diffusers uses K = 1).
 *
 * EDM mapping: the rectified flow x_t = (1 − t)y + t·n is this project's x = y + σn with x_t = x/(1 + σ),
 * t = σ/(1 + σ), and its velocity is v = n − y = (x − (1 + σ)D)/σ = −(1 + σ)/σ·(D − x/(1 + σ)). Both changes need
 * only D − Z for the origin Z = x/(1 + σ) (see prediction.ts), so with P = D(x; σ, c), N = D(x; σ, ∅):
 * s* = ⟨P − Z, N − Z⟩ / ‖N − Z‖², the scaled negative is Ñ = Z + s*(N − Z), D_out = P + γ(P − Ñ) (γ = w − 1), and a
 * zero velocity is D_out = Z, which keeps x_t fixed (x grows as 1 + σ). `prediction` moves the same construction to
 * the noise (Z = x, as ComfyUI's CFGZeroStar computes s* on x − D) or to D itself (Z = 0). "First K steps" counts
 * the sampler's steps (Heun's corrector belongs to its step); `scale: 'none'` keeps N (zero-init only, an ablation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';
import { checkParam } from '../param-check';
import { PREDICTIONS, Prediction, predictionOrigin } from '../prediction';
import { rowDot, safeRatio } from '../row-math';
import { unconditionalNegative } from '../unconditional';

/** How CFG-Zero* scales the unconditional prediction: by s* (the method), or not at all (zero-init alone). */
export const ZERO_STAR_SCALES = ['optimized', 'none'] as const;

/** CFG-Zero*'s defaults: one zero-init step (diffusers), s* on the flow velocity (the paper's models). */
export const CFG_ZERO_DEFAULTS = { zeroSteps: 1, prediction: 'v', scale: 'optimized' } as const;

/** CFG-Zero* in the registry. */
export const CFG_ZERO_METHOD: MethodDescriptor = {
  name: 'cfg-zero',
  summary: 'negative = the null label scaled by the least-squares s* (on the flow velocity); the first K steps output a zero velocity',
  paper: 'Fan et al. 2025, CFG-Zero*: Improved Classifier-Free Guidance for Flow Matching Models',
  params: {
    ...termParams({ min: 0 }),
    zeroSteps: {
      kind: 'integer',
      help: 'K: the first K sampler steps output the zero prediction D = Z',
      default: CFG_ZERO_DEFAULTS.zeroSteps,
      range: { min: 0 },
    },
    prediction: {
      kind: 'name',
      help: 'parametrisation of s* and the zero: v (flow velocity), eps (noise) or x0 (D)',
      default: 'v',
      choices: PREDICTIONS,
    },
    scale: {
      kind: 'name',
      help: 'scale the negative by s* (optimized) or not (none: zero-init alone)',
      default: 'optimized',
      choices: ZERO_STAR_SCALES,
    },
  },
  build: cfgZero,
};

export interface CfgZeroOptions extends TermOptions {
  /** K ≥ 0: the first K sampler steps output D = Z (zero prediction). */
  zeroSteps?: number;
  /** The parametrisation s* and the zero are defined in: v (the paper), eps or x0. */
  prediction?: Prediction;
  scale?: (typeof ZERO_STAR_SCALES)[number];
}

/** Returns s* = ⟨a, b⟩ / ‖b‖² per row `[batch, 1, 1, 1]` (1 where b = 0): the s minimising ‖a − s·b‖². */
export function zeroStarScale(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => safeRatio(rowDot(a, b), rowDot(b, b), 1));
}

/** Returns the CFG-Zero* term (γ = w − 1 ≥ 0). */
export function cfgZero(opts: CfgZeroOptions): GuidanceTerm {
  const { params } = CFG_ZERO_METHOD;
  checkOptions('cfg-zero', opts, params);
  const gamma = checkGamma('cfg-zero', opts.gamma);
  const zeroSteps = checkParam('cfg-zero', params, 'zeroSteps', opts.zeroSteps ?? CFG_ZERO_DEFAULTS.zeroSteps);
  const prediction = checkParam<Prediction>('cfg-zero', params, 'prediction', opts.prediction ?? CFG_ZERO_DEFAULTS.prediction);
  const scale = checkParam('cfg-zero', params, 'scale', opts.scale ?? CFG_ZERO_DEFAULTS.scale);
  return {
    method: 'cfg-zero',
    gamma,
    interval: checkInterval('cfg-zero', opts.interval),
    ...unconditionalNegative('cfg-zero'),
    combiner: () => ({
      update({ x, sigma, step, positive, negative, difference }) {
        if (step < zeroSteps) return { delta: tf.sub(predictionOrigin(prediction, x, sigma), positive) };
        if (scale === 'none') return { delta: tf.mul(difference, gamma) };
        const origin = predictionOrigin(prediction, x, sigma);
        const b = tf.sub(negative, origin) as tf.Tensor4D;
        const scaled = tf.add(origin, tf.mul(zeroStarScale(tf.sub(positive, origin) as tf.Tensor4D, b), b));
        return { delta: tf.mul(tf.sub(positive, scaled), gamma) };
      },
    }),
  };
}
