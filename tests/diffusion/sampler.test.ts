import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { DenoiseFn, karrasSigmas, solve } from '../../src/diffusion';
import { sampleNoise } from '../../src/random';
import { testBackend } from '../test-backend';

// Data ~ N(μ, s²) per pixel: the ideal denoiser is D(x; σ) = (s²x + σ²μ)/(s² + σ²), and the
// probability-flow ODE has the closed-form solution x(0) = μ + (x(σ₀) − μ)·s/√(s² + σ₀²).
const MU = 0.3;
const S = 0.4;
const gaussianDenoiser =
  (calls: number[]): DenoiseFn =>
  (x, sigma) => {
    calls.push(sigma);
    return tf.tidy(() => tf.div(tf.add(tf.mul(x, S * S), sigma * sigma * MU), S * S + sigma * sigma) as tf.Tensor4D);
  };

function moments(v: Float32Array): { mean: number; variance: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) };
}

describe('solve (Euler, Heun)', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  const noise = (): tf.Tensor4D =>
    sampleNoise(
      [32, 32, 1],
      7,
      Array.from({ length: 16 }, (_, i) => i),
    ) as tf.Tensor4D;

  const maxError = (sampler: 'heun' | 'euler', steps: number, calls: number[] = []): number => {
    const z = noise();
    const sigmas = karrasSigmas(steps);
    const out = solve(gaussianDenoiser(calls), z, { sigmas, sampler });
    const got = out.dataSync();
    const zs = z.dataSync();
    const factor = S / Math.sqrt(S * S + sigmas[0] ** 2);
    let worst = 0;
    got.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (MU + (zs[i] * sigmas[0] - MU) * factor)))));
    tf.dispose([z, out]);
    return worst;
  };

  it('Heun is second order and Euler first order against the exact ODE solution (error ratio between N and 2N steps)', () => {
    const heun = [maxError('heun', 64), maxError('heun', 128)];
    const euler = [maxError('euler', 64), maxError('euler', 128)];
    assert.ok(heun[1] < 2e-3, `Heun 128-step error ${heun[1]}`);
    assert.ok(heun[0] / heun[1] > 3.2 && heun[0] / heun[1] < 5, `Heun ratio ${heun[0] / heun[1]}`);
    assert.ok(euler[0] / euler[1] > 1.6 && euler[0] / euler[1] < 2.5, `Euler ratio ${euler[0] / euler[1]}`);
  });

  it('Heun uses 2N − 1 evaluations, Euler N', () => {
    const heun: number[] = [];
    const euler: number[] = [];
    maxError('heun', 18, heun);
    maxError('euler', 18, euler);
    assert.equal(heun.length, 2 * 18 - 1);
    assert.equal(euler.length, 18);
  });

  it('samples have mean μ and variance s² within sampling error (Heun, 128 steps)', () => {
    const z = noise();
    const out = solve(gaussianDenoiser([]), z, { sigmas: karrasSigmas(128) });
    // 16384 pixels: the standard error is 0.003 for the mean and 1.1% for the variance.
    const m = moments(out.dataSync() as Float32Array);
    assert.ok(Math.abs(m.mean - MU) < 0.015, `mean ${m.mean}`);
    assert.ok(Math.abs(m.variance / (S * S) - 1) < 0.05, `variance ${m.variance}`);
    tf.dispose([z, out]);
  });

  it('leaks no tensors over a 100-step Heun run, and calls onStep once per step with the schedule', () => {
    const z = noise();
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const sigmas = karrasSigmas(100);
    const out = solve(gaussianDenoiser([]), z, { sigmas, onStep: (s) => seen.push(s.sigma) });
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(seen, sigmas.slice(0, -1));
    tf.dispose([z, out]);
  });

  it('rejects an unknown sampler and a bad schedule with the values', () => {
    const z = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
    const d = gaussianDenoiser([]);
    assert.throws(() => solve(d, z, { sigmas: [1, 0], sampler: 'rk4' as never }), /unknown sampler "rk4"; samplers: heun, euler/);
    assert.throws(() => solve(d, z, { sigmas: [1, 2, 0] }), /must decrease; σ_1 = 2 ≥ σ_0 = 1/);
    assert.throws(() => solve(d, z, { sigmas: [1, 0, 0] }), /σ_1 = 0/);
    z.dispose();
  });
});
