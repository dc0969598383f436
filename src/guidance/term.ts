/**
 * The guidance-term contract: a term names its method, its weight γ and optional σ interval, and
 * plans the negative model evaluation it needs at each step. The evaluator (`evaluate.ts`) runs
 * the plans batched and combines D_out = D_pos + Σ γ_i (P_i − N_i), P_i = D_pos except for SAG.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import type { AttentionProcessor } from '../model/attention/processors';
import type { BlockHook } from '../model/blocks';
import type { SamplerName } from '../diffusion';
import { Rng } from '../random';

/** A guidance method's name: one of the registry's (`methodNames()` in registry.ts). */
export type MethodName = string;

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
  /** Hooks on whole blocks (e.g. a skip), applied to this request's rows only. */
  blocks?: Record<string, BlockHook>;
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

/**
 * What a term's combiner sees at one evaluation, all `[batch, h, w, c]` at the positive's x: its positive P
 * (D_pos; SAG: its base branch), its negative N (SAG: moved to the base's x, D(x̂) + (x − x̂)) and P − N.
 */
export interface CombineInput {
  x: tf.Tensor4D;
  sigma: number;
  /** The sampler's step (0-based) when the sampler gives it, else the evaluation count `call`. */
  step: number;
  /** The evaluation's index within this guided denoiser's run: 0, 1, … */
  call: number;
  positive: tf.Tensor4D;
  negative: tf.Tensor4D;
  difference: tf.Tensor4D;
}

/** A term's part of one evaluation: its contribution Δ to D_out, and, when it owns the step (CFG++), how the step re-noises. */
export interface TermUpdate {
  /** Δ `[batch, h, w, c]`: D_out = D_pos + Σ Δ_i. */
  delta: tf.Tensor4D;
  /** The estimate D_ε the Euler step re-noises with, and this term's own D_out − D_ε (before other terms' Δ are added). */
  renoise?: { estimate: tf.Tensor4D; excess: tf.Tensor4D };
}

/** How a term turns (P, N) into its update for one sampling run (state such as momentum lives here, per row). */
export interface TermCombiner {
  /** Returns the update at one evaluation; tensors made here belong to the caller's tf.tidy (keep state with tf.keep). */
  update(input: CombineInput): TermUpdate;
  /** Frees the run's state. */
  dispose?(): void;
}

/** A guidance term; build one with `cfg`, `sag`, `pag`, `seg`, `autoguidance`, `icg`, `tsg`, `sims`. */
export interface GuidanceTerm {
  readonly method: MethodName;
  readonly gamma: number;
  /**
   * True when the negative is the model's own unconditional prediction (CFG): a deferred term (SAG) then builds
   * its degraded input on that branch instead of the positive, as diffusers does.
   */
  readonly unconditionalNegative?: boolean;
  /** Apply only for σ in (lo, hi]; null = always. */
  readonly interval: [number, number] | null;
  /** True when γ = 0 is not neutral and the term acts at every γ (CFG++: λ = 0 samples the unconditional model). */
  readonly actsAtZero?: boolean;
  /** The samplers the term supports (default: all); a term owning the step (CFG++) supports Euler only. */
  readonly samplers?: readonly SamplerName[];
  /** Throws if the term cannot run on `model` (unknown layer, mismatched guide, unconditional model…). */
  check(model: Denoiser): void;
  /** Returns what the term evaluates at this step. */
  plan(ctx: StepContext): TermPlan;
  /** Returns a fresh combiner for one sampling run; absent = Δ = γ (P − N). */
  combiner?(): TermCombiner;
}

const BUILT_FROM = new WeakMap<GuidanceTerm, Readonly<Record<string, unknown>>>();

/**
 * Returns `build` (a method's builder) wrapped so that every term it returns is recorded with a copy of the options it was
 * built from, which a worker thread rebuilds it with (`guidanceTerm(term.method, options)`). The registry wraps every
 * descriptor's builder this way, and the public builders (`cfg`, `pag`, … in `index.ts`) are wrapped ones.
 */
export function recordingBuilder<F extends (options: never) => GuidanceTerm>(build: F): F {
  const wrapped = (options?: Record<string, unknown>): GuidanceTerm => {
    const term = build(options as never);
    BUILT_FROM.set(term, { ...options });
    return term;
  };
  return wrapped as unknown as F;
}

/** Returns the options a builder made `term` from, or undefined for hand-made terms and copies (`{ ...term, plan }`). */
export function builtFrom(term: GuidanceTerm): Readonly<Record<string, unknown>> | undefined {
  return BUILT_FROM.get(term);
}

/** Options every term takes. */
export interface TermOptions {
  gamma: number;
  /** Apply only for σ in (lo, hi] (guidance interval, Kynkäänniemi et al. 2024). */
  interval?: [number, number];
}

