/**
 * The guided denoiser: runs the positive pass and every active term's negative (batched, SAG in a
 * second phase) and returns D_out = D_pos + Σ Δ_i, Δ_i = γ_i (P_i − N_i) unless the term's combiner
 * transforms it (APG, CFG-Zero*, FDG, TCFG, MAMBO-G) or the term owns the sampler step (CFG++).
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
import type { DenoiseFn, EvalAt, Renoised, StepDenoiseFn } from '../diffusion';
import { evaluateRequests } from './evaluate';
import { isActive } from './term';
import type { CombineInput, DeferredNegative, EvalRequest, GuidanceTerm, MethodName, TermCombiner, TermUpdate } from './term';

/** One term's update Δ_i at one evaluation, as `onGuidance` sees it. */
export interface GuidanceUpdate {
  sigma: number;
  /** The sampler's step (0-based; Heun's corrector shares its step) when the sampler gives it, else `call`. */
  step: number;
  /** The evaluation's index within this guided denoiser (one batch of one sampling run): 0, 1, … */
  call: number;
  /** The term's index in the `terms` list. */
  term: number;
  method: MethodName;
  gamma: number;
  /** The sample index of each row. */
  indices: readonly number[];
  /** Δ_i `[batch, h, w, c]`: the term's contribution to D_out; lives only during the call (tf.keep or read it to hold on). */
  delta: tf.Tensor4D;
}

/** What a guided denoiser can be given besides its terms. */
export interface GuidedOptions {
  /** Attention processors for the positive pass at σ (e.g. an attention recorder). */
  positiveProcessors?: (sigma: number) => ProcessorMap | undefined;
  /** Called with each active term's update at every evaluation. */
  onGuidance?: (update: GuidanceUpdate) => void;
}

/**
 * A guided denoiser for one sampling run: called as a `DenoiseFn` it returns D_out `[batch, h, w, c]`; `step` is the
 * sampler's entry (D_out, or a `Renoised` when a term owns the step); `dispose` frees per-run state (APG's momentum).
 */
export interface GuidedDenoiseFn extends DenoiseFn {
  (x: tf.Tensor4D, sigma: number, at?: EvalAt): tf.Tensor4D;
  step: StepDenoiseFn;
  dispose(): void;
}

/**
 * Returns the guided denoiser for rows with `labels` and sample `indices` (a `DenoiseFn`,
 * `[batch, h, w, c]` in and out). Terms with γ = 0 or outside their σ interval cost nothing.
 * SAG's base branch is the positive, or, when a term with an unconditional negative (CFG) is active, that branch (diffusers).
 * `options` may be the positive pass's processors at σ (e.g. an attention recorder), or `GuidedOptions`.
 * Each call of `guidedDenoiser` starts a fresh run: per-run state never leaks between batches or runs.
 */
export function guidedDenoiser(
  model: Denoiser,
  terms: GuidanceTerm[],
  labels: number[],
  indices: number[],
  options?: GuidedOptions | ((sigma: number) => ProcessorMap | undefined),
): GuidedDenoiseFn {
  const opts: GuidedOptions = typeof options === 'function' ? { positiveProcessors: options } : (options ?? {});
  const { positiveProcessors, onGuidance } = opts;
  for (const t of terms) t.check(model);
  if (indices.length !== labels.length) throw new Error(`${indices.length} sample indices for ${labels.length} labels`);
  const combiners = terms.map((t) => t.combiner?.() ?? null);
  let calls = 0;
  const step = (x: tf.Tensor4D, sigma: number, at?: EvalAt): tf.Tensor4D | Renoised => {
    if (x.shape[0] !== labels.length) throw new Error(`labels has ${labels.length} entries for a batch of ${x.shape[0]}`);
    const call = calls++;
    const deferred: DeferredNegative[] = [];
    try {
      return tf.tidy(() => {
        const activeIndex = terms.flatMap((t, i) => (isActive(t, sigma) ? [i] : []));
        const active = activeIndex.map((i) => terms[i]);
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
        const baseDenoised = uncondRow >= 0 ? dDirect[negIndex[uncondRow] - 1] : dPos;
        const base = { x: sagBase.x, labels: sagBase.labels, denoised: baseDenoised, sigma, indices };
        const deferredRequests = deferred.map((d) => d.negative(base));
        const dDeferred = evaluateRequests(deferredRequests, sigma);
        const stepIndex = at?.step ?? call;
        let out: tf.Tensor4D = dPos;
        let k = 0;
        let owner: { term: number; estimate: tf.Tensor4D; excess: tf.Tensor4D } | null = null;
        const others: tf.Tensor4D[] = [];
        for (let j = 0; j < plans.length; j++) {
          const [p, i] = [plans[j], activeIndex[j]];
          const at = { x, sigma, step: stepIndex, call };
          let update: TermUpdate;
          if ('negative' in p) {
            const negative = dDirect[negIndex[j] - 1];
            update = combine(terms[i], combiners[i], { ...at, positive: dPos, negative, difference: tf.sub(dPos, negative) });
          } else {
            const shift = tf.sub(base.x, deferredRequests[k].x);
            const difference = tf.sub(tf.sub(base.denoised, dDeferred[k]), shift) as tf.Tensor4D;
            const negative = combiners[i] ? (tf.add(dDeferred[k], shift) as tf.Tensor4D) : dDeferred[k];
            k++;
            update = combine(terms[i], combiners[i], { ...at, positive: base.denoised, negative, difference });
          }
          if (update.renoise && owner) {
            throw new Error(`${terms[owner.term].method} and ${terms[i].method} both own the sampler step; stack at most one`);
          }
          if (update.renoise) owner = { term: i, ...update.renoise };
          else others.push(update.delta);
          const { method, gamma } = terms[i];
          onGuidance?.({ sigma, step: stepIndex, call, term: i, method, gamma, indices, delta: update.delta });
          out = tf.add(out, update.delta);
        }
        if (!owner) return out;
        return { denoised: out, renoise: owner.estimate, excess: others.reduce((a, d) => tf.add(a, d) as tf.Tensor4D, owner.excess) };
      });
    } finally {
      for (const d of deferred) d.dispose();
    }
  };
  const fn = ((x: tf.Tensor4D, sigma: number, at?: EvalAt) => {
    const out = step(x, sigma, at);
    if (out instanceof tf.Tensor) return out;
    tf.dispose([out.renoise, out.excess]);
    return out.denoised;
  }) as GuidedDenoiseFn;
  fn.step = step;
  fn.dispose = () => combiners.forEach((c) => c?.dispose?.());
  return fn;
}

/** Returns a term's update: its combiner's, or Δ = γ (P − N). */
function combine(term: GuidanceTerm, combiner: TermCombiner | null, input: CombineInput): TermUpdate {
  return combiner ? combiner.update(input) : { delta: tf.mul(input.difference, term.gamma) };
}

/** Returns the processors of a map that apply to every row of the positive (row ranges are the engine's to set). */
function wholeRows(map: ProcessorMap | undefined): Record<string, AttentionProcessor> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(
    Object.entries(map).map(([layer, p]) => {
      const b = asBinding(p);
      if (b.rows) throw new Error(`positive-pass processors apply to all its rows; layer ${layer} asks for rows [${b.rows}]`);
      return [layer, b.processor];
    }),
  );
}
