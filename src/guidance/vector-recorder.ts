/**
 * The guidance-vector recorder: keeps each term's contribution Δ to D_out (the engine's `onGuidance` hook) and the
 * state x it was computed at (the sampler's `onStep`; x₀ = noise·σ₀ from the seed) at chosen σ or sampler steps, for
 * chosen samples, as plain arrays, so memory is bounded by (scheduled evaluations × samples × terms), never by the
 * run's length. The analyses of the records are in `analysis/guidance-vectors.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StepInfo } from '../diffusion';
import { sampleNoise } from '../random';
import type { CaptureSchedule } from '../analysis/attention-maps';
import type { GuidanceVector } from '../analysis/guidance-vectors';
import type { GuidanceUpdate } from './guided';

/** Options of `createGuidanceVectorRecorder`. */
export interface GuidanceVectorRecorderOptions {
  /** Which evaluations to keep: σ values (relative tolerance 1e-6) and/or sampler steps; every one when neither is set. */
  at?: CaptureSchedule;
  /** Sample indices to keep (default: every sample the run makes). */
  samples?: number[];
  /** The noise seed the run samples with (`sample`'s `seed`), for the state of step 0, x₀ = noise·σ₀; default 0. */
  seed?: number;
}

/** Records guidance vectors during `sample`: pass `onGuidance` and `onStep` to it. */
export interface GuidanceVectorRecorder {
  /** Keeps the update when its evaluation is scheduled (copies the kept rows to plain arrays). */
  onGuidance(update: GuidanceUpdate): void;
  /** Keeps the sampler's state for the next step when that step is scheduled (the state the next evaluation sees). */
  onStep(info: StepInfo): void;
  /** Returns every vector recorded so far, in recording order. */
  vectors(): GuidanceVector[];
}

/** Returns a recorder of the updates at the scheduled evaluations, for the chosen samples. */
export function createGuidanceVectorRecorder(options: GuidanceVectorRecorderOptions = {}): GuidanceVectorRecorder {
  const { at = {}, samples, seed = 0 } = options;
  if (samples !== undefined && (!Array.isArray(samples) || samples.length === 0 || !samples.every((r) => Number.isInteger(r) && r >= 0))) {
    throw new Error(`guidance vector samples must be a non-empty list of sample indices ≥ 0; got ${JSON.stringify(samples)}`);
  }
  for (const s of at.sigmas ?? [])
    if (!(s > 0 && Number.isFinite(s))) throw new Error(`guidance vector σ values must be finite and > 0; got ${s}`);
  const kept: GuidanceVector[] = [];
  /** The current batch's sample indices, and the state at the start of `step` (σ = sigma) for its kept rows. */
  let batch: { indices: readonly number[]; lastCall: number } | null = null;
  let state: { step: number; sigma: number; x: Float32Array } | null = null;
  const rowsOf = (indices: readonly number[]): number[] =>
    indices.flatMap((i, r) => (samples === undefined || samples.includes(i) ? [r] : []));
  const read = (t: tf.Tensor4D, rows: number[]): Float32Array => tf.tidy(() => tf.gather(t, rows).dataSync() as Float32Array);
  return {
    onGuidance({ method, term, gamma, sigma, step, call, indices, delta }) {
      if (!batch || call < batch.lastCall) {
        batch = { indices, lastCall: call };
        state = null;
      }
      batch.lastCall = call;
      if (!scheduled(at, sigma, step)) return;
      const rows = rowsOf(indices);
      if (rows.length === 0) return;
      const [, h, w, c] = delta.shape;
      if (step === 0 && call === 0 && !state) {
        state = {
          step: 0,
          sigma,
          x: tf.tidy(() => tf.mul(tf.gather(sampleNoise([h, w, c], seed, [...indices]), rows), sigma).dataSync() as Float32Array),
        };
      }
      const x = state && state.step === step && state.sigma === sigma ? state.x : null;
      kept.push({ method, term, gamma, sigma, step, indices: rows.map((r) => indices[r]), shape: [h, w, c], delta: read(delta, rows), x });
    },
    onStep({ step, sigmaNext, x }) {
      if (!batch || sigmaNext === 0 || !scheduled(at, sigmaNext, step + 1)) return;
      const rows = rowsOf(batch.indices);
      if (rows.length > 0 && x.shape[0] === batch.indices.length) state = { step: step + 1, sigma: sigmaNext, x: read(x, rows) };
    },
    vectors: () => kept.slice(),
  };
}

/** Returns whether an evaluation at `sigma` in sampler step `step` is in the schedule (every one when the schedule is empty). */
function scheduled(at: CaptureSchedule, sigma: number, step: number): boolean {
  if (!at.sigmas && !at.steps) return true;
  const bySigma = at.sigmas?.some((s) => Math.abs(s - sigma) <= 1e-6 * Math.max(s, sigma)) ?? false;
  return bySigma || (at.steps?.includes(step) ?? false);
}