/** The kind of value a method parameter takes (checked before a term is built, so a string is never read as a list). */
export type ParamKind = 'number' | 'integer' | 'name' | 'layer' | 'layers' | 'blocks' | 'interval' | 'model' | 'function';

/** A number's bounds: inclusive (`min`, `max`) or exclusive (`above`, `below`). */
export interface ParamRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/** One parameter of a guidance method: its kind, default, allowed values and help text. */
export interface ParamSpec {
  kind: ParamKind;
  /** One line saying what the parameter does. */
  help: string;
  /** The default as the help table shows it (e.g. 3, "mid.attn / blocks.1.attn", "∞"); absent when required or unset. */
  default?: number | string;
  /** What the value is for, as error messages name it (e.g. "its mask", "the weaker model it guides with"). */
  role?: string;
  /** True when the term cannot run without it (a missing value is refused when the term is built or checked). */
  required?: boolean;
  /** number / integer: the values the builder accepts (Infinity allowed where `infinite`). */
  range?: ParamRange;
  /** number: Infinity is a valid value (e.g. SEG's infinite blur). */
  infinite?: boolean;
  /** name: the values the builder accepts. */
  choices?: readonly string[];
  /** The `guidance-lab sample` flag that sets it (without `--`); absent: only `--param name=value`. */
  flag?: string;
}

/** The parameters a method accepts, by name, in the order its help lists them. */
export type ParamTable = Readonly<Record<string, ParamSpec>>;

/** Returns the parameters every term accepts: γ (with the method's default and lower bound) and the σ interval. */
export function termParams(gamma: { default?: number; min: number }): ParamTable {
  return {
    gamma: {
      kind: 'number',
      help: 'guidance weight γ (0 = unguided)',
      range: { min: gamma.min },
      flag: 'gamma',
      ...(gamma.default === undefined ? { required: true } : { default: gamma.default }),
    },
    interval: { kind: 'interval', help: 'apply only for σ in (lo, hi] (Kynkäänniemi et al. 2024)', flag: 'interval' },
  };
}

const KINDS: Record<ParamKind, { text: string; ok: (v: unknown) => boolean }> = {
  number: { text: 'a number', ok: (v) => typeof v === 'number' },
  integer: { text: 'an integer', ok: (v) => Number.isInteger(v) },
  name: { text: 'a non-empty string', ok: (v) => typeof v === 'string' && v !== '' },
  layer: { text: 'one attention layer name (a string, e.g. "mid.attn")', ok: (v) => typeof v === 'string' && v !== '' },
  layers: {
    text: 'a list of attention layer names (e.g. ["mid.attn"])',
    ok: (v) => Array.isArray(v) && v.every((l) => typeof l === 'string' && l !== ''),
  },
  blocks: {
    text: 'a list of block names (e.g. ["mid.res.0"])',
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

/** Returns what a value of `kind` must be, as error messages and the methods table say it. */
export function kindText(kind: ParamKind): string {
  return KINDS[kind].text;
}

/**
 * Throws naming the first option of `opts` that `method` does not accept (listing those it does) or whose value has the wrong kind;
 * undefined values count as absent.
 */
export function checkOptions(method: MethodName, opts: object, params: ParamTable): void {
  for (const [key, value] of Object.entries(opts)) {
    const spec = params[key];
    if (spec === undefined) throw new Error(`${method}: unknown option "${key}"; ${method} options: ${Object.keys(params).join(', ')}`);
    if (value !== undefined && !KINDS[spec.kind].ok(value)) {
      throw new Error(`${method}: option ${key} must be ${KINDS[spec.kind].text}; got ${showValue(value)}`);
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

/** Returns whether the term acts at σ: γ ≠ 0 (or the term acts at every γ) and σ inside its interval. */
export function isActive(term: Pick<GuidanceTerm, 'gamma' | 'interval' | 'actsAtZero'>, sigma: number): boolean {
  const inside = term.interval === null || (sigma > term.interval[0] && sigma <= term.interval[1]);
  return (term.gamma !== 0 || term.actsAtZero === true) && inside;
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

/** Returns `[indices.length, dim]` standard normals times `scale`, row r drawn from `rowRng(seed, indices[r], sigma)`. */
export function rowNormals(seed: number, indices: readonly number[], sigma: number, dim: number, scale: number): tf.Tensor2D {
  const buf = new Float32Array(indices.length * dim);
  indices.forEach((i, r) =>
    buf.set(
      rowRng(seed, i, sigma)
        .normals(dim)
        .map((v) => v * scale),
      r * dim,
    ),
  );
  return tf.tensor2d(buf, [indices.length, dim]);
}
