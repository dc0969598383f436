/**
 * Frequency-decoupled guidance, FDG (Sadat et al. 2025, "Guidance in the Frequency Domain Enables
 * High-Fidelity Sampling at Low CFG Scales", arXiv 2506.19713). The conditional and unconditional predictions are
 * split into frequency bands with a Laplacian pyramid, CFG is applied in each band with its own scale, and the
 * bands are collapsed back: low frequencies (global structure, colour) get a low scale, high ones (detail) a high one.
 * The paper's example for SDXL is w_low = 5, w_high = 10.
 *
 * EDM mapping: the pyramid and CFG are linear, so FDG is the same in every parametrisation; with P = D(x; σ, c),
 * N = D(x; σ, ∅) its contribution is Δ = Σ_k γ_k·collapse(band_k(P − N)). Here γ (= w_high − 1) weighs the `levels`
 * − 1 detail bands and γ·lowRatio (= w_low − 1) the coarsest band; the default lowRatio 4/9 is the paper's (5 − 1)/(10 − 1).
 * With lowRatio = 1 FDG is CFG (the pyramid collapses to the image exactly, up to rounding).
 */
import * as tf from '@tensorflow/tfjs-core';
import { collapsePyramid, laplacianPyramid, maxPyramidLevels } from '../../analysis/pyramid';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';
import { checkParam } from '../param-check';
import { unconditionalNegative } from '../unconditional';

/** FDG's defaults: two levels, w_low = 5 and w_high = 10 as the paper's SDXL setting (γ_low/γ_high = 4/9). */
export const FDG_DEFAULTS = { lowRatio: 4 / 9, levels: 2 } as const;

/** FDG in the registry. */
export const FDG_METHOD: MethodDescriptor = {
  name: 'fdg',
  summary: 'negative = the null label; CFG per Laplacian-pyramid band, γ on the detail bands and γ·lowRatio on the coarsest',
  paper: 'Sadat et al. 2025, Guidance in the Frequency Domain Enables High-Fidelity Sampling at Low CFG Scales',
  params: {
    ...termParams({ min: 0 }),
    lowRatio: {
      kind: 'number',
      help: 'γ_low / γ of the coarsest band (1 = CFG; 4/9: the paper\'s w_low 5, w_high 10)',
      default: '4/9',
      range: { min: 0 },
    },
    levels: {
      kind: 'integer',
      help: 'pyramid levels (the finest levels − 1 are detail bands)',
      default: FDG_DEFAULTS.levels,
      range: { min: 2 },
    },
  },
  build: fdg,
};

export interface FdgOptions extends TermOptions {
  /** γ_low / γ_high ≥ 0: the coarsest band's weight relative to γ (1 = CFG). */
  lowRatio?: number;
  /** Pyramid levels ≥ 2 (the finest levels − 1 are detail bands). */
  levels?: number;
}

/** Returns Σ_k weights[k]·band_k(difference) collapsed, `[batch, h, w, c]`; `weights` finest band first, one per level. */
export function bandWeighted(difference: tf.Tensor4D, weights: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => collapsePyramid(laplacianPyramid(difference, weights.length).map((b, k) => tf.mul(b, weights[k]) as tf.Tensor4D)));
}

/** Returns the FDG term (γ = w_high − 1 ≥ 0). */
export function fdg(opts: FdgOptions): GuidanceTerm {
  const { params } = FDG_METHOD;
  checkOptions('fdg', opts, params);
  const gamma = checkGamma('fdg', opts.gamma);
  const lowRatio = checkParam('fdg', params, 'lowRatio', opts.lowRatio ?? FDG_DEFAULTS.lowRatio);
  const levels = checkParam('fdg', params, 'levels', opts.levels ?? FDG_DEFAULTS.levels);
  const weights = [...new Array<number>(levels - 1).fill(gamma), gamma * lowRatio];
  const negative = unconditionalNegative('fdg');
  return {
    method: 'fdg',
    gamma,
    interval: checkInterval('fdg', opts.interval),
    plan: negative.plan,
    check(model) {
      negative.check(model);
      const most = maxPyramidLevels(model.config.imageSize, model.config.imageSize);
      if (levels > most) {
        throw new Error(`fdg: levels must be an integer ≥ 2, ≤ ${most} for ${model.config.imageSize}-pixel images; got ${levels}`);
      }
    },
    combiner: () => ({ update: ({ difference }) => ({ delta: bandWeighted(difference, weights) }) }),
  };
}
