import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Denoiser, NULL_LABEL } from '../../src/model/denoiser';
import { identityProcessor } from '../../src/model/attention/processors';
import { karrasSigmas, solve } from '../../src/diffusion';
import { sampleNoise } from '../../src/random';
import {
  apg,
  apgUpdate,
  cfg,
  cfgZero,
  cfgpp,
  fdg,
  guidanceTerm,
  guidedDenoiser,
  mamboG,
  mamboWeight,
  pag,
  sag,
  sample,
  tangentialProjection,
  tcfg,
  zeroStarScale,
  type GuidanceTerm,
} from '../../src/guidance';
import { collapsePyramid, laplacianPyramid } from '../../src/analysis/pyramid';
import { TINY_UNET, input, maxDiff, tinyModel } from './helpers';
import { batchInvariant, testBackend } from '../test-backend';

/** Returns a 4-D tensor `[rows, 1, 1, d]` from plain rows. */
const rows = (r: number[][]): tf.Tensor4D => tf.tensor4d(r.flat(), [r.length, 1, 1, r[0].length]);
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
const read = (t: tf.Tensor): number[] => Array.from(t.dataSync());

/** Returns the largest |a − b| relative to max(1, |b|). */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

/**
 * A linear (Gaussian) class-conditional denoiser on 4×4 images: class ℓ's data is N(μ_ℓ, s_ℓ² I), whose ideal
 * denoiser is D(x; σ) = μ + s²/(s² + σ²)(x − μ), element by element (NULL_LABEL: μ = 0, s = 1).
 */
const mean = (label: number, p: number): number => (label === NULL_LABEL ? 0 : 0.2 * (label + 1) * ((p % 3) - 1));
const spread = (label: number): number => (label === NULL_LABEL ? 1 : 0.5);
const gaussianD = (label: number, x: number, p: number, sigma: number): number => {
  const s2 = spread(label) ** 2;
  return mean(label, p) + (s2 / (s2 + sigma * sigma)) * (x - mean(label, p));
};
const GAUSSIAN = {
  config: { arch: 'dit', imageSize: 4, channels: 1, classes: 3, patch: 2, width: 4, depth: 1, heads: 1 },
  attentionLayers: [],
  noiseEmbDim: 1,
  denoise(x: tf.Tensor4D, sigma: number, cond: { labels: ArrayLike<number> }): tf.Tensor4D {
    const v = x.dataSync();
    const out = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = gaussianD(cond.labels[Math.floor(i / 16)], v[i], i % 16, sigma);
    return tf.tensor4d(out, x.shape);
  },
} as unknown as Denoiser;

