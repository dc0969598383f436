/**
 * The guidance-term contract: a term names its method, its weight γ and optional σ interval, and
 * plans the negative model evaluation it needs at each step. The evaluator (`evaluate.ts`) runs
 * the plans batched and combines D_out = D_pos + Σ γ_i (P_i − N_i), P_i = D_pos except for SAG.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import type { AttentionProcessor } from '../model/attention/processors';
import { Rng } from '../random';

/** The guidance methods of METHODS.md. */
export const METHODS = ['cfg', 'sag', 'pag', 'seg', 'autoguidance', 'icg', 'tsg', 'sims'] as const;
export type MethodName = (typeof METHODS)[number];

/** What a term sees at one evaluation of the guided denoiser. */
export interface StepContext {
  model: Denoiser;
  /** The state `[batch, h, w, c]`. */
  x: tf.Tensor4D;
  sigma: number;
  /** The positive labels, one per row. */
  labels: number[];
  /** The sample index of each row (for per-sample randomness that does not depend on batching). */
  indices: number[];
}

/** One model evaluation D(x; σ, condition) with processors applied to its own rows. */
export interface EvalRequest {
  model: Denoiser;
  x: tf.Tensor4D;
  labels: number[];
  noiseEmbOffset?: tf.Tensor2D;
  classEmb?: tf.Tensor2D;
  processors?: Record<string, AttentionProcessor>;
}

/** A negative built from a base branch's output (SAG): processors on the base rows, then a second phase. */
export interface DeferredNegative {
  /** Processors (attention capture) to run on the base branch's rows in the first phase. */
  capture: Record<string, AttentionProcessor>;
  /** Returns the negative's evaluation from the base branch's x, labels and output `[batch, h, w, c]`. */
  negative(base: { x: tf.Tensor4D; labels: number[]; denoised: tf.Tensor4D; sigma: number; indices: number[] }): EvalRequest;
  /** Frees what the capture kept. */
  dispose(): void;
}

/** A term's plan for one evaluation: a negative now, or one after the base branch (SAG). */
export type TermPlan = { negative: EvalRequest } | { deferred: DeferredNegative };

/** A guidance term; build one with `cfg`, `sag`, `pag`, `seg`, `autoguidance`, `icg`, `tsg`, `sims`. */
export interface GuidanceTerm {
  readonly method: MethodName;
  readonly gamma: number;
  /** Apply only for σ in (lo, hi]; null = always. */
  readonly interval: [number, number] | null;
  /** Throws if the term cannot run on `model` (unknown layer, mismatched guide, unconditional model…). */
  check(model: Denoiser): void;
  /** Returns what the term evaluates at this step. */
  plan(ctx: StepContext): TermPlan;
}

const BUILT_FROM = new WeakMap<GuidanceTerm, object>();

/** Returns `term`, recorded as built from `options` by a builder, so a worker thread can rebuild it with guidanceTerm. */
export function recordOptions(options: object, term: GuidanceTerm): GuidanceTerm {
  BUILT_FROM.set(term, options);
  return term;
}

/** Returns the options a builder made `term` from, or undefined for hand-made terms and copies (`{ ...term, plan }`). */
export function builtFrom(term: GuidanceTerm): object | undefined {
  return BUILT_FROM.get(term);
}

/** Options every term takes. */
export interface TermOptions {
  gamma: number;
  /** Apply only for σ in (lo, hi] (guidance interval, Kynkäänniemi et al. 2024). */
  interval?: [number, number];
}

/** The kind of value a method option takes (checked before a term is built, so a string is never read as a list). */
export type OptionKind = 'number' | 'integer' | 'name' | 'layer' | 'layers' | 'interval' | 'model' | 'function';

/** The options a method accepts, by name, with their kinds. */
export type OptionTable = Readonly<Record<string, OptionKind>>;

/** The options every term accepts. */
export const TERM_OPTIONS: OptionTable = { gamma: 'number', interval: 'interval' };

