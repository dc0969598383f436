/**
 * Guidance vectors: what each guidance term adds to the denoised estimate, Δ = γ(P − N) `[h, w, c]` per
 * sample, as the recorder of `guidance/vector-recorder.ts` keeps them (plain arrays). The analyses are pure
 * functions of the records: ‖Δ‖ against σ, Δ's radial power spectrum, |Δ| as an image, and the cosine between
 * a term's Δ and a reference direction at the same state (CFG's, `cfgDirections`, which evaluates the model).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import { NULL_LABEL } from '../model/denoiser';
import ndarray = require('ndarray');
import { radialPowerSpectrum } from './fft';

/** One recorded update: a term's Δ for the kept samples at one evaluation, with the state it was computed at. */
export interface GuidanceVector {
  method: string;
  /** The term's position in the guidance list, and its γ. */
  term: number;
  gamma: number;
  sigma: number;
  /** The sampler's step (Heun's corrector shares its step with the predictor). */
  step: number;
  /** The sample indices kept, in order (the rows of `delta` and `x`). */
  indices: number[];
  /** [h, w, c] of one sample. */
  shape: [number, number, number];
  /** Δ of the kept samples, `[indices, h, w, c]` row-major: the term's contribution to D_out. */
  delta: Float32Array;
  /**
   * The state x the term saw, same layout: the sampler's state at the start of the step (x₀ = noise·σ₀ for step 0);
   * null for an evaluation inside a step (Heun's corrector), whose state the sampler does not report.
   */
  x: Float32Array | null;
}

/** Returns row `r` (position in `v.indices`) of one of a vector's arrays, `[h·w·c]`. */
export function rowOf(v: GuidanceVector, data: Float32Array, r: number): Float32Array {
  const n = v.shape[0] * v.shape[1] * v.shape[2];
  if (!(Number.isInteger(r) && r >= 0 && r < v.indices.length))
    throw new Error(`row ${r} is not one of the ${v.indices.length} kept samples`);
  return data.subarray(r * n, (r + 1) * n);
}

/** One number per (term, evaluation, sample). */
export interface VectorStat {
  method: string;
  term: number;
  sigma: number;
  step: number;
  /** The sample index. */
  sample: number;
  value: number;
}

/** Returns ‖Δ‖ per recorded row as an RMS over its pixels and channels (‖Δ‖₂/√(h·w·c), in pixel units). */
export function deltaNorms(vectors: readonly GuidanceVector[]): VectorStat[] {
  return vectors.flatMap((v) =>
    v.indices.map((sample, r) => {
      const d = rowOf(v, v.delta, r);
      return { method: v.method, term: v.term, sigma: v.sigma, step: v.step, sample, value: Math.sqrt(dot(d, d) / d.length) };
    }),
  );
}

/** Returns the cosine ⟨a, b⟩/(‖a‖‖b‖) of two equal-length vectors; NaN when either is all zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosine of vectors of ${a.length} and ${b.length} entries`);
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  return na === 0 || nb === 0 ? NaN : dot(a, b) / (na * nb);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Returns, per recorded sample, the cosine between its Δ and `reference(v)` (same layout as `v.delta`, e.g. from
 * `cfgDirections`); vectors without a reference (undefined) and samples where either is all zero (no direction) are left out.
 */
export function deltaCosines(vectors: readonly GuidanceVector[], reference: (v: GuidanceVector) => Float32Array | undefined): VectorStat[] {
  return vectors.flatMap((v) => {
    const ref = reference(v);
    if (ref === undefined) return [];
    if (ref.length !== v.delta.length)
      throw new Error(`${v.method} at σ ${v.sigma}: reference of ${ref.length} values for a Δ of ${v.delta.length}`);
    return v.indices.flatMap((sample, r) => {
      const value = cosine(rowOf(v, v.delta, r), rowOf(v, ref, r));
      return Number.isNaN(value) ? [] : [{ method: v.method, term: v.term, sigma: v.sigma, step: v.step, sample, value }];
    });
  });
}

/**
 * Returns CFG's direction D(x; σ, c) − D(x; σ, ∅) at each vector's own recorded state x and σ, `[samples, h, w, c]`, with
 * `labelOf(sample index)` the class c. Vectors without a state (Heun's corrector) get none; vectors at the same state
 * share one model call. This evaluates CFG on the trajectory the guided run actually took, so both are at the same x.
 */
export function cfgDirections(
  model: Denoiser,
  vectors: readonly GuidanceVector[],
  labelOf: (sample: number) => number,
): Map<GuidanceVector, Float32Array> {
  if (model.config.classes === 0) throw new Error('cfgDirections: the model is unconditional (0 classes); CFG has no direction');
  const out = new Map<GuidanceVector, Float32Array>();
  const byState = new Map<Float32Array, Float32Array>();
  for (const v of vectors) {
    if (!v.x) continue;
    let dir = byState.get(v.x);
    if (!dir) {
      const labels = v.indices.map(labelOf);
      const state = v.x;
      dir = tf.tidy(() => {
        const x = tf.tensor4d(state, [v.indices.length, ...v.shape]);
        const both = model.denoise(tf.concat([x, x]) as tf.Tensor4D, v.sigma, { labels: [...labels, ...labels.map(() => NULL_LABEL)] });
        const [cond, uncond] = tf.split(both, 2);
        return tf.sub(cond, uncond).dataSync() as Float32Array;
      });
      byState.set(state, dir);
    }
    out.set(v, dir);
  }
  return out;
}

/** A radially averaged power spectrum of one row's Δ (mean over channels), frequencies in cycles per pixel 0 … 0.5. */
export interface DeltaSpectrum {
  method: string;
  term: number;
  sigma: number;
  step: number;
  sample: number;
  frequency: number[];
  power: number[];
}

/** Returns the radial power spectrum of Δ per recorded row (square power-of-two images; channels averaged). */
export function deltaSpectra(vectors: readonly GuidanceVector[]): DeltaSpectrum[] {
  return vectors.flatMap((v) => {
    const [h, w, c] = v.shape;
    if (h !== w) throw new Error(`deltaSpectra takes square images; got ${h}×${w}`);
    return v.indices.map((sample, r) => {
      const d = rowOf(v, v.delta, r);
      const power = new Array<number>(h / 2 + 1).fill(0);
      for (let ch = 0; ch < c; ch++) {
        const plane = new Float64Array(h * w);
        for (let i = 0; i < h * w; i++) plane[i] = d[i * c + ch];
        radialPowerSpectrum(ndarray(plane, [h, w])).forEach((p, i) => (power[i] += p / c));
      }
      return { method: v.method, term: v.term, sigma: v.sigma, step: v.step, sample, frequency: power.map((_, i) => i / h), power };
    });
  });
}

/** Returns |Δ| of one recorded row as an `[h·w]` map (RMS over channels). */
export function deltaMagnitude(v: GuidanceVector, r: number): Float32Array {
  const [h, w, c] = v.shape;
  const d = rowOf(v, v.delta, r);
  const out = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) {
    let s = 0;
    for (let ch = 0; ch < c; ch++) s += d[i * c + ch] ** 2;
    out[i] = Math.sqrt(s / c);
  }
  return out;
}
