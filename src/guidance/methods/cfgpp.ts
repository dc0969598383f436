/**
 * CFG++ (Chung et al. 2024, "CFG++: Manifold-constrained Classifier Free Guidance for Diffusion
 * Models", arXiv 2406.08070). The denoised estimate is guided with λ ∈ [0, 1], D_λ = N + λ(P − N), and the
 * sampler re-noises it with the *unconditional* noise estimate instead of the guided one; for DDIM/Euler:
 * x' = D_λ + σ'·(x − N)/σ.
 *
 * EDM mapping: P = D(x; σ, c), N = D(x; σ, ∅). Euler on the probability-flow ODE is x' = D + σ'·(x − D)/σ, so CFG++
 * re-noises with ε_∅ = (x − N)/σ; the term owns the step (Euler only; Heun is refused). Its contribution to D_out is
 * Δ = D_λ − P = (λ − 1)(P − N); the step adds D_out − N (λ(P − N) plus other stacked terms' Δ) to Euler along ε_∅,
 * so λ = 0 is exactly Euler on the unconditional model. λ is the term's γ, and λ = 0 is not neutral: it acts at
 * every λ. CFG++ is equivalent to Euler with CFG of scale w = λσ/(σ − σ') around N (large for small steps).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkInterval, checkOptions, termParams } from '../term';
import { checkParam } from '../param-check';
import { unconditionalNegative } from '../unconditional';

const TERM = termParams({ min: 0 });

/** CFG++ in the registry. */
export const CFGPP_METHOD: MethodDescriptor = {
  name: 'cfgpp',
  summary: 'negative = the null label; D guided with λ ∈ [0, 1] and re-noised with the unconditional noise (owns the Euler step)',
  paper: 'Chung et al. 2024, CFG++: Manifold-constrained Classifier Free Guidance for Diffusion Models',
  params: {
    ...TERM,
    gamma: {
      ...TERM.gamma,
      help: 'λ: D = N + λ(P − N), re-noised with N (0 = unconditional sampling; Euler only)',
      range: { min: 0, max: 1 },
    },
  },
  build: cfgpp,
};

/** Returns the CFG++ term; `gamma` is λ ∈ [0, 1] (0: unconditional Euler; 1: conditional D re-noised with ε_∅). */
export function cfgpp(opts: TermOptions): GuidanceTerm {
  checkOptions('cfgpp', opts, CFGPP_METHOD.params);
  const lambda = checkParam('cfgpp', CFGPP_METHOD.params, 'gamma', opts.gamma);
  return {
    method: 'cfgpp',
    gamma: lambda,
    actsAtZero: true,
    samplers: ['euler'],
    interval: checkInterval('cfgpp', opts.interval),
    ...unconditionalNegative('cfgpp'),
    combiner: () => ({
      update: ({ negative, difference }) => ({
        delta: tf.mul(difference, lambda - 1),
        renoise: { estimate: negative, excess: tf.mul(difference, lambda) },
      }),
    }),
  };
}
