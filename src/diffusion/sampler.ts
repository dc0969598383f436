/**
 * Deterministic EDM samplers (Karras et al. 2022, Algorithm 1): Euler and Heun integration of the
 * probability-flow ODE dx/dσ = (x − D(x; σ))/σ down a σ schedule.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The samplers: first-order Euler (NFE N) and second-order Heun (NFE 2N − 1). */
export const SAMPLERS = ['heun', 'euler'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** A (possibly guided) denoiser: returns D(x; σ) `[batch, h, w, c]` for x of that shape. */
export type DenoiseFn = (x: tf.Tensor4D, sigma: number) => tf.Tensor4D;

/** Where the sampler evaluates: the step (0-based; Heun's second evaluation belongs to the step it corrects). */
export interface EvalAt {
  step: number;
}

/**
 * A denoiser's output when it owns the step (CFG++): D, the estimate D_ε whose noise (x − D_ε)/σ the Euler
 * step follows, and D − D_ε, so that x' = x + (σ' − σ)(x − D_ε)/σ + (D − D_ε) = D + σ'·(x − D_ε)/σ; all `[batch, h, w, c]`.
 */
export interface Renoised {
  denoised: tf.Tensor4D;
  renoise: tf.Tensor4D;
  excess: tf.Tensor4D;
}

/** A denoiser the sampler may tell its step; returns D, or a `Renoised` when it owns the step (Euler only). */
export type StepDenoiseFn = (x: tf.Tensor4D, sigma: number, at: EvalAt) => tf.Tensor4D | Renoised;

/** What the per-step callback sees; the tensors live only during the call (`tf.keep` or read them to hold on). */
export interface StepInfo {
  /** Step index 0 … steps−1. */
  step: number;
  steps: number;
  sigma: number;
  sigmaNext: number;
  /** The state after the step, at σ = sigmaNext, `[batch, h, w, c]`. */
  x: tf.Tensor4D;
  /** D(x; σ) at the start of the step, `[batch, h, w, c]`. */
  denoised: tf.Tensor4D;
}

export interface SolveOptions {
  /** The schedule σ_0 > … > σ_N (σ_N may be 0), e.g. `karrasSigmas(18)`. */
  sigmas: number[];
  sampler?: SamplerName;
  onStep?: (info: StepInfo) => void;
}

/** Thrown by `solve` when the state stops being finite: the step (0-based) and the σ interval it went from and to. */
export class NonFiniteStateError extends Error {
  constructor(
    readonly step: number,
    readonly steps: number,
    readonly sigma: number,
    readonly sigmaNext: number,
  ) {
    super(`the sampler state became non-finite (NaN or ±Infinity) at step ${step} of 0…${steps - 1} (σ ${sigma} → ${sigmaNext})`);
  }
}

/**
 * Returns the sample at σ_N `[batch, h, w, c]`, integrating from x = noise·σ_0 (noise: unit normal, same shape).
 * Throws NonFiniteStateError at the first step whose result holds NaN or ±Infinity (one scalar read per step).
 * A denoiser that returns `Renoised` owns its step (Euler only; Heun throws).
 */
export function solve(denoise: StepDenoiseFn, noise: tf.Tensor4D, opts: SolveOptions): tf.Tensor4D {
  const { sigmas, sampler = 'heun', onStep } = opts;
  if (!SAMPLERS.includes(sampler)) throw new Error(`unknown sampler "${sampler}"; samplers: ${SAMPLERS.join(', ')}`);
  checkSigmas(sigmas);
  const steps = sigmas.length - 1;
  let x = tf.tidy(() => tf.mul(noise, sigmas[0]) as tf.Tensor4D);
  try {
    for (let i = 0; i < steps; i++) {
      const [s, sn] = [sigmas[i], sigmas[i + 1]];
      const next = tf.tidy(() => {
        const first = denoise(x, s, { step: i });
        const renoised = first instanceof tf.Tensor ? null : ownStep(first, sampler, s);
        const denoised = renoised ? renoised.denoised : (first as tf.Tensor4D);
        const d = tf.div(tf.sub(x, renoised ? renoised.renoise : denoised), s);
        let xn = tf.add(x, tf.mul(d, sn - s)) as tf.Tensor4D;
        if (renoised) xn = tf.add(xn, renoised.excess) as tf.Tensor4D;
        if (sampler === 'heun' && sn > 0) {
          const second = denoise(xn, sn, { step: i });
          const d2 = tf.div(tf.sub(xn, second instanceof tf.Tensor ? second : ownStep(second, sampler, sn).denoised), sn);
          xn = tf.add(x, tf.mul(tf.add(d, d2), (sn - s) / 2)) as tf.Tensor4D;
        }
        onStep?.({ step: i, steps, sigma: s, sigmaNext: sn, x: xn, denoised });
        return xn;
      });
      x.dispose();
      x = next;
      if (!allFinite(x)) throw new NonFiniteStateError(i, steps, s, sn);
    }
    return x;
  } catch (e) {
    x.dispose();
    throw e;
  }
}

/** Returns `out` when the sampler lets a denoiser own its step (Euler), else throws naming the sampler and σ. */
function ownStep(out: Renoised, sampler: SamplerName, sigma: number): Renoised {
  if (sampler !== 'euler') {
    const what = `at σ = ${sigma} the denoiser re-noises with its own estimate (CFG++)`;
    throw new Error(`${what}, which only the Euler sampler supports; got sampler "${sampler}"`);
  }
  return out;
}

/** Returns whether every value of `x` is finite: Σ 0·x is 0 exactly then, NaN otherwise (one reduction, one scalar read). */
function allFinite(x: tf.Tensor): boolean {
  const probe = tf.tidy(() => tf.sum(tf.mul(x, 0)));
  try {
    return probe.dataSync()[0] === 0;
  } finally {
    probe.dispose();
  }
}

function checkSigmas(sigmas: number[]): void {
  if (sigmas.length < 2) throw new Error(`a schedule needs at least 2 noise levels; got ${sigmas.length}`);
  sigmas.forEach((s, i) => {
    const last = i === sigmas.length - 1;
    if (!Number.isFinite(s) || s < 0 || (s === 0 && !last))
      throw new Error(`σ_${i} = ${s}: noise levels must be finite and > 0 (only the last may be 0)`);
    if (i > 0 && s >= sigmas[i - 1]) throw new Error(`the schedule must decrease; σ_${i} = ${s} ≥ σ_${i - 1} = ${sigmas[i - 1]}`);
  });
}
