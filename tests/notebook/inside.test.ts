/** The notebooks' look inside a method: its steps agree with the guided sampler, closed-form errors, γ grids, attention rows. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import { preconditioning, type Denoiser } from '../../src/model/denoiser';
import { autoguidance, blurQueries, cfg, guidedDenoiser, icg, pag, sag, sample, seg, tsg, type GuidanceTerm } from '../../src/guidance';
import { sampleNoise } from '../../src/random';
import { edmWeight } from '../../src/train/loss';
import { denoisingErrors } from '../../src/metrics';
import { maskedBlur } from '../../src/analysis/filters';
import {
  attentionMask,
  attentionRows,
  directionsByMethod,
  disposeSteps,
  guidanceSteps,
  heldOutDigits,
  sampleAcrossGamma,
  signedImage,
  stepPanels,
  type GuidanceStep,
} from '../../src/notebook/inside';
import { TINY_DIT, TINY_UNET, input, maxDiff, tinyModel } from '../guidance/helpers';
import { testBackend } from '../test-backend';

describe('inside a guidance method', () => {
  // One model per architecture at a time (tfjs parameter names are global): a perturbed DiT, and a fresh UNet whose
  // zero-initialised output layer makes it D = c_skip·x exactly.
  let dit: Denoiser;
  let plainUnet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    dit = tinyModel(TINY_DIT, 1);
    plainUnet = createDenoiser(TINY_UNET, 3);
  });

  it('each step is what the guided denoiser adds at γ = 1: D_out − D_pos = direction, for every kind of negative', () => {
    const clean = input(2, 0.5, 9);
    const labels = [3, 8];
    const terms: GuidanceTerm[] = [
      cfg({ gamma: 1 }),
      pag({ gamma: 1, layers: ['blocks.1.attn'] }),
      seg({ gamma: 1, sigma: 1 }),
      sag({ gamma: 1 }),
      icg({ gamma: 1 }),
      tsg({ gamma: 1, s: 2, alpha: 0 }),
      autoguidance({ gamma: 1, guide: plainUnet }),
    ];
    const before = tf.memory().numTensors;
    for (const term of terms) {
      const was = tf.memory().numTensors;
      disposeSteps(guidanceSteps(dit, term, clean, labels, [5, 0.5], 4));
      assert.equal(tf.memory().numTensors, was, `${term.method}: guidanceSteps leaks nothing`);
      const steps = guidanceSteps(dit, term, clean, labels, [5, 0.5], 4);
      const noise = sampleNoise([32, 32, 1], 4, [0, 1]);
      for (const s of steps) {
        const x = tf.tidy(() => tf.add(clean, tf.mul(noise, s.sigma)) as tf.Tensor4D);
        assert.ok(maxDiff(s.noisy, x) < 1e-6, `${term.method}: x = clean + σ·noise(seed 4)`);
        const plain = guidedDenoiser(dit, [], labels, [0, 1])(x, s.sigma);
        const guided = guidedDenoiser(dit, [term], labels, [0, 1])(x, s.sigma);
        assert.ok(maxDiff(s.positive, plain) < 1e-5, `${term.method} σ ${s.sigma}: positive is the unguided D`);
        const added = tf.sub(guided, plain);
        assert.ok(maxDiff(s.direction, added) < 1e-4, `${term.method} σ ${s.sigma}: direction vs D_out − D_pos`);
        assert.ok(tf.tidy(() => tf.max(tf.abs(s.direction)).dataSync()[0]) > 1e-4, `${term.method}: the direction is not zero`);
        const sameInput = maxDiff(s.negativeInput, x) === 0;
        assert.equal(sameInput, term.method !== 'sag', `${term.method}: only SAG's negative sees another input`);
        tf.dispose([x, plain, guided, added]);
      }
      noise.dispose();
      disposeSteps(steps);
    }
    assert.equal(tf.memory().numTensors, before, 'no tensors leak');
    clean.dispose();
  });

  it('a term that cannot run on the model throws before anything is computed, leaking nothing', () => {
    const clean = input(1);
    const before = tf.memory().numTensors;
    assert.throws(() => guidanceSteps(dit, pag({ layers: ['mid.atn'] }), clean, [1], [1]), /unknown attention layer "mid.atn"/);
    assert.throws(() => guidanceSteps(dit, cfg({ gamma: 1 }), clean, [1, 2], [1]), /2 labels for 1 images/);
    assert.throws(() => guidanceSteps(dit, cfg({ gamma: 1 }), clean, [1], [0]), /σ must be positive and finite; got 0/);
    assert.equal(tf.memory().numTensors, before);
    clean.dispose();
  });

  it('denoising errors with a seed use the sampler noise of (seed, index): the closed form of D = c_skip·x, any chunk size', () => {
    const clean = input(3, 0.7, 2);
    const labels = [0, 1, 2];
    const sigmas = [0.1, 1, 10];
    const got = denoisingErrors(plainUnet, clean, labels, sigmas, 5, 2);
    const noise = sampleNoise([32, 32, 1], 5, [0, 1, 2]);
    const x0 = clean.dataSync();
    const n = noise.dataSync();
    sigmas.forEach((s, j) => {
      const { cSkip } = preconditioning(s);
      let sum = 0;
      for (let i = 0; i < x0.length; i++) sum += ((cSkip - 1) * x0[i] + cSkip * s * n[i]) ** 2;
      const want = (sum / x0.length) * edmWeight(s);
      assert.ok(Math.abs(got[j] - want) < 1e-4 * want, `σ ${s}: ${got[j]} vs closed form ${want}`);
    });
    const whole = denoisingErrors(dit, clean, labels, sigmas, 5, 3);
    const single = denoisingErrors(dit, clean, labels, sigmas, 5, 1);
    whole.forEach((e, j) => assert.ok(Math.abs(e - single[j]) < 1e-4 * e, `chunks of 1 vs 3 at σ ${sigmas[j]}`));
    assert.throws(() => denoisingErrors(dit, clean, labels, [1], 5, 0), /chunk must be an integer ≥ 1; got 0/);
    tf.dispose([clean, noise]);
  });

  it('samples across γ share their noise per column: γ = 0 is the unguided sample, another γ differs', async () => {
    const common = { model: dit, labels: [2, 5], steps: 2, sampler: 'euler' as const, seed: 3 };
    const images = await sampleAcrossGamma({ ...common, gammas: [0, 2], make: (g) => [cfg({ gamma: g })] });
    assert.deepEqual(
      images.map((im) => [im.gamma, im.label]),
      [
        [0, '2'],
        [0, '5'],
        [2, '2'],
        [2, '5'],
      ],
    );
    const plain = await sample(common);
    const data = plain.dataSync();
    assert.deepEqual(Array.from(images[1].pixels), Array.from(data.slice(1024, 2048)));
    assert.ok(
      Array.from(images[3].pixels).some((v, i) => Math.abs(v - data[1024 + i]) > 1e-3),
      'γ = 2 changed sample 1',
    );
    plain.dispose();
    await assert.rejects(sampleAcrossGamma({ ...common, gammas: [], make: () => [] }), /gammas has 0 and labels 2 entries/);
  });

  it('step panels: one row per σ, signed columns scaled to ±1 with their scale in the caption', () => {
    const clean = input(2, 0.5);
    const steps = guidanceSteps(dit, cfg({ gamma: 1 }), clean, [1, 2], [2, 0.2]);
    const columns = [
      { name: 'D_pos', pick: (s: GuidanceStep) => s.positive },
      { name: 'direction', pick: (s: GuidanceStep) => s.direction, signed: true },
    ];
    const panels = stepPanels(steps, columns, 1);
    assert.deepEqual(
      panels.map((p) => p.label?.split(' ±')[0]),
      ['σ=2 · D_pos', 'direction', 'σ=0.2 · D_pos', 'direction'],
    );
    const top = Math.max(...Array.from(panels[1].pixels, Math.abs));
    assert.ok(Math.abs(top - 1) < 1e-6);
    const raw = steps[0].direction.dataSync().slice(1024, 2048);
    const scale = Math.max(...Array.from(raw, Math.abs));
    assert.match(panels[1].label as string, new RegExp(`±${scale.toPrecision(2)}$`));
    assert.throws(() => stepPanels(steps, [{ name: 'x', pick: (s) => s.noisy }], 2), /sample index 2 is outside the batch of 2/);
    const before = tf.memory().numTensors;
    const computed = stepPanels(steps, [{ name: '|D_pos|', pick: (s) => tf.abs(s.positive) }]);
    assert.equal(tf.memory().numTensors, before, 'a computed column is freed once read');
    assert.ok(computed.every((p) => Array.from(p.pixels).every((v) => v >= 0)));
    disposeSteps(steps);
    clean.dispose();
    assert.deepEqual(Array.from(signedImage([0, 0], 1, 2, 'zero').pixels), [0, 0]);
  });

  it('directions by method share one scale per σ: the largest |Δ| there is 1, the ratios between methods are kept', () => {
    const clean = input(2, 0.5, 7);
    const terms = { cfg: cfg({ gamma: 1 }), pag: pag({ gamma: 1, layers: ['blocks.1.attn'] }) };
    const images = directionsByMethod(dit, terms, clean, [2, 9], [4, 0.4], 1);
    const order = [
      ['cfg', 'σ=4'],
      ['cfg', 'σ=0.4'],
      ['pag', 'σ=4'],
      ['pag', 'σ=0.4'],
    ];
    assert.deepEqual(
      images.map((im) => [im.method, im.label?.split(' ·')[0]]),
      order,
    );
    const top = (im: { pixels: ArrayLike<number> }) => Math.max(...Array.from(im.pixels, Math.abs));
    for (const j of [0, 1]) {
      assert.ok(Math.abs(Math.max(top(images[j]), top(images[2 + j])) - 1) < 1e-6, `σ column ${j}: the largest is 1`);
      assert.equal(images[j].label, images[2 + j].label, 'one scale per σ');
    }
    const raw = (term: GuidanceTerm) => {
      const steps = guidanceSteps(dit, term, clean, [2, 9], [4]);
      const top = Math.max(...Array.from(steps[0].direction.dataSync().slice(1024, 2048), Math.abs));
      disposeSteps(steps);
      return top;
    };
    const ratio = raw(terms.cfg) / raw(terms.pag);
    assert.ok(Math.abs(top(images[0]) / top(images[2]) - ratio) < 1e-4 * ratio, 'the CFG : PAG ratio of the largest |Δ| is kept');
    clean.dispose();
  });

  it('attention rows are probabilities; under the mean query (SEG σ = ∞) every query has the same row', () => {
    const x = input(1, 2);
    const rows = attentionRows(dit, x, 2, [4], 'blocks.1.attn');
    const [, q, k] = rows.shape;
    const sums = rows.sum(2).dataSync();
    assert.ok(Array.from(sums).every((s) => Math.abs(s - 1) < 1e-4));
    const blurred = attentionRows(dit, x, 2, [4], 'blocks.1.attn', (qs, info) => blurQueries(qs, info, Infinity));
    const b = blurred.dataSync();
    for (let i = 1; i < q; i++) for (let j = 0; j < k; j++) assert.ok(Math.abs(b[i * k + j] - b[j]) < 1e-5);
    assert.ok(maxDiff(rows, blurred) > 1e-4, 'the blur changed the rows');
    tf.dispose([x, rows, blurred]);
  });

  it("the attention mask is SAG's: blurring D_pos under it and re-noising gives the SAG negative's input", () => {
    const clean = input(2, 0.5, 3);
    const steps = guidanceSteps(dit, sag({ gamma: 1 }), clean, [1, 6], [3, 0.4]);
    for (const s of steps) {
      const mask = attentionMask(dit, s.noisy, s.sigma, [1, 6], 'blocks.1.attn');
      assert.deepEqual(mask.shape, [2, 32, 32, 1]);
      const values = new Set(mask.dataSync());
      assert.ok([...values].every((v) => v === 0 || v === 1) && values.size === 2, `a 0/1 mask with both values at σ ${s.sigma}`);
      const rebuilt = tf.tidy(() => tf.add(maskedBlur(s.positive, mask, 1), tf.sub(s.noisy, s.positive)));
      assert.ok(maxDiff(rebuilt, s.negativeInput) < 1e-5, `σ ${s.sigma}: ${maxDiff(rebuilt, s.negativeInput)}`);
      tf.dispose([mask, rebuilt]);
    }
    disposeSteps(steps);
    clean.dispose();
    const one = input(1);
    const layers = /unknown attention layer "mid.atn"; layers: blocks.0.attn, blocks.1.attn/;
    assert.throws(() => attentionMask(dit, one, 1, [0], 'mid.atn'), layers);
    one.dispose();
  });

  it('held-out digits come with the labels asked for, a new digit for a repeated label', async () => {
    const digits = await heldOutDigits([3, 3, 7]);
    assert.deepEqual(digits.shape, [3, 32, 32, 1]);
    const d = digits.dataSync();
    assert.ok(
      d.slice(0, 1024).some((v, i) => v !== d[1024 + i]),
      'two different 3s',
    );
    digits.dispose();
    await assert.rejects(heldOutDigits([10]), /label 10 is not a class; classes 0…9/);
  });
});
