/**
 * Tangential damping CFG, TCFG (Kwon, Kim, Jeong, Hsiao & Uh 2025, "TCFG: Tangential Damping Classifier-free
 * Guidance", arXiv 2503.18137). The conditional and unconditional predictions of a sample are stacked into a 2×d
 * matrix; the unconditional prediction is replaced by its projection on the leading right-singular vector v₁ of that
 * matrix (the component along the second singular vector, tangential to the data manifold, is dropped), then CFG runs
 * on (P, N'): D_out = P + γ(P − N'), γ = w − 1.
 *
 * EDM mapping: the projection is not invariant under a shift of the predictions, so it needs a parametrisation; TCFG
 * works on the noise prediction ε = (x − D)/σ (the default, `prediction`: see prediction.ts). With a = P − Z and
 * b = N − Z (Z = x for ε; any positive or negative factor c(σ) cancels): b' = ⟨b, v₁⟩v₁, N' = Z + b', Δ = γ(a − b').
 * v₁ comes in closed form from the 2×2 Gram matrix [[a·a, a·b], [a·b, b·b]]: its leading eigenvector u gives
 * v₁ ∝ u₁a + u₂b. Invariant: when a and b are parallel (a rank-1 stack) b' = b and TCFG is CFG.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';
import { checkParam } from '../param-check';
import { PREDICTIONS, Prediction, predictionOrigin } from '../prediction';
import { rowDot, safeRatio } from '../row-math';
import { unconditionalNegative } from '../unconditional';

/** TCFG in the registry. */
export const TCFG_METHOD: MethodDescriptor = {
  name: 'tcfg',
  summary: 'negative = the null label projected on the leading right-singular vector of the stacked [positive; negative]',
  paper: 'Kwon et al. 2025, TCFG: Tangential Damping Classifier-free Guidance',
  params: {
    ...termParams({ min: 0 }),
    prediction: {
      kind: 'name',
      help: 'parametrisation of the projection: eps (noise), v (flow velocity) or x0 (D)',
      default: 'eps',
      choices: PREDICTIONS,
    },
  },
  build: tcfg,
};

export interface TcfgOptions extends TermOptions {
  /** The parametrisation the projection is taken in (default eps, the noise prediction). */
  prediction?: Prediction;
}

/**
 * Returns b projected on the leading right-singular vector of the stack [a; b], per row, `[batch, h, w, c]`
 * (0 where the stack is 0 or its two singular values tie with a ⟂ b).
 */
export function tangentialProjection(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [aa, ab, bb] = [rowDot(a, a), rowDot(a, b), rowDot(b, b)];
    const half = tf.div(tf.sub(aa, bb), 2);
    const top = tf.add(tf.div(tf.add(aa, bb), 2), tf.sqrt(tf.add(tf.square(half), tf.square(ab))));
    // (G − λ₁I)u = 0 has the solutions (λ₁ − b·b, a·b) and (a·b, λ₁ − a·a); take the one that cannot vanish.
    const aFirst = tf.greaterEqual(aa, bb);
    const u1 = tf.where(aFirst, tf.sub(top, bb), ab);
    const u2 = tf.where(aFirst, ab, tf.sub(top, aa));
    const w = tf.add(tf.mul(a, u1), tf.mul(b, u2)) as tf.Tensor4D;
    return tf.mul(safeRatio(rowDot(b, w), rowDot(w, w), 0), w) as tf.Tensor4D;
  });
}

/** Returns the TCFG term (γ = w − 1 ≥ 0). */
export function tcfg(opts: TcfgOptions): GuidanceTerm {
  checkOptions('tcfg', opts, TCFG_METHOD.params);
  const gamma = checkGamma('tcfg', opts.gamma);
  const prediction = checkParam<Prediction>('tcfg', TCFG_METHOD.params, 'prediction', opts.prediction ?? 'eps');
  return {
    method: 'tcfg',
    gamma,
    interval: checkInterval('tcfg', opts.interval),
    ...unconditionalNegative('tcfg'),
    combiner: () => ({
      update({ x, sigma, positive, negative }) {
        const origin = predictionOrigin(prediction, x, sigma);
        const a = tf.sub(positive, origin) as tf.Tensor4D;
        return { delta: tf.mul(tf.sub(a, tangentialProjection(a, tf.sub(negative, origin) as tf.Tensor4D)), gamma) };
      },
    }),
  };
}
