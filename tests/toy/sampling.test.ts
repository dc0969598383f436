import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { karrasSigmas } from '../../src/diffusion';
import { NULL_LABEL } from '../../src/model/denoiser';
import { exactDenoise, exactDenoiser, score } from '../../src/toy/exact';
import { negativeTerm, toyAutoguidance, toyCfg, toyGuided, toyIcg } from '../../src/toy/guidance';
import { gaussianMixture } from '../../src/toy/mixture';
import { toyReference, toyScores } from '../../src/toy/metrics';
import { solveToy, toyNoise } from '../../src/toy/ode';
import { toPoints } from '../../src/toy/points';
import { sampleData } from '../../src/toy/sample-data';
import { toyMixture } from '../../src/toy/tree';
import { rowRng } from '../../src/guidance/term';
import { testBackend } from '../test-backend';

const m = toyMixture();
const D = exactDenoiser(m);
const probes = toPoints([
  [0, 0],
  [-0.3, 0.2],
  [0.25, -0.4],
  [0.9, 0.3],
]);
const labels = Int32Array.from([0, 1, 0, 1]);

describe('toy sampling and guidance (exact denoisers)', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('solves the probability-flow ODE of a Gaussian to its closed form x₀ = μ + (x − μ)·s/√(s² + σ₀²) per axis', () => {
    const [mu, s] = [
      [0.3, -0.2],
      [0.4, 0.1],
    ];
    const g = gaussianMixture([[{ mean: [mu[0], mu[1]], cov: [s[0] ** 2, 0, s[1] ** 2], weight: 1 }]]);
    const noise = toyNoise(50, 2);
    const sigmas = karrasSigmas(64, { sigmaMin: 1e-4, sigmaMax: 5 });
    const lab = new Int32Array(50);
    const out = solveToy(toyGuided(exactDenoiser(g), [], lab, 1), noise, { sigmas, sampler: 'heun' });
    for (let i = 0; i < out.points.length; i++) {
      const [a, sd] = [mu[i % 2], s[i % 2]];
      const expected = a + ((noise[i] * 5 - a) * sd) / Math.sqrt(sd * sd + 25);
      assert.ok(Math.abs(out.points[i] - expected) < 2e-3, `coordinate ${i}: ${out.points[i]} vs ${expected}`);
    }
  });

  it('samples the toy with the exact denoiser: ODE samples score like exact data samples', () => {
    const ref = toyReference(m, 1000, 100);
    const n = 600;
    const lab = Int32Array.from({ length: n }, (_, i) => i % 2);
    const opts = { sigmas: karrasSigmas(32, { sigmaMax: 10 }), sampler: 'heun' as const, trajectory: true };
    const ode = solveToy(toyGuided(D, [], lab, 2), toyNoise(n, 1), opts);
    assert.equal(ode.trajectory.length, 33);
    const data = sampleData(m, n, 7, lab);
    const [a, b] = [toyScores(m, ode.points, lab, ref), toyScores(m, data.points, lab, ref)];
    assert.ok(Math.abs(a.logLikelihood - b.logLikelihood) < 0.3, `log-likelihood ODE ${a.logLikelihood} vs data ${b.logLikelihood}`);
    assert.ok(Math.abs(a.inside - b.inside) < 0.03, `inside ODE ${a.inside} vs data ${b.inside}`);
    assert.ok(Math.abs(a.recall - b.recall) < 0.08, `recall ODE ${a.recall} vs data ${b.recall}`);
  });

  it('CFG is x + σ²[(1+γ)∇log p_σ(x|c) − γ∇log p_σ(x)], and γ = −1 is unconditional', () => {
    const sigma = 0.3;
    const out = toyGuided(D, [toyCfg({ gamma: 2 }, D)], labels, 2)(probes, sigma);
    const sc = score(m, probes, sigma, labels);
    const su = score(m, probes, sigma, NULL_LABEL);
    out.forEach((v, i) => assert.ok(Math.abs(v - (probes[i] + sigma * sigma * (3 * sc[i] - 2 * su[i]))) < 1e-12));
    const uncond = toyGuided(D, [toyCfg({ gamma: -1 }, D)], labels, 2)(probes, sigma);
    const du = exactDenoise(m, probes, sigma, NULL_LABEL);
    uncond.forEach((v, i) => assert.ok(Math.abs(v - du[i]) < 1e-12));
  });

  it('acts only inside the guidance interval, and autoguidance by the model itself changes nothing', () => {
    const guided = toyGuided(D, [toyCfg({ gamma: 3, interval: [0.1, 1] }, D)], labels, 2);
    const plain = exactDenoise(m, probes, 0.05, labels);
    assert.deepEqual(guided(probes, 0.05), plain);
    assert.notDeepEqual(guided(probes, 0.5), exactDenoise(m, probes, 0.5, labels));
    assert.deepEqual(toyGuided(D, [toyAutoguidance({ gamma: 2 }, D)], labels, 2)(probes, 0.5), exactDenoise(m, probes, 0.5, labels));
  });

  it('ICG uses a random class per row that depends only on (seed, index, σ); the generalized form takes any negative', () => {
    const sigma = 0.4;
    const idx = [10, 11, 12, 13];
    const out = toyGuided(D, [toyIcg({ gamma: 1.5, classes: 2, seed: 3 }, D)], labels, 2, idx)(probes, sigma);
    const neg = Int32Array.from(idx, (i) => rowRng(3, i, sigma).int(2));
    const pos = exactDenoise(m, probes, sigma, labels);
    const dn = exactDenoise(m, probes, sigma, neg);
    out.forEach((v, i) => assert.ok(Math.abs(v - (pos[i] + 1.5 * (pos[i] - dn[i]))) < 1e-12));
    const negatives = new Set(Array.from({ length: 200 }, (_, i) => rowRng(3, i, sigma).int(2)));
    assert.equal(negatives.size, 2);
    const blurred = (x: Float64Array, s: number, l: Int32Array) => exactDenoise(m, x, 2 * s, l);
    const general = toyGuided(D, [negativeTerm('blur', { gamma: 0.5 }, blurred)], labels, 2)(probes, sigma);
    const db = exactDenoise(m, probes, 2 * sigma, labels);
    general.forEach((v, i) => assert.ok(Math.abs(v - (pos[i] + 0.5 * (pos[i] - db[i]))) < 1e-12));
  });

  it('refuses bad γ, intervals, labels and point counts', () => {
    assert.throws(() => toyCfg({ gamma: NaN }, D), /cfg: γ must be a finite number ≥ -1; got NaN/);
    assert.throws(() => toyAutoguidance({ gamma: -0.5 }, D), /autoguidance: γ must be a finite number ≥ 0/);
    assert.throws(() => toyCfg({ gamma: 1, interval: [2, 1] }, D), /empty or inverted/);
    assert.throws(() => toyIcg({ gamma: 1, classes: 0 }, D), /classes must be an integer ≥ 1; got 0/);
    assert.throws(() => toyGuided(D, [], [0, 5], 2), /unknown class 5/);
    assert.throws(() => toyGuided(D, [], [0, 1], 2)(probes, 0.1), /4 points for 2 labels/);
    assert.throws(() => toyGuided(D, [], [0, 1], 2)(new Float64Array(4), 0), /σ must be a finite number > 0; got 0/);
  });
});