const KINDS: Record<OptionKind, { text: string; ok: (v: unknown) => boolean }> = {
  number: { text: 'a number', ok: (v) => typeof v === 'number' },
  integer: { text: 'an integer', ok: (v) => Number.isInteger(v) },
  name: { text: 'a non-empty string', ok: (v) => typeof v === 'string' && v !== '' },
  layer: { text: 'one attention layer name (a string, e.g. "mid.attn")', ok: (v) => typeof v === 'string' && v !== '' },
  layers: {
    text: 'a list of attention layer names (e.g. ["mid.attn"])',
    ok: (v) => Array.isArray(v) && v.every((l) => typeof l === 'string' && l !== ''),
  },
  interval: {
    text: 'a list of two numbers [lo, hi]',
    ok: (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'),
  },
  model: { text: 'a Denoiser (a loaded model)', ok: (v) => typeof v === 'object' && v !== null && 'config' in v && 'net' in v },
  function: { text: 'a function', ok: (v) => typeof v === 'function' },
};

/** Returns a value as an error message shows it: JSON for plain data, its kind otherwise. */
function showValue(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return 'an object';
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

/**
 * Throws naming the first option of `opts` that `method` does not accept (listing those it does) or whose value has the wrong kind;
 * undefined values count as absent.
 */
export function checkOptions(method: MethodName, opts: object, table: OptionTable): void {
  for (const [key, value] of Object.entries(opts)) {
    const kind = table[key];
    if (kind === undefined) throw new Error(`${method}: unknown option "${key}"; ${method} options: ${Object.keys(table).join(', ')}`);
    if (value !== undefined && !KINDS[kind].ok(value)) {
      throw new Error(`${method}: option ${key} must be ${KINDS[kind].text}; got ${showValue(value)}`);
    }
  }
}

/** Returns γ after checking it is finite and ≥ `min` (0 for perturbation methods; CFG allows −1 = unconditional). */
export function checkGamma(method: MethodName, gamma: number, min = 0): number {
  if (typeof gamma !== 'number' || !Number.isFinite(gamma) || gamma < min) {
    throw new Error(`${method}: γ must be a finite number ≥ ${min}; got ${gamma}`);
  }
  return gamma;
}

/** Returns the interval after checking 0 ≤ lo < hi (hi may be Infinity), or null when none is given. */
export function checkInterval(method: MethodName, interval: [number, number] | undefined): [number, number] | null {
  if (interval === undefined) return null;
  const [lo, hi] = Array.isArray(interval) ? interval : [];
  const numbers = Array.isArray(interval) && interval.length === 2 && typeof lo === 'number' && typeof hi === 'number';
  if (!numbers || !(lo >= 0) || !(hi > lo) || !Number.isFinite(lo)) {
    const shown = Array.isArray(interval) ? `[${interval.join(', ')}] (empty or inverted)` : showValue(interval);
    throw new Error(`${method}: the σ interval (lo, hi] needs 0 ≤ lo < hi; got ${shown}`);
  }
  return [lo, hi];
}

/** Returns whether the term acts at σ: γ ≠ 0 and σ inside its interval. */
export function isActive(term: Pick<GuidanceTerm, 'gamma' | 'interval'>, sigma: number): boolean {
  return term.gamma !== 0 && (term.interval === null || (sigma > term.interval[0] && sigma <= term.interval[1]));
}

/** Returns the layers, or the model's default guidance layer (`mid.attn`, else `blocks.1.attn`, as in diffusers). */
export function resolveLayers(model: Denoiser, layers: string[] | undefined): string[] {
  if (layers) return layers;
  const names = model.attentionLayers.map((a) => a.name);
  const found = ['mid.attn', 'blocks.1.attn'].find((n) => names.includes(n));
  if (!found) throw new Error(`no default attention layer (mid.attn or blocks.1.attn) in this model; name one of: ${names.join(', ')}`);
  return [found];
}

/** Throws naming the first layer the model does not have, and the valid ones. */
export function checkLayers(method: MethodName, model: Denoiser, layers: string[]): void {
  const names = model.attentionLayers.map((a) => a.name);
  for (const l of layers) {
    if (!names.includes(l)) throw new Error(`${method}: unknown attention layer "${l}"; layers: ${names.join(', ')}`);
  }
}

/** Returns the processor map applying `p` to every layer in `layers`. */
export function onLayers(layers: string[], p: AttentionProcessor): Record<string, AttentionProcessor> {
  return Object.fromEntries(layers.map((l) => [l, p]));
}

/** Returns a generator for one row at one σ: depends only on (seed, sample index, σ), never on batching. */
export function rowRng(seed: number, index: number, sigma: number): Rng {
  return new Rng(seed, index, new Uint32Array(new Float32Array([sigma]).buffer)[0]);
}
