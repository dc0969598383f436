/**
 * Guidance vectors: what each guidance term adds to the denoised estimate, Δ = γ(P − N) `[h, w, c]` per
 * sample, recorded during sampling at chosen σ (or evaluation indices) for chosen batch rows, so memory is
 * bounded by (σ values × rows × terms), never by the run's length. The records are plain arrays; the
 * analyses below are pure functions of them: ‖Δ‖ against σ, Δ's radial power spectrum, |Δ| as an image,
 * and the cosine between a term's Δ and a reference direction at the same state (CFG's, `cfgDirections`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import { NULL_LABEL } from '../model/denoiser';
import type { CaptureSchedule } from './attention-maps';
import ndarray = require('ndarray');
import { radialPowerSpectrum } from './fft';

/** What the guided denoiser reports for one active term at one evaluation (tensors live only during the call). */
export interface TermUpdate {
  /** The term's method name. */
  method: string;
  /** The term's position in the guidance list. */
  term: number;
  sigma: number;
  /** The state the term saw `[batch, h, w, c]`. */
  x: tf.Tensor4D;
  /** The term's update γ(P − N) `[batch, h, w, c]`. */
  update: tf.Tensor4D;
}

/** One recorded update: a term's Δ for the kept rows at one evaluation, with the state it was computed at. */
export interface GuidanceVector {
  method: string;
  term: number;
  sigma: number;
  /** The evaluation's index within the run (0, 1, …; a new index whenever σ changes). */
  call: number;
  /** The batch rows kept, in order. */
  rows: number[];
  /** [h, w, c] of one row. */
  shape: [number, number, number];
  /** Δ = γ(P − N) of the kept rows, `[rows, h, w, c]` row-major. */
  delta: Float32Array;
  /** The state x of the kept rows at this evaluation, same layout. */
  x: Float32Array;
}

/** Options of `createGuidanceVectorRecorder`. */
export interface GuidanceVectorRecorderOptions {
  /** Which evaluations to keep: σ values (relative tolerance 1e-6) and/or evaluation indices; every one when neither is set. */
  at?: CaptureSchedule;
  /** Batch rows to keep (default: all). */
  rows?: number[];
}

/** Records guidance vectors: pass `onUpdate` as the engine's per-term update callback. */
export interface GuidanceVectorRecorder {
  /** Keeps the update when its evaluation is scheduled (copies the kept rows to plain arrays). */
  onUpdate(update: TermUpdate): void;
  /** Returns every vector recorded so far, in recording order. */
  vectors(): GuidanceVector[];
}

/** Returns a recorder of the updates at the scheduled evaluations, for the chosen rows. */
export function createGuidanceVectorRecorder(options: GuidanceVectorRecorderOptions = {}): GuidanceVectorRecorder {
  const { at = {}, rows } = options;
  if (rows !== undefined && (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Number.isInteger(r) && r >= 0))) {
    throw new Error(`guidance vector rows must be a non-empty list of batch row indices ≥ 0; got ${JSON.stringify(rows)}`);
  }
  for (const s of at.sigmas ?? []) if (!(s > 0 && Number.isFinite(s))) throw new Error(`guidance vector σ values must be finite and > 0; got ${s}`);
  const kept: GuidanceVector[] = [];
  let call = -1;
  let lastSigma = NaN;
  return {
    onUpdate({ method, term, sigma, x, update }) {
      if (sigma !== lastSigma) {
        call += 1;
        lastSigma = sigma;
      }
      if (!scheduled(at, sigma, call)) return;
      const [batch, h, w, c] = update.shape;
      if (x.shape.join() !== update.shape.join()) throw new Error(`${method}: update [${update.shape}] and state [${x.shape}] differ in shape`);
      const keep = rows ?? Array.from({ length: batch }, (_, i) => i);
      const outside = keep.find((r) => r >= batch);
      if (outside !== undefined) throw new Error(`guidance vector row ${outside} is outside the batch of ${batch} rows`);
      const pick = (t: tf.Tensor4D): Float32Array => tf.tidy(() => tf.gather(t, keep).dataSync() as Float32Array);
      kept.push({ method, term, sigma, call, rows: [...keep], shape: [h, w, c], delta: pick(update), x: pick(x) });
    },
    vectors: () => kept.slice(),
  };
}

/** Returns whether evaluation `call` at `sigma` is in the schedule (every evaluation when the schedule is empty). */
function scheduled(at: CaptureSchedule, sigma: number, call: number): boolean {
  if (!at.sigmas && !at.steps) return true;
  const bySigma = at.sigmas?.some((s) => Math.abs(s - sigma) <= 1e-6 * Math.max(s, sigma)) ?? false;
  return bySigma || (at.steps?.includes(call) ?? false);
}