describe('combining methods: APG, CFG++, CFG-Zero*, FDG, TCFG, MAMBO-G', () => {
  let unet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    unet = tinyModel(TINY_UNET, 6);
  });

  /** Returns one guided evaluation's output and the plain P (positive) and N (unconditional) at (x, σ). */
  function evalOnce(terms: GuidanceTerm[], x: tf.Tensor4D, sigma: number, step = 5): { out: tf.Tensor4D; p: tf.Tensor4D; n: tf.Tensor4D } {
    const labels = [3, 5];
    const d = guidedDenoiser(unet, terms, labels, [0, 1]);
    const out = d(x, sigma, { step });
    d.dispose();
    return { out, p: unet.denoise(x, sigma, { labels }), n: unet.denoise(x, sigma, { labels: [NULL_LABEL, NULL_LABEL] }) };
  }
  const exact = (): number => (batchInvariant() ? 0 : 1e-5);

  it('APG: η = 1, r = ∞ (or 0), β = 0 is CFG bit for bit; the update is Δ rescaled to ‖·‖ ≤ r, then Δ_⊥ + η Δ_∥', async () => {
    const opts = { model: unet, labels: [1, 7], steps: 3, sampler: 'euler' as const };
    const a = await sample({ ...opts, guidance: [apg({ gamma: 2, eta: 1, r: Infinity, beta: 0 })] });
    const c = await sample({ ...opts, guidance: [cfg({ gamma: 2 })] });
    assert.equal(maxDiff(a, c), 0);
    const zero = await sample({ ...opts, guidance: [apg({ gamma: 2, eta: 1, r: 0, beta: 0 })] });
    assert.equal(maxDiff(zero, c), 0, 'r = 0 is no cap, as in the reference code');
    zero.dispose();
    const p = [3, 0, 4, 1];
    const d = [1, 2, -2, 5];
    const [pp, dd, pd] = [dot(p, p), dot(d, d), dot(p, d)];
    const scale = Math.min(1, 2.5 / Math.sqrt(dd));
    const want = (eta: number): number[] => d.map((v, i) => scale * (v - (1 - eta) * (pd / pp) * p[i]));
    for (const eta of [0, 0.3]) {
      const got = read(apgUpdate(rows([p]), rows([d]), eta, 2.5));
      assert.ok(relDiff(got, want(eta)) < 1e-6, `η = ${eta}: ${got} vs ${want(eta)}`);
    }
    assert.ok(Math.abs(dot(read(apgUpdate(rows([p]), rows([d]), 0, Infinity)), p)) < 1e-5, 'η = 0 leaves only the part ⟂ P');
    tf.dispose([a, c]);
  });

  it('APG: reverse momentum m_t = Δ_t + β m_(t−1) per run, never across runs, batches or rows', async () => {
    const x = input(2, 2);
    const term = apg({ gamma: 2, eta: 1, r: Infinity, beta: -0.5 });
    const labels = [3, 5];
    const d = guidedDenoiser(unet, [term], labels, [0, 1]);
    const first = d(x, 2);
    const second = d(x, 2);
    d.dispose();
    const p = unet.denoise(x, 2, { labels });
    const n = unet.denoise(x, 2, { labels: [NULL_LABEL, NULL_LABEL] });
    // Same x twice: m_1 = Δ, m_2 = Δ + β Δ = 0.5 Δ.
    assert.ok(maxDiff(first, tf.add(p, tf.mul(tf.sub(p, n), 2))) <= 1e-5);
    assert.ok(maxDiff(second, tf.add(p, tf.mul(tf.sub(p, n), 2 * 0.5))) <= 1e-5);
    const fresh = guidedDenoiser(unet, [term], labels, [0, 1]);
    assert.equal(maxDiff(fresh(x, 2), first), 0, 'a new run starts without momentum');
    fresh.dispose();
    const opts = { model: unet, labels: [1, 7, 2], steps: 3, sampler: 'euler' as const, guidance: [apg({ gamma: 3 })] };
    const before = tf.memory().numTensors;
    const together = await sample({ ...opts, batchSize: 3 });
    const apart = await sample({ ...opts, batchSize: 1 });
    const again = await sample({ ...opts, batchSize: 2 });
    assert.ok(maxDiff(together, apart) <= exact(), 'batching does not change a row');
    assert.ok(maxDiff(together, again) <= exact());
    tf.dispose([together, apart, again]);
    assert.equal(tf.memory().numTensors, before, 'the momentum is freed with its run');
    tf.dispose([x, first, second, p, n]);
  });

  it('APG stacks with PAG in one batched call: D_pos + Δ_APG + Δ_PAG', () => {
    const x = input(2, 1.5);
    const labels = [3, 5];
    const calls: number[] = [];
    const orig = unet.denoise.bind(unet);
    unet.denoise = (xi, s, c, o) => (calls.push(xi.shape[0]), orig(xi, s, c, o));
    let out: tf.Tensor4D;
    try {
      out = guidedDenoiser(unet, [apg({ gamma: 2, beta: 0 }), pag({ gamma: 1, layers: ['mid.attn'] })], labels, [0, 1])(x, 1);
    } finally {
      unet.denoise = orig;
    }
    assert.deepEqual(calls, [6]);
    const p = unet.denoise(x, 1, { labels });
    const n = unet.denoise(x, 1, { labels: [NULL_LABEL, NULL_LABEL] });
    const ptb = unet.denoise(x, 1, { labels }, { processors: { 'mid.attn': identityProcessor } });
    const want = tf.add(tf.add(p, tf.mul(apgUpdate(p, tf.sub(p, n) as tf.Tensor4D, 0, 2.5), 2)), tf.sub(p, ptb));
    assert.ok(maxDiff(out, want) <= 1e-5, `${maxDiff(out, want)}`);
    tf.dispose([x, out, p, n, ptb, want]);
  });

  it('CFG-Zero*: s* is the least-squares scale; scale none with K = 0 is CFG; the first K steps output the zero velocity', () => {
    const a = [1, -2, 0.5, 3];
    const b = [2, 1, -1, 0.5];
    const s = dot(a, b) / dot(b, b);
    const got = read(zeroStarScale(rows([a]), rows([b])))[0];
    assert.ok(Math.abs(got - s) < 1e-6);
    const loss = (t: number): number => a.reduce((acc, v, i) => acc + (v - t * b[i]) ** 2, 0);
    assert.ok(loss(s) < loss(s + 1e-3) && loss(s) < loss(s - 1e-3), 's* minimises ‖a − s b‖²');
    assert.equal(read(zeroStarScale(rows([a]), rows([[0, 0, 0, 0]])))[0], 1, 'b = 0: s = 1, no NaN');
    const x = input(2, 3);
    const plain = evalOnce([cfgZero({ gamma: 2, zeroSteps: 0, scale: 'none' })], x, 3);
    const viaCfg = evalOnce([cfg({ gamma: 2 })], x, 3);
    assert.equal(maxDiff(plain.out, viaCfg.out), 0);
    // s* on the velocity: origin Z = x/(1 + σ), Ñ = Z + s*(N − Z), D = P + γ(P − Ñ).
    const full = evalOnce([cfgZero({ gamma: 2, zeroSteps: 0 })], x, 3);
    const want = tf.tidy(() => {
      const z = tf.div(x, 4);
      const [pa, na] = [tf.sub(full.p, z), tf.sub(full.n, z)];
      const sStar = tf.div(tf.sum(tf.mul(pa, na), [1, 2, 3], true), tf.sum(tf.mul(na, na), [1, 2, 3], true));
      return tf.add(full.p, tf.mul(tf.sub(full.p, tf.add(z, tf.mul(sStar, na))), 2));
    });
    assert.ok(maxDiff(full.out, want) <= 1e-5, `${maxDiff(full.out, want)}`);
    for (const [prediction, origin] of [['v', tf.div(x, 4)], ['eps', x], ['x0', tf.zerosLike(x)]] as const) {
      const zero = evalOnce([cfgZero({ gamma: 2, zeroSteps: 2, prediction })], x, 3, 1);
      assert.ok(maxDiff(zero.out, origin) <= 1e-5, `${prediction}: step 1 < K = 2 outputs Z`);
      tf.dispose([zero.out, zero.p, zero.n]);
    }
    tf.dispose([x, want, ...[plain, viaCfg, full].flatMap((e) => [e.out, e.p, e.n])]);
  });

  it('FDG: equal band weights are CFG; otherwise Δ = γ(P − N) + (γ_low − γ)·(the pyramid’s low-pass of P − N)', () => {
    const x = input(2, 2);
    const eq = evalOnce([fdg({ gamma: 3, lowRatio: 1, levels: 3 })], x, 2);
    const c = evalOnce([cfg({ gamma: 3 })], x, 2);
    assert.ok(maxDiff(eq.out, c.out) <= 1e-5, `${maxDiff(eq.out, c.out)}`);
    // collapse(γL0, γL1, γ_low L2) = γ·collapse(L0, L1, L2) + (γ_low − γ)·EXPAND²(L2), and collapse(L0, L1, L2) = P − N.
    const split = evalOnce([fdg({ gamma: 3, lowRatio: 1 / 6, levels: 3 })], x, 2);
    const want = tf.tidy(() => {
      const d = tf.sub(split.p, split.n) as tf.Tensor4D;
      const bands = laplacianPyramid(d, 3);
      const lowPass = collapsePyramid([tf.zerosLike(bands[0]), tf.zerosLike(bands[1]), bands[2]]);
      return tf.add(split.p, tf.add(tf.mul(d, 3), tf.mul(lowPass, 0.5 - 3)));
    });
    assert.ok(maxDiff(split.out, want) <= 1e-5, `${maxDiff(split.out, want)}`);
    assert.ok(maxDiff(split.out, c.out) > 1e-3, 'the low band is weighted apart');
    tf.dispose([x, want, ...[eq, c, split].flatMap((e) => [e.out, e.p, e.n])]);
  });

  it('TCFG: a rank-1 stack keeps N (TCFG = CFG); N ⟂ P with ‖N‖ < ‖P‖ drops N; else the leading singular vector', () => {
    const a = [1, -2, 0.5, 3, 0, 1];
    const parallel = read(tangentialProjection(rows([a]), rows([a.map((v) => -0.7 * v)])));
    assert.ok(relDiff(parallel, a.map((v) => -0.7 * v)) < 1e-6, `rank 1: ${parallel}`);
    const ortho = [2, 1, 0, 0, 1, 0];
    assert.equal(dot(a, ortho), 0);
    assert.ok(Math.max(...read(tangentialProjection(rows([a]), rows([ortho]))).map(Math.abs)) < 1e-6);
    // Independent truth: v₁ by power iteration on MᵀM (float64), then ⟨b, v₁⟩v₁.
    const b = [0.5, 1, -1, 2, 0.3, -0.4];
    let v = a.map((_, i) => 1 + i);
    for (let it = 0; it < 500; it++) {
      const w = v.map((_, j) => a[j] * dot(a, v) + b[j] * dot(b, v));
      const norm = Math.sqrt(dot(w, w));
      v = w.map((t) => t / norm);
    }
    const want = v.map((t) => dot(b, v) * t);
    assert.ok(relDiff(read(tangentialProjection(rows([a]), rows([b]))), want) < 1e-5);
    const x = input(2, 2);
    const t = evalOnce([tcfg({ gamma: 2 })], x, 2);
    const ta = tf.sub(x, t.p) as tf.Tensor4D; // ε-units up to the factor 1/σ, which cancels
    const tb = tf.sub(x, t.n) as tf.Tensor4D;
    const expected = tf.add(t.p, tf.mul(tf.sub(tangentialProjection(ta, tb), ta), 2)); // −a′ + a = a − b′ with a′, b′ negated
    assert.ok(maxDiff(t.out, expected) <= 1e-5, `${maxDiff(t.out, expected)}`);
    tf.dispose([x, ta, tb, expected, t.out, t.p, t.n]);
  });

  it('MAMBO-G: γ(r) = γ exp(−α r) with r = ‖P − N‖ / ‖N − Z‖; α = 0 is CFG', () => {
    const diff = rows([[3, 0, 0, 0], [0, 0, 0, 0]]);
    const neg = rows([[0, 6, 0, 0], [0, 0, 0, 0]]);
    const w = read(mamboWeight(diff, neg, 9, 8));
    assert.ok(Math.abs(w[0] - 9 * Math.exp(-8 * 0.5)) < 1e-6, `${w[0]}`);
    assert.equal(w[1], 9, 'N = Z: r = 0, no NaN');
    const x = input(2, 2);
    const flat = evalOnce([mamboG({ gamma: 2, alpha: 0 })], x, 2);
    const c = evalOnce([cfg({ gamma: 2 })], x, 2);
    assert.equal(maxDiff(flat.out, c.out), 0);
    const damped = evalOnce([mamboG({ gamma: 2 })], x, 2);
    const want = tf.tidy(() => {
      const d = tf.sub(damped.p, damped.n);
      const r = tf.div(tf.norm(d.reshape([2, -1]), 2, 1, true), tf.norm(tf.sub(damped.n, tf.div(x, 3)).reshape([2, -1]), 2, 1, true));
      return tf.add(damped.p, tf.mul(d, tf.mul(tf.exp(tf.mul(r, -8)), 2).reshape([2, 1, 1, 1])));
    });
    assert.ok(maxDiff(damped.out, want) <= 1e-5);
    tf.dispose([diff, neg, x, want, ...[flat, c, damped].flatMap((e) => [e.out, e.p, e.n])]);
  });

  it('CFG++: λ = 0 is unguided Euler on the unconditional model; on a Gaussian denoiser x′ = D_λ + σ′(x − N)/σ exactly', async () => {
    const opts = { model: unet, labels: [2, 8], steps: 4, sampler: 'euler' as const };
    const zero = await sample({ ...opts, guidance: [cfgpp({ gamma: 0 })] });
    const uncond = await sample({ ...opts, labels: NULL_LABEL, n: 2 });
    assert.ok(maxDiff(zero, uncond) <= exact(), `${maxDiff(zero, uncond)}`);
    const heun = sample({ ...opts, sampler: 'heun', guidance: [cfgpp({ gamma: 0.5 })] });
    await assert.rejects(heun, /sample: cfgpp supports the sampler euler; got "heun"/);
    const steps = 5;
    const lambda = 0.6;
    const labels = [0, 2];
    const got = await sample({ model: GAUSSIAN, labels, steps, sampler: 'euler', seed: 4, guidance: [cfgpp({ gamma: lambda })] });
    const sigmas = karrasSigmas(steps);
    const noise = read(sampleNoise([4, 4, 1], 4, [0, 1]));
    const want = noise.map((z, i) => {
      const [label, p] = [labels[Math.floor(i / 16)], i % 16];
      let x = z * sigmas[0];
      for (let k = 0; k < steps; k++) {
        const [c, u] = [gaussianD(label, x, p, sigmas[k]), gaussianD(NULL_LABEL, x, p, sigmas[k])];
        x = u + lambda * (c - u) + (sigmas[k + 1] * (x - u)) / sigmas[k];
      }
      return x;
    });
    assert.ok(relDiff(read(got), want) < 1e-4, `${relDiff(read(got), want)}`);
    tf.dispose([zero, uncond, got]);
  });

  it('stacking: CFG++ re-noises with N while others add to D; one step owner; SAG builds on APG’s unconditional branch', async () => {
    const [steps, lambda, gammaCfg, labels] = [3, 0.4, 0.7, [1, 2]];
    const guidance = [cfgpp({ gamma: lambda }), cfg({ gamma: gammaCfg })];
    const got = await sample({ model: GAUSSIAN, labels, steps, sampler: 'euler', seed: 2, guidance });
    const sigmas = karrasSigmas(steps);
    const want = read(sampleNoise([4, 4, 1], 2, [0, 1])).map((z, i) => {
      const [label, p] = [labels[Math.floor(i / 16)], i % 16];
      let x = z * sigmas[0];
      for (let k = 0; k < steps; k++) {
        const [c, u] = [gaussianD(label, x, p, sigmas[k]), gaussianD(NULL_LABEL, x, p, sigmas[k])];
        x = c + (lambda - 1) * (c - u) + gammaCfg * (c - u) + (sigmas[k + 1] * (x - u)) / sigmas[k];
      }
      return x;
    });
    assert.ok(relDiff(read(got), want) < 1e-4, `${relDiff(read(got), want)}`);
    got.dispose();
    const two = sample({ model: GAUSSIAN, labels, steps: 1, sampler: 'euler', guidance: [cfgpp({ gamma: 0.5 }), cfgpp({ gamma: 0.2 })] });
    await assert.rejects(two, /cfgpp and cfgpp both own the sampler step; stack at most one/);
    const owner = guidedDenoiser(GAUSSIAN, [cfgpp({ gamma: 0.5 })], labels, [0, 1]);
    const noise = sampleNoise([4, 4, 1], 0, [0, 1]) as tf.Tensor4D;
    const heun = /re-noises with its own estimate \(CFG\+\+\), which only the Euler sampler supports; got sampler "heun"/;
    assert.throws(() => solve(owner.step, noise, { sigmas: [2, 1, 0], sampler: 'heun' }), heun);
    noise.dispose();
    const x = input(2, 2);
    const sagOn = (first: GuidanceTerm): tf.Tensor4D => guidedDenoiser(unet, [first, sag({ gamma: 0.5 })], [3, 5], [0, 1])(x, 2);
    const [viaApg, viaCfg] = [sagOn(apg({ gamma: 1, eta: 1, r: 0, beta: 0 })), sagOn(cfg({ gamma: 1 }))];
    assert.equal(maxDiff(viaApg, viaCfg), 0);
    tf.dispose([x, viaApg, viaCfg]);
  });

  it('γ = 0 is unguided bit for bit (CFG++: λ = 0 above); errors name the bad value and the allowed range', async () => {
    const opts = { model: unet, labels: [4], steps: 2 };
    const plain = await sample(opts);
    const builders = [apg({ gamma: 0 }), cfgZero({ gamma: 0 }), fdg({ gamma: 0 }), tcfg({ gamma: 0 }), mamboG({ gamma: 0 })];
    for (const term of builders) {
      const out = await sample({ ...opts, guidance: [term] });
      assert.equal(maxDiff(out, plain), 0, term.method);
      out.dispose();
    }
    plain.dispose();
    assert.throws(() => apg({ gamma: 1, eta: 2 }), /apg: eta must be a number ≥ 0, ≤ 1; got 2/);
    assert.throws(() => apg({ gamma: 1, r: -1 }), /apg: r must be a number ≥ 0 or Infinity; got -1/);
    assert.throws(() => apg({ gamma: 1, beta: -1 }), /apg: beta must be a number > -1, < 1; got -1/);
    assert.throws(() => cfgpp({ gamma: 1.5 }), /cfgpp: gamma must be a number ≥ 0, ≤ 1; got 1.5/);
    assert.throws(() => cfgZero({ gamma: 1, zeroSteps: -1 }), /cfg-zero: zeroSteps must be an integer ≥ 0; got -1/);
    assert.throws(() => cfgZero({ gamma: 1, prediction: 'score' as never }), /cfg-zero: prediction must be one of x0, eps, v; got "score"/);
    assert.throws(() => fdg({ gamma: 1, lowRatio: -1 }), /fdg: lowRatio must be a number ≥ 0; got -1/);
    const deep = fdg({ gamma: 1, levels: 9 });
    assert.throws(() => guidedDenoiser(unet, [deep], [1], [0]), /fdg: levels must be an integer ≥ 2, ≤ 5 for 32-pixel images; got 9/);
    assert.throws(() => mamboG({ gamma: 1, alpha: -2 }), /mambo-g: alpha must be a number ≥ 0; got -2/);
    assert.throws(() => tcfg({ gamma: -1 }), /tcfg: γ must be a finite number ≥ 0; got -1/);
    assert.throws(() => guidanceTerm('apg', { gamma: 1, eta: 'x' }), /apg: option eta must be a number; got "x"/);
    const uncond = tinyModel({ ...TINY_UNET, classes: 0 }, 2);
    assert.throws(() => guidedDenoiser(uncond, [tcfg({ gamma: 1 })], [NULL_LABEL], [0]), /tcfg: the model is unconditional \(0 classes\)/);
  });
});
