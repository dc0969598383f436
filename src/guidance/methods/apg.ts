/**
 * Adaptive projected guidance, APG (Sadat, Hilliges & Weber 2024, "Eliminating Oversaturation and Artifacts of High
 * Guidance Scales in Diffusion Models", arXiv 2410.02416). The CFG difference Δ = P − N (P the conditional, N the
 * unconditional prediction) is, in this order: (1) averaged with reverse momentum, m_t = Δ_t + β·m_{t−1} (β < 0);
 * (2) rescaled to norm at most r, Δ ← Δ·min(1, r/‖Δ‖); (3) split into its parts parallel and orthogonal to P, and
 * the parallel part (which mostly oversaturates) down-weighted: update = Δ_⊥ + η·Δ_∥; D_out = P + γ·update.
 *
 * EDM mapping: the paper applies APG to the denoised predictions, which is this project's D(x; σ) itself, so P = D_pos,
 * N = D(x; σ, ∅) and r is a norm in D's units (per sample, over h·w·c). γ = w − 1 for the paper's scale w.
 * Norms and projections are per row; the momentum is per row and per run (one `guidedDenoiser`), updated at every
 * evaluation where the term is active (Heun: twice a step), so it never depends on batching or leaks between runs.
 * Defaults η = 0, r = 2.5, β = −0.75: those of the reference code of the paper (Algorithm 1) as public ports of it
 * (e.g. ACE-Step's apg_guidance.py) reproduce it, where r = 0 also means no rescaling; η = 1, r = 0 or ∞, β = 0 is CFG.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';
import { checkParam } from '../param-check';
import { rowDot, rowNorm, safeRatio } from '../row-math';
import { unconditionalNegative } from '../unconditional';

/** APG's defaults (the paper's reference code). */
export const APG_DEFAULTS = { eta: 0, r: 2.5, beta: -0.75 } as const;

/** APG in the registry. */
export const APG_METHOD: MethodDescriptor = {
  name: 'apg',
  summary:
    'negative = the null label; the update loses its part parallel to D_pos (η), is capped at norm r and averaged with reverse momentum β',
  paper: 'Sadat et al. 2024, Eliminating Oversaturation and Artifacts of High Guidance Scales in Diffusion Models',
  params: {
    ...termParams({ min: 0 }),
    eta: {
      kind: 'number',
      help: 'weight of the update part parallel to D_pos (1 = CFG)',
      default: APG_DEFAULTS.eta,
      range: { min: 0, max: 1 },
    },
    r: {
      kind: 'number',
      help: "norm cap of the update, in D's units per sample (0 or Infinity: none)",
      default: APG_DEFAULTS.r,
      range: { min: 0 },
      infinite: true,
    },
    beta: {
      kind: 'number',
      help: 'momentum m = Δ + β·m over the evaluations of a run (< 0: reverse; 0: none)',
      default: APG_DEFAULTS.beta,
      range: { above: -1, below: 1 },
    },
  },
  build: apg,
};

export interface ApgOptions extends TermOptions {
  /** Weight η ∈ [0, 1] of the part parallel to P (0: removed; 1: kept, as CFG). */
  eta?: number;
  /** Norm threshold r ≥ 0 of the (averaged) difference, in D's units; 0 or Infinity: no rescaling (0 as the reference code). */
  r?: number;
  /** Momentum β ∈ (−1, 1): m_t = Δ_t + β·m_{t−1}; negative = the paper's reverse momentum, 0 = none. */
  beta?: number;
}

/** Returns APG's update `[batch, h, w, c]` of a difference (after momentum): rescaled to norm ≤ r, then Δ_⊥ + η·Δ_∥ w.r.t. `positive`. */
export function apgUpdate(positive: tf.Tensor4D, difference: tf.Tensor4D, eta: number, r: number): tf.Tensor4D {
  return tf.tidy(() => {
    const d = r === Infinity ? difference : (tf.mul(difference, tf.minimum(1, tf.div(r, rowNorm(difference)))) as tf.Tensor4D);
    if (eta === 1) return d;
    const parallel = tf.mul(safeRatio(rowDot(d, positive), rowDot(positive, positive), 0), positive);
    return tf.add(d, tf.mul(parallel, eta - 1)) as tf.Tensor4D;
  });
}

/** Returns the APG term (γ = w − 1 ≥ 0). */
export function apg(opts: ApgOptions): GuidanceTerm {
  const { params } = APG_METHOD;
  checkOptions('apg', opts, params);
  const gamma = checkGamma('apg', opts.gamma);
  const eta = checkParam('apg', params, 'eta', opts.eta ?? APG_DEFAULTS.eta);
  const r = checkParam('apg', params, 'r', opts.r ?? APG_DEFAULTS.r) || Infinity;
  const beta = checkParam('apg', params, 'beta', opts.beta ?? APG_DEFAULTS.beta);
  return {
    method: 'apg',
    gamma,
    interval: checkInterval('apg', opts.interval),
    ...unconditionalNegative('apg'),
    combiner() {
      let momentum: tf.Tensor4D | null = null;
      return {
        update({ positive, difference }) {
          let d = difference;
          if (beta !== 0) {
            d = momentum ? (tf.add(difference, tf.mul(momentum, beta)) as tf.Tensor4D) : difference;
            const old = momentum;
            momentum = tf.keep(d.clone());
            old?.dispose();
          }
          return { delta: tf.mul(apgUpdate(positive, d, eta, r), gamma) };
        },
        dispose() {
          momentum?.dispose();
          momentum = null;
        },
      };
    },
  };
}