/** Returns row `r` (position in `v.rows`) of one of a vector's arrays, `[h·w·c]`. */
export function rowOf(v: GuidanceVector, data: Float32Array, r: number): Float32Array {
  const n = v.shape[0] * v.shape[1] * v.shape[2];
  if (!(Number.isInteger(r) && r >= 0 && r < v.rows.length)) throw new Error(`row ${r} is not one of the ${v.rows.length} kept rows`);
  return data.subarray(r * n, (r + 1) * n);
}

/** One number per (term, σ, sample). */
export interface VectorStat {
  method: string;
  term: number;
  sigma: number;
  /** The batch row. */
  row: number;
  value: number;
}

/** Returns ‖Δ‖ per recorded row as an RMS over its pixels and channels (‖Δ‖₂/√(h·w·c), in pixel units). */
export function deltaNorms(vectors: readonly GuidanceVector[]): VectorStat[] {
  return vectors.flatMap((v) => v.rows.map((row, r) => {
    const d = rowOf(v, v.delta, r);
    return { method: v.method, term: v.term, sigma: v.sigma, row, value: Math.sqrt(dot(d, d) / d.length) };
  }));
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
 * Returns, per recorded row, the cosine between its Δ and `reference(v)` (same layout as `v.delta`, e.g. from
 * `cfgDirections`); rows where either is all zero (no direction) are left out.
 */
export function deltaCosines(vectors: readonly GuidanceVector[], reference: (v: GuidanceVector) => Float32Array): VectorStat[] {
  return vectors.flatMap((v) => {
    const ref = reference(v);
    if (ref.length !== v.delta.length) throw new Error(`${v.method} at σ ${v.sigma}: reference of ${ref.length} values for a Δ of ${v.delta.length}`);
    return v.rows.flatMap((row, r) => {
      const value = cosine(rowOf(v, v.delta, r), rowOf(v, ref, r));
      return Number.isNaN(value) ? [] : [{ method: v.method, term: v.term, sigma: v.sigma, row, value }];
    });
  });
}

/**
 * Returns CFG's direction D(x; σ, c) − D(x; σ, ∅) at each vector's own recorded state x and σ, `[rows, h, w, c]` (the
 * labels are per batch row; `labels[v.rows[r]]` is row r's class). Vectors recorded at the same evaluation share one
 * model call. This evaluates CFG on the trajectory the guided run actually took, so both directions are at the same x.
 */
export function cfgDirections(model: Denoiser, vectors: readonly GuidanceVector[], labels: readonly number[]): Map<GuidanceVector, Float32Array> {
  if (model.config.classes === 0) throw new Error('cfgDirections: the model is unconditional (0 classes); CFG has no direction');
  const out = new Map<GuidanceVector, Float32Array>();
  const byState = new Map<string, Float32Array>();
  for (const v of vectors) {
    const key = `${v.call}\u0000${v.sigma}\u0000${v.rows.join()}`;
    let dir = byState.get(key);
    if (!dir) {
      const rowLabels = v.rows.map((r) => {
        if (r >= labels.length) throw new Error(`cfgDirections: no label for batch row ${r} (${labels.length} labels)`);
        return labels[r];
      });
      dir = tf.tidy(() => {
        const x = tf.tensor4d(v.x, [v.rows.length, ...v.shape]);
        const both = model.denoise(tf.concat([x, x]) as tf.Tensor4D, v.sigma, { labels: [...rowLabels, ...rowLabels.map(() => NULL_LABEL)] });
        const [cond, uncond] = tf.split(both, 2);
        return tf.sub(cond, uncond).dataSync() as Float32Array;
      });
      byState.set(key, dir);
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
  row: number;
  frequency: number[];
  power: number[];
}

/** Returns the radial power spectrum of Δ per recorded row (square power-of-two images; channels averaged). */
export function deltaSpectra(vectors: readonly GuidanceVector[]): DeltaSpectrum[] {
  return vectors.flatMap((v) => {
    const [h, w, c] = v.shape;
    if (h !== w) throw new Error(`deltaSpectra takes square images; got ${h}×${w}`);
    return v.rows.map((row, r) => {
      const d = rowOf(v, v.delta, r);
      const power = new Array<number>(h / 2 + 1).fill(0);
      for (let ch = 0; ch < c; ch++) {
        const plane = new Float64Array(h * w);
        for (let i = 0; i < h * w; i++) plane[i] = d[i * c + ch];
        radialPowerSpectrum(ndarray(plane, [h, w])).forEach((p, i) => (power[i] += p / c));
      }
      return { method: v.method, term: v.term, sigma: v.sigma, row, frequency: power.map((_, i) => i / h), power };
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
