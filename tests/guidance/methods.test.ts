import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Denoiser, NULL_LABEL } from '../../src/model/denoiser';
import { identityProcessor } from '../../src/model/attention/processors';
import { autoguidance, cfg, guidedDenoiser, icg, pag, sag, sample, seg, sims, tsg, GuidanceTerm, SAG_STRATEGIES } from '../../src/guidance';
import { TINY_DIT, TINY_UNET, input, maxDiff, tinyModel } from './helpers';
import { testBackend } from '../test-backend';

describe('guidance methods', () => {
  // Parameter names are global in tfjs: at most one model per architecture is alive at a time,
  // so the DiT's guide is the (compatible) UNet and vice versa.
  let dit: Denoiser;
  let unet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    dit = tinyModel(TINY_DIT, 1);
    unet = tinyModel(TINY_UNET, 6);
  });
  const model = (): Denoiser => dit;

  it('γ = 0 gives bit-identical samples to unguided sampling, for every method and SAG strategy', async () => {
    const m = model();
    const guide = unet;
    const opts = { model: m, steps: 3, labels: [3, 7], seed: 4 };
    const plain = await sample(opts);
    const ref = plain.dataSync();
    const zero: GuidanceTerm[] = [
      cfg({ gamma: 0 }),
      pag({ gamma: 0 }),
      seg({ gamma: 0, sigma: 2 }),
      autoguidance({ gamma: 0, guide }),
      sims({ gamma: 0, negative: guide }),
      icg({ gamma: 0 }),
      icg({ gamma: 0, variant: 'gaussian' }),
      tsg({ gamma: 0, s: 1, alpha: 0.5 }),
      ...SAG_STRATEGIES.map((strategy) => sag({ gamma: 0, strategy, mask: (d: tf.Tensor4D) => tf.onesLike(d) })),
    ];
    for (const term of zero) {
      const out = await sample({ ...opts, guidance: [term] });
      assert.deepEqual(out.dataSync(), ref, `${term.method} at γ = 0`);
      out.dispose();
    }
    plain.dispose();
  });

  it('every method at γ > 0 changes the samples (the γ = 0 test can fail)', async () => {
    const m = model();
    const guide = unet;
    const opts = { model: m, steps: 2, labels: [3, 7], seed: 4 };
    const plain = await sample(opts);
    const terms = [
      cfg({ gamma: 1 }),
      pag({ gamma: 1 }),
      seg({ gamma: 1 }),
      autoguidance({ gamma: 1, guide }),
      icg({ gamma: 1 }),
      icg({ gamma: 1, variant: 'gaussian' }),
      tsg({ gamma: 1, s: 1, alpha: 0 }),
      sag({ gamma: 1 }),
    ];
    for (const term of terms) {
      const out = await sample({ ...opts, guidance: [term] });
      assert.ok(maxDiff(out, plain) > 1e-4, `${term.method} had no effect`);
      out.dispose();
    }
    plain.dispose();
  });

  it('PAG and SEG with an empty layer list, and SEG with σ → 0, are unguided', () => {
    const m = model();
    const x = input(2, 2);
    const labels = [1, 4];
    const pos = m.denoise(x, 2, { labels });
    const check = (term: GuidanceTerm, mm = m, ls = labels, p = pos): void => {
      const out = guidedDenoiser(mm, [term], ls, [0, 1])(x, 2);
      assert.ok(maxDiff(out, p) < 1e-5, `${term.method}: ${maxDiff(out, p)}`);
      out.dispose();
    };
    check(pag({ gamma: 3, layers: [] }));
    check(seg({ gamma: 3, layers: [] }));
    check(seg({ gamma: 3, sigma: 1e-3, layers: ['blocks.0.attn', 'blocks.1.attn'] }));
    // …while SEG at σ = 1 does differ.
    const blurred = guidedDenoiser(m, [seg({ gamma: 3, sigma: 1, layers: ['blocks.1.attn'] })], labels, [0, 1])(x, 2);
    assert.ok(maxDiff(blurred, pos) > 1e-4);
    tf.dispose([x, pos, blurred]);
  });

  it('stacked CFG + PAG + SEG + autoguidance + TSG equal the hand-written sum of separate evaluations', () => {
    for (const [m, guide] of [
      [dit, unet],
      [unet, dit],
    ]) {
      const config = m.config;
      const x = input(2, 3);
      const labels = [2, 9];
      const layer = config.arch === 'dit' ? 'blocks.1.attn' : 'mid.attn';
      const terms = [
        cfg({ gamma: 1.5 }),
        pag({ gamma: 3 }),
        seg({ gamma: 2 }),
        autoguidance({ gamma: 0.7, guide }),
        tsg({ gamma: 0.5, s: 0.3, alpha: 0.5, seed: 8 }),
      ];
      const out = guidedDenoiser(m, terms, labels, [10, 11])(x, 3);
      const want = tf.tidy(() => {
        const pos = m.denoise(x, 3, { labels });
        const uncond = m.denoise(x, 3, { labels: [NULL_LABEL, NULL_LABEL] });
        const ptb = m.denoise(x, 3, { labels }, { processors: { [layer]: identityProcessor } });
        const mean = m.denoise(
          x,
          3,
          { labels },
          {
            processors: {
              [layer]: (q, k, v) =>
                tf.matMul(
                  tf.softmax(tf.matMul(tf.broadcastTo(tf.mean(q, 2, true), q.shape), k, false, true).div(Math.sqrt(q.shape[3]))),
                  v,
                ) as tf.Tensor4D,
            },
          },
        );
        const weak = guide.denoise(x, 3, { labels });
        const tsgNeg = (
          terms[4].plan({ model: m, x, sigma: 3, labels, indices: [10, 11] }) as { negative: { noiseEmbOffset: tf.Tensor2D } }
        ).negative;
        const tNeg = m.denoise(x, 3, { labels, noiseEmbOffset: tsgNeg.noiseEmbOffset });
        return pos
          .add(pos.sub(uncond).mul(1.5))
          .add(pos.sub(ptb).mul(3))
          .add(pos.sub(mean).mul(2))
          .add(pos.sub(weak).mul(0.7))
          .add(pos.sub(tNeg).mul(0.5));
      });
      const scale = tf.tidy(() => tf.max(tf.abs(want)).dataSync()[0]);
      assert.ok(maxDiff(out, want) < 1e-5 * Math.max(1, scale), `${config.arch}: ${maxDiff(out, want)}`);
      tf.dispose([x, out, want]);
    }
  });

  it('TSG scales the embedding noise by s·σ^α and depends only on (seed, index, σ)', () => {
    const m = model();
    const x = input(2);
    const off = (s: number, alpha: number, sigma: number, indices: number[]): Float32Array =>
      (
        tsg({ gamma: 1, s, alpha }).plan({ model: m, x, sigma, labels: [0, 0], indices }) as { negative: { noiseEmbOffset: tf.Tensor2D } }
      ).negative.noiseEmbOffset.dataSync() as Float32Array;
    const a = off(1, 0, 4, [5, 6]);
    const b = off(0.5, 0.5, 4, [6, 5]);
    const d = m.noiseEmbDim;
    for (let i = 0; i < d; i++) assert.ok(Math.abs(b[d + i] - a[i] * 0.5 * 2) < 1e-6);
    tf.dispose([x]);
  });

  it('interval: a term acts only for σ in (lo, hi]', () => {
    const m = model();
    const x = input(2);
    const labels = [1, 2];
    const term = cfg({ gamma: 2, interval: [0.5, 2] });
    const f = guidedDenoiser(m, [term], labels, [0, 1]);
    for (const [s, inside] of [
      [0.5, false],
      [1, true],
      [2, true],
      [2.5, false],
    ] as const) {
      const out = f(x, s);
      const pos = m.denoise(x, s, { labels });
      if (inside) assert.ok(maxDiff(out, pos) > 1e-4, `σ ${s}`);
      else assert.deepEqual(out.dataSync(), pos.dataSync(), `σ ${s}`);
      tf.dispose([out, pos]);
    }
    x.dispose();
  });
});
