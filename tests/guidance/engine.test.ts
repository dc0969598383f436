import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Denoiser, NULL_LABEL } from '../../src/model/denoiser';
import { identityProcessor } from '../../src/model/attention/processors';
import { gaussianBlur, highFrequencyMask, maskedBlur } from '../../src/analysis/filters';
import {
  autoguidance,
  cfg,
  guidanceTerm,
  guidedDenoiser,
  pag,
  sag,
  sample,
  seg,
  tsg,
  fromGuidanceScale,
  fromHoSalimans,
  fromPerturbationScale,
  type GuidanceTerm,
} from '../../src/guidance';
import { createDenoiser } from '../../src/model/factory';
import ref from '../reference/sag_mask.json';
import { TINY_DIT, TINY_UNET, input, maxDiff, tinyModel } from './helpers';
import { batchInvariant, testBackend } from '../test-backend';

describe('guidance engine', () => {
  let dit: Denoiser;
  let unet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    dit = tinyModel(TINY_DIT, 1);
    unet = tinyModel(TINY_UNET, 6);
  });

  it('processors on rows [b, 2b) leave rows [0, b) bit-identical, and batched CFG + PAG equals separate passes', () => {
    const x = input(2, 2);
    const labels = [3, 5];
    const xx = tf.concat([x, x]) as tf.Tensor4D;
    const plain = unet.denoise(xx, 2, { labels: [...labels, ...labels] });
    const bound = unet.denoise(
      xx,
      2,
      { labels: [...labels, ...labels] },
      { processors: { 'mid.attn': { processor: identityProcessor, rows: [2, 4] } } },
    );
    assert.deepEqual(tf.slice(bound, 0, 2).dataSync(), tf.slice(plain, 0, 2).dataSync());
    assert.ok(maxDiff(tf.slice(bound, 2, 2), tf.slice(plain, 2, 2)) > 1e-4);
    const out = guidedDenoiser(unet, [cfg({ gamma: 2 }), pag({ gamma: 3, layers: ['mid.attn', 'down.1.attn'] })], labels, [0, 1])(x, 2);
    const pos = unet.denoise(x, 2, { labels });
    const un = unet.denoise(x, 2, { labels: [NULL_LABEL, NULL_LABEL] });
    const ptb = unet.denoise(x, 2, { labels }, { processors: { 'mid.attn': identityProcessor, 'down.1.attn': identityProcessor } });
    const want = tf.tidy(() => pos.add(pos.sub(un).mul(2)).add(pos.sub(ptb).mul(3)));
    // One call of 6 rows against three calls of 2: the same arithmetic per row, but a row's result is bit-identical across
    // batchings only on batch-invariant backends; TensorFlow may block its kernels by batch size (~1e-6 per call).
    assert.ok(maxDiff(out, want) <= (batchInvariant() ? 0 : 1e-5), `${maxDiff(out, want)}`);
    tf.dispose([x, xx, plain, bound, out, pos, un, ptb, want]);
  });

  it('runs CFG + PAG as one batched denoise call of 3× the batch', () => {
    const x = input(2);
    const calls: number[] = [];
    const orig = dit.denoise.bind(dit);
    dit.denoise = (xi, s, c, o) => (calls.push(xi.shape[0]), orig(xi, s, c, o));
    try {
      guidedDenoiser(dit, [cfg({ gamma: 1 }), pag({ gamma: 3 })], [1, 2], [0, 1])(x, 1).dispose();
    } finally {
      dit.denoise = orig;
    }
    assert.deepEqual(calls, [6]);
    x.dispose();
  });

  it('SAG: the captured mask equals sag_mask.json on the same probabilities, and x̂ = blur where masked + (x − D)', () => {
    const probs = tf.tensor4d(ref.probs);
    const [b, heads, t] = probs.shape;
    // softmax(q·kᵀ/√t) = probs when q = log(probs) and k = √t·I.
    const q = tf.log(probs) as tf.Tensor4D;
    const k = tf.broadcastTo(tf.eye(t).mul(Math.sqrt(t)).reshape([1, 1, t, t]), [b, heads, t, t]) as tf.Tensor4D;
    const plan = sag({ gamma: 1, layer: 'mid.attn', sigma: 1.5 }).plan({
      model: unet,
      x: input(b),
      sigma: 1,
      labels: [0, 0],
      indices: [0, 1],
    });
    assert.ok('deferred' in plan);
    tf.tidy(() => plan.deferred.capture['mid.attn'](q, k, k, { name: 'mid.attn', grid: [4, 4], heads, headDim: t }));
    const denoised = input(b, 1, 9);
    const x = input(b, 1, 10);
    const neg = plan.deferred.negative({ x, labels: [0, 0], denoised, sigma: 1, indices: [0, 1] });
    const blurred = gaussianBlur(denoised, 1.5);
    const [xh, dd, bl, xs] = [neg.x.dataSync(), denoised.dataSync(), blurred.dataSync(), x.dataSync()];
    for (let i = 0; i < b; i++) {
      for (let y = 0; y < 32; y++) {
        for (let c = 0; c < 32; c++) {
          const p = i * 1024 + y * 32 + c;
          const m = ref.mask[i][Math.floor(y / 8) * 4 + Math.floor(c / 8)];
          const want = (m ? bl[p] : dd[p]) + (xs[p] - dd[p]);
          assert.ok(Math.abs(xh[p] - want) < 1e-5, `row ${i} (${y}, ${c}) mask ${m}`);
        }
      }
    }
    plan.deferred.dispose();
    tf.dispose([probs, q, k, denoised, x, neg.x, blurred]);
  });

  it("SAG with CFG is diffusers' noise-space update on the unconditional branch: ε = ε_c + γ(ε_c − ε_u) + γ_s(ε_u(x) − ε(x̂_u; ∅)), D = x − σε", () => {
    const x = input(2, 2);
    const labels = [4, 8];
    const sigma = 2;
    const mask = (d: tf.Tensor4D): tf.Tensor => tf.cast(tf.greater(d, 0), 'float32');
    const out = guidedDenoiser(
      dit,
      [cfg({ gamma: 1.5 }), sag({ gamma: 0.75, strategy: 'external-mask', mask, sigma: 2, kernel: 9 })],
      labels,
      [0, 1],
    )(x, sigma);
    const want = tf.tidy(() => {
      const nul = [NULL_LABEL, NULL_LABEL];
      const eps = (input: tf.Tensor4D, d: tf.Tensor4D) => input.sub(d).div(sigma);
      const c = dit.denoise(x, sigma, { labels });
      const u = dit.denoise(x, sigma, { labels: nul });
      const xh = maskedBlur(u, mask(u), 2, 9).add(x.sub(u)) as tf.Tensor4D;
      const [epsC, epsU, epsH] = [eps(x, c), eps(x, u), eps(xh, dit.denoise(xh, sigma, { labels: nul }))];
      const epsOut = epsC.add(epsC.sub(epsU).mul(1.5)).add(epsU.sub(epsH).mul(0.75));
      return x.sub(epsOut.mul(sigma));
    });
    assert.ok(maxDiff(out, want) < 1e-5, `${maxDiff(out, want)}`);
    tf.dispose([x, out, want]);
  });

  it("SAG's high-frequency-mask strategy blurs under the image's own high-frequency mask (= external-mask with that mask)", () => {
    const x = input(2, 2);
    const labels = [4, 8];
    const run = (term: GuidanceTerm) => guidedDenoiser(dit, [term], labels, [0, 1])(x, 2);
    const hf = run(sag({ gamma: 0.75, strategy: 'high-frequency-mask', sigma: 2, kernel: 9 }));
    const viaMask = run(sag({ gamma: 0.75, strategy: 'external-mask', mask: (d) => highFrequencyMask(d, 2, 9), sigma: 2, kernel: 9 }));
    const global = run(sag({ gamma: 0.75, strategy: 'global-blur', sigma: 2, kernel: 9 }));
    assert.ok(maxDiff(hf, viaMask) < 1e-6, `${maxDiff(hf, viaMask)}`);
    assert.ok(maxDiff(hf, global) > 1e-4, 'the mask matters: a global blur gives another negative');
    tf.dispose([x, hf, viaMask, global]);
  });

  it('leaks no tensors across a 100-step guided run (CFG + PAG + SAG + TSG)', async () => {
    const before = tf.memory().numTensors;
    const out = await sample({
      model: dit,
      labels: [1],
      steps: 100,
      sampler: 'euler',
      guidance: [cfg({ gamma: 1 }), pag({ gamma: 1 }), sag({ gamma: 0.5 }), tsg({ gamma: 0.5, s: 0.1, alpha: 0 })],
    });
    assert.equal(tf.memory().numTensors, before + 1);
    out.dispose();
  });

  it('sample: noise depends only on (seed, index), whatever the batching; one label broadcasts', async () => {
    const all = await sample({ model: dit, labels: 2, n: 4, steps: 2, batchSize: 4, seed: 3, guidance: [pag({ gamma: 2 })] });
    const some = await sample({ model: dit, labels: 2, indices: [2, 3], steps: 2, batchSize: 1, seed: 3, guidance: [pag({ gamma: 2 })] });
    assert.deepEqual(all.shape, [4, 32, 32, 1]);
    // Batches of 4 against batches of 1: bit-identical on batch-invariant backends; on TensorFlow, batch-size-dependent
    // blocking (~1e-6 per call) passes through the σ = 80 step, so rows may differ slightly (0 measured with TF 2.21).
    assert.ok(maxDiff(tf.slice(all, 2, 2), some) <= (batchInvariant() ? 0 : 1e-5), `${maxDiff(tf.slice(all, 2, 2), some)}`);
    tf.dispose([all, some]);
  });

  it('converts weight conventions to γ', () => {
    assert.equal(fromGuidanceScale(7.5), 6.5);
    assert.equal(fromHoSalimans(3), 3);
    assert.equal(fromPerturbationScale(0.75), 0.75);
    assert.throws(() => fromGuidanceScale(NaN), /guidance scale w must be a finite number; got NaN/);
  });

  it('rejects bad input with the bad value and the allowed ones', async () => {
    const run = (terms: ReturnType<typeof cfg>[]): void => guidedDenoiser(dit, terms, [0], [0]) && undefined;
    assert.throws(
      () => guidanceTerm('cgf', { gamma: 1 }),
      /unknown guidance method "cgf"; methods: cfg, sag, pag, seg, autoguidance, icg, tsg, sims/,
    );
    assert.throws(
      () => run([pag({ layers: ['mid.attn'] })]),
      /pag: unknown attention layer "mid.attn"; layers: blocks.0.attn, blocks.1.attn/,
    );
    assert.throws(() => run([seg({ layers: ['blocks.10.attn'] })]), /seg: unknown attention layer "blocks.10.attn"/);
    assert.throws(() => run([sag({ layer: 'blocks.1' })]), /sag: unknown attention layer "blocks.1"; layers: blocks.0.attn, blocks.1.attn/);
    assert.throws(() => cfg({ gamma: NaN }), /cfg: γ must be a finite number ≥ -1; got NaN/);
    assert.throws(() => cfg({ gamma: -2 }), /got -2/);
    assert.throws(() => pag({ gamma: -1 }), /pag: γ must be a finite number ≥ 0; got -1/);
    assert.throws(() => seg({ gamma: Infinity }), /seg: γ .* got Infinity/);
    assert.throws(() => seg({ sigma: 0 }), /seg: σ must be > 0/);
    assert.throws(() => cfg({ gamma: 1, interval: [2, 1] }), /cfg: the σ interval \(lo, hi\] needs 0 ≤ lo < hi; got \[2, 1\]/);
    assert.throws(() => pag({ gamma: 1, interval: [1, 1] }), /got \[1, 1\] \(empty or inverted\)/);
    assert.throws(
      () => sag({ strategy: 'dino' as never }),
      /sag: unknown strategy "dino"; strategies: sag-mask, global-blur, fft-low-pass, high-frequency-mask, random-mask, square-mask, external-mask/,
    );
    assert.throws(
      () => sag({ strategy: 'random-reset' as never }),
      /sag: unknown strategy "random-reset" \(renamed to "random-mask", what it does\); strategies: sag-mask/,
    );
    assert.throws(() => sag({ strategy: 'external-mask' }), /external-mask needs mask/);
    assert.throws(() => tsg({ gamma: 1, s: -1, alpha: 0 }), /tsg: s must be a finite number ≥ 0; got -1/);
    assert.doesNotThrow(() => run([autoguidance({ gamma: 1, guide: unet })]), 'a compatible guide of another architecture is accepted');
    unet.net.params.dispose();
    const other = createDenoiser({ ...TINY_UNET, classes: 5 }, 0);
    assert.throws(
      () => run([autoguidance({ gamma: 1, guide: other })]),
      /autoguidance: the guide has classes 5 but the model has 10; it must match/,
    );
    other.net.params.dispose();
    const uncond = createDenoiser({ ...TINY_UNET, classes: 0 }, 0);
    assert.throws(() => guidedDenoiser(uncond, [cfg({ gamma: 1 })], [NULL_LABEL], [0]), /cfg: the model is unconditional/);
    uncond.net.params.dispose();
    await assert.rejects(sample({ model: dit, labels: [1, 2, 3], n: 2, steps: 1 }), /sample: labels has 3 entries for 2 samples/);
    await assert.rejects(
      sample({ model: dit, n: 2, steps: 1 }),
      /labels are required for a class-conditional model \(0…9 or NULL_LABEL -1\)/,
    );
    await assert.rejects(sample({ model: dit, labels: [12], steps: 1 }), /label 12 at row 0 is not a class/);
  });
});
