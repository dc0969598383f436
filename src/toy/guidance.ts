/**
 * Guidance on plain toy denoisers (exact or learned-as-points): D_out = D_pos + Σ γ_i (D_pos − N_i),
 * where each term's negative N_i is any denoiser evaluated at the same x with labels of the term's
 * choosing; a term acts only for σ in its interval (lo, hi]. CFG, autoguidance and ICG are such terms;
 * TSG needs a network's noise embedding, so on learned models use the project's `tsg` term.
 */
import { NULL_LABEL } from '../model/denoiser';
import { checkGamma, checkInterval, isActive, rowRng } from '../guidance/term';
import type { ToyDenoiser } from './exact';
import type { PointDenoiseFn } from './ode';
import { checkLabels, checkPoints } from './points';

/** A guidance term on toy denoisers. */
export interface ToyTerm {
  readonly name: string;
  readonly gamma: number;
  /** Apply only for σ in (lo, hi]; null = always. */
  readonly interval: [number, number] | null;
  /** Returns the negative N(x; σ) `[2n]` for the rows' positive labels and sample indices. */
  negative(x: Float64Array, sigma: number, labels: Int32Array, indices: readonly number[]): Float64Array;
}

/** Returns the negative's labels from the positive labels, the sample indices and σ. */
export type Relabel = (labels: Int32Array, indices: readonly number[], sigma: number) => Int32Array;

/** Options of every toy term. */
export interface ToyTermOptions {
  gamma: number;
  interval?: [number, number];
}

/**
 * Returns the generalized term γ(D_pos − D_neg): `negative` evaluated with the labels `relabel`
 * gives (default: the positive labels). `name` labels the term in errors.
 */
export function negativeTerm(name: string, opts: ToyTermOptions, negative: ToyDenoiser, relabel?: Relabel): ToyTerm {
  return {
    name,
    gamma: checkGamma(name, opts.gamma, -1),
    interval: checkInterval(name, opts.interval),
    negative: (x, sigma, labels, indices) => negative(x, sigma, relabel ? relabel(labels, indices, sigma) : labels),
  };
}

/** Returns the CFG term γ(D(x; σ, c) − D(x; σ, ∅)) on `model` (γ = −1: unconditional). */
export function toyCfg(opts: ToyTermOptions, model: ToyDenoiser): ToyTerm {
  return negativeTerm('cfg', opts, model, (labels) => labels.map(() => NULL_LABEL));
}

/** Returns the autoguidance term γ(D_pos − D_guide(x; σ, c)) with a weaker `guide` under the same condition. */
export function toyAutoguidance(opts: ToyTermOptions, guide: ToyDenoiser): ToyTerm {
  checkGamma('autoguidance', opts.gamma);
  return negativeTerm('autoguidance', opts, guide);
}

/**
 * Returns the ICG term γ(D(x; σ, c) − D(x; σ, ĉ)), ĉ uniform over the `classes`; a row's draw depends
 * only on (seed, sample index, σ).
 */
export function toyIcg(opts: ToyTermOptions & { classes: number; seed?: number }, model: ToyDenoiser): ToyTerm {
  checkGamma('icg', opts.gamma);
  const { classes, seed = 0 } = opts;
  if (!(Number.isInteger(classes) && classes >= 1)) throw new Error(`icg: classes must be an integer ≥ 1; got ${classes}`);
  return negativeTerm('icg', opts, model, (labels, indices, sigma) => Int32Array.from(indices, (i) => rowRng(seed, i, sigma).int(classes)));
}

/**
 * Returns the guided point denoiser D_pos + Σ γ_i (D_pos − N_i) for rows with `labels` and sample
 * `indices` (default 0 … n−1); `classes` bounds the labels (NULL_LABEL allowed).
 */
export function toyGuided(
  positive: ToyDenoiser,
  terms: ToyTerm[],
  labels: ArrayLike<number>,
  classes: number,
  indices?: readonly number[],
): PointDenoiseFn {
  const rows = checkLabels(labels, labels.length, classes);
  const idx = indices ?? Array.from({ length: rows.length }, (_, i) => i);
  if (idx.length !== rows.length) throw new Error(`${idx.length} sample indices for ${rows.length} labels`);
  return (x, sigma) => {
    if (checkPoints(x).length !== 2 * rows.length) throw new Error(`${x.length / 2} points for ${rows.length} labels`);
    const pos = positive(x, sigma, rows);
    const out = pos.slice();
    for (const t of terms) {
      if (!isActive(t, sigma)) continue;
      const neg = t.negative(x, sigma, rows, idx);
      for (let i = 0; i < out.length; i++) out[i] += t.gamma * (pos[i] - neg[i]);
    }
    return out;
  };
}
