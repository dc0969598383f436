/**
 * The guided denoiser: runs the positive pass and every active term's negative (batched, SAG in a
 * second phase) and returns D_out = D_pos + Σ γ_i (P_i − N_i).
 *
 * Differences are taken in noise-prediction units, σ·ε = x − D, as diffusers and the SAG paper do:
 * P − N = (D_P − D_N) − (x_P − x_N). That is the plain D difference whenever both branches see the
 * same x (every method but SAG); SAG's negative sees x̂ = degrade(D_base) + (x − D_base), so its term
 * becomes γ(degrade(D_base) − D(x̂)) — not γ(D_base − D(x̂)), which adds γ times the detail the
 * degradation removed (an unsharp mask) at every step.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import { asBinding, type AttentionProcessor, type ProcessorMap } from '../model/attention/processors';
import type { DenoiseFn } from '../diffusion';
import { evaluateRequests } from './evaluate';
import { DeferredNegative, EvalRequest, GuidanceTerm, isActive } from './term';

/**
 * Returns the guided denoiser for rows with `labels` and sample `indices` (a `DenoiseFn`,
 * `[batch, h, w, c]` in and out). Terms with γ = 0 or outside their σ interval cost nothing.
 * SAG's base branch is the positive, or, when a term with an unconditional negative (CFG) is active, that branch (diffusers).
 * `positiveProcessors(σ)` gives attention processors for the positive pass (e.g. an attention recorder).
 */
export function guidedDenoiser(model: Denoiser, terms: GuidanceTerm[], labels: number[], indices: number[], positiveProcessors?: (sigma: number) => ProcessorMap | undefined): DenoiseFn {
  for (const t of terms) t.check(model);
  if (indices.length !== labels.length) throw new Error(`${indices.length} sample indices for ${labels.length} labels`);
  return (x, sigma) => {
    if (x.shape[0] !== labels.length) throw new Error(`labels has ${labels.length} entries for a batch of ${x.shape[0]}`);
    const deferred: DeferredNegative[] = [];
    try {
      return tf.tidy(() => {
        const active = terms.filter((t) => isActive(t, sigma));
        const ctx = { model, x, sigma, labels, indices };
        const plans = active.map((t) => t.plan(ctx));
        const positive: EvalRequest = { model, x, labels, processors: wholeRows(positiveProcessors?.(sigma)) };
        const direct: EvalRequest[] = [];
        const negIndex = plans.map((p) => ('negative' in p ? direct.push(p.negative) : -1));
        const uncondRow = active.findIndex((t) => t.unconditionalNegative === true);
        const sagBase = uncondRow >= 0 ? direct[negIndex[uncondRow] - 1] : positive;
        for (const p of plans) {
          if (!('deferred' in p)) continue;
          deferred.push(p.deferred);
          for (const [layer, proc] of Object.entries(p.deferred.capture)) {
            if (sagBase.processors?.[layer]) throw new Error(`two SAG terms capture layer ${layer} on the same branch`);
            sagBase.processors = { ...sagBase.processors, [layer]: proc };
          }
        }
        const [dPos, ...dDirect] = evaluateRequests([positive, ...direct], sigma);
        const base = { x: sagBase.x, labels: sagBase.labels, denoised: uncondRow >= 0 ? dDirect[negIndex[uncondRow] - 1] : dPos, sigma, indices };
        const deferredRequests = deferred.map((d) => d.negative(base));
        const dDeferred = evaluateRequests(deferredRequests, sigma);
        let out: tf.Tensor4D = dPos;
        let k = 0;
        plans.forEach((p, i) => {
          let diff: tf.Tensor;
          if ('negative' in p) {
            diff = tf.sub(dPos, dDirect[negIndex[i] - 1]);
          } else {
            const request = deferredRequests[k];
            diff = tf.sub(tf.sub(base.denoised, dDeferred[k++]), tf.sub(base.x, request.x));
          }
          out = tf.add(out, tf.mul(diff, active[i].gamma));
        });
        return out;
      });
    } finally {
      for (const d of deferred) d.dispose();
    }
  };
}

/** Returns the processors of a map that apply to every row of the positive (row ranges are the engine's to set). */
function wholeRows(map: ProcessorMap | undefined): Record<string, AttentionProcessor> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).map(([layer, p]) => {
    const b = asBinding(p);
    if (b.rows) throw new Error(`positive-pass processors apply to all its rows; layer ${layer} asks for rows [${b.rows}]`);
    return [layer, b.processor];
  }));
}
