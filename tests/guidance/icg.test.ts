import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { classEmbeddingScale, guidedDenoiser, icg } from '../../src/guidance';
import { TINY_DIT, input, maxDiff, tinyModel } from './helpers';
import { testBackend } from '../test-backend';

describe('icg', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('is unguided when the random class always equals the true class (a one-class model), guided otherwise', () => {
    const one = tinyModel({ ...TINY_DIT, classes: 1 }, 3);
    const x = input(2, 2);
    const pos = one.denoise(x, 2, { labels: [0, 0] });
    const same = guidedDenoiser(one, [icg({ gamma: 2 })], [0, 0], [0, 1])(x, 2);
    assert.ok(maxDiff(same, pos) < 1e-5, `${maxDiff(same, pos)}`);
    const gauss = guidedDenoiser(one, [icg({ gamma: 2, variant: 'gaussian' })], [0, 0], [0, 1])(x, 2);
    assert.ok(maxDiff(gauss, pos) > 1e-4);
    tf.dispose([x, pos, same, gauss]);
    one.net.params.dispose();
  });

  it('draws random classes uniformly over the classes, per (seed, index, σ), and Gaussian embeddings at the table RMS', () => {
    const m = tinyModel(TINY_DIT, 1);
    const x = input(1);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 2000; i++) {
      const plan = icg({ gamma: 1, seed: 3 }).plan({ model: m, x, sigma: 1, labels: [0], indices: [i] }) as {
        negative: { labels: number[] };
      };
      counts[plan.negative.labels[0]]++;
    }
    for (const c of counts) assert.ok(Math.abs(c - 200) < 60, `class counts ${counts}`);
    const table = m.net.params.vars.get('dit.embed.class.weight') as tf.Variable;
    const rms = Math.sqrt((table.dataSync() as Float32Array).reduce((a, v) => a + v * v, 0) / table.size);
    assert.ok(Math.abs(classEmbeddingScale(m) - rms) < 1e-5 * rms);
    const xs = input(64);
    const plan = icg({ gamma: 1, variant: 'gaussian' }).plan({
      model: m,
      x: xs,
      sigma: 1,
      labels: new Array(64).fill(0),
      indices: Array.from({ length: 64 }, (_, i) => i),
    }) as { negative: { classEmb: tf.Tensor2D } };
    const e = plan.negative.classEmb.dataSync() as Float32Array;
    const std = Math.sqrt(e.reduce((a, v) => a + v * v, 0) / e.length);
    assert.ok(Math.abs(std / rms - 1) < 0.05, `std ${std} vs ${rms}`);
    tf.dispose([x, xs]);
  });
});
