import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { DenoiseFn, karrasSigmas, solve, type SamplerName } from '../../src/diffusion';
import { testBackend } from '../test-backend';

// Gaussian data N(μ, s²) per pixel: D(x; σ) = μ + s²/(s² + σ²)·(x − μ), and the probability-flow ODE is solved
// exactly by x(σ) = μ + √(s² + σ²)/√(s² + σ₀²)·(x₀ − μ).
const MU = -0.2;
const S = 0.5;
const denoiser: DenoiseFn = (x, sigma) =>
  tf.tidy(() => tf.add(tf.mul(tf.sub(x, MU), (S * S) / (S * S + sigma * sigma)), MU) as tf.Tensor4D);
const exact = (x0: number, sigma0: number, sigma: number) =>
  MU + (Math.sqrt(S * S + sigma * sigma) / Math.sqrt(S * S + sigma0 * sigma0)) * (x0 - MU);

/** EDM Algorithm 1 (Karras et al. 2022; deterministic, σ(t) = t, s(t) = 1) in float64, from the paper: the independent reference. */
function edmAlgorithm1(z: number, steps: number, heun: boolean): number {
  const [sMin, sMax, rho] = [0.002, 80, 7];
  const [hi, lo] = [sMax ** (1 / rho), sMin ** (1 / rho)];
  const t = Array.from({ length: steps }, (_, i) => (hi + (i / (steps - 1)) * (lo - hi)) ** rho);
  t.push(0);
  const d = (x: number, s: number) => (x - (MU + ((S * S) / (S * S + s * s)) * (x - MU))) / s;
  let x = z * t[0];
  for (let i = 0; i < steps; i++) {
    const di = d(x, t[i]);
    let next = x + (t[i + 1] - t[i]) * di;
    if (heun && t[i + 1] !== 0) next = x + (t[i + 1] - t[i]) * (di / 2 + d(next, t[i + 1]) / 2);
    x = next;
  }
  return x;
}

const NOISE = [-2.1, -0.7, 0, 0.4, 1.3, 2.8];

/** Returns solve's samples for NOISE and its state at σ_min (after step N − 2), one value per noise entry. */
function run(sampler: SamplerName, steps: number): { final: Float32Array; atSigmaMin: Float32Array } {
  const z = tf.tensor4d(NOISE, [NOISE.length, 1, 1, 1]);
  let atSigmaMin = new Float32Array(NOISE.length);
  const out = solve(denoiser, z, {
    sigmas: karrasSigmas(steps),
    sampler,
    onStep: (s) => {
      if (s.step === s.steps - 2) atSigmaMin = s.x.dataSync() as Float32Array;
    },
  });
  const final = out.dataSync() as Float32Array;
  tf.dispose([z, out]);
  return { final, atSigmaMin };
}

/** Largest |x(σ_min) − exact| over NOISE: the ODE integration error without the last (σ_min → 0) step. */
const odeError = (sampler: SamplerName, steps: number): number =>
  Math.max(...Array.from(run(sampler, steps).atSigmaMin, (v, i) => Math.abs(v - exact(NOISE[i] * 80, 80, 0.002))));

describe('Euler and Heun against the closed-form Gaussian ODE and EDM Algorithm 1', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  for (const sampler of ['euler', 'heun'] as const) {
    it(`${sampler} equals EDM Algorithm 1 (Karras schedule ρ = 7, σ ∈ [0.002, 80]) at 6, 8, 18, 32 steps (float32 vs 64: 2e-4)`, () => {
      for (const steps of [6, 8, 18, 32]) {
        const { final } = run(sampler, steps);
        final.forEach((v, i) => {
          const want = edmAlgorithm1(NOISE[i], steps, sampler === 'heun');
          assert.ok(Math.abs(v - want) < 2e-4, `${sampler} ${steps} steps, z = ${NOISE[i]}: ${v} vs Algorithm 1 ${want}`);
        });
      }
    });
  }

  it('converges at its order when the steps double: error ratio ≈ 2 for Euler, ≈ 4 for Heun (16 → 32 → 64 steps)', () => {
    for (const [sampler, lo, hi] of [
      ['euler', 1.8, 2.2],
      ['heun', 3.4, 5.8],
    ] as const) {
      const e = [16, 32, 64].map((n) => odeError(sampler, n));
      for (let k = 0; k < 2; k++) {
        assert.ok(e[k] / e[k + 1] > lo && e[k] / e[k + 1] < hi, `${sampler} error ratio ${e[k] / e[k + 1]} (errors ${e})`);
      }
    }
  });

  it("at the studies' step counts Euler shrinks the spread around μ and Heun widens it (error of opposite signs)", () => {
    // The sample is affine in the noise, so (x − μ)/(x_exact − μ) is one factor per setting; 1 is exact.
    const factor = (sampler: SamplerName, steps: number) => {
      const { final } = run(sampler, steps);
      return (final[5] - MU) / (exact(NOISE[5] * 80, 80, 0) - MU);
    };
    for (const steps of [6, 8, 12, 18]) {
      const [euler, heun] = [factor('euler', steps), factor('heun', steps)];
      assert.ok(euler < 0.9, `Euler ${steps}: spread factor ${euler}`);
      assert.ok(heun > 1.03, `Heun ${steps}: spread factor ${heun}`);
      assert.ok(Math.abs(euler - (edmAlgorithm1(NOISE[5], steps, false) - MU) / (exact(NOISE[5] * 80, 80, 0) - MU)) < 1e-4);
    }
  });
});
