import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Denoiser, NULL_LABEL } from '../../src/model/denoiser';
import { identityProcessor } from '../../src/model/attention/processors';
import { cfg, guidedDenoiser, pag, sample, type GuidanceUpdate } from '../../src/guidance';
import { TINY_UNET, input, maxDiff, tinyModel } from './helpers';
import { batchInvariant, testBackend } from '../test-backend';

describe('onGuidance: each active term’s update Δ_i at every evaluation', () => {
  let unet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    unet = tinyModel(TINY_UNET, 6);
  });

  it('reports Δ_i = γ_i (P − N_i) per term, Σ Δ_i = D_out − D_pos, and skips inactive terms', () => {
    const x = input(2, 2);
    const labels = [3, 5];
    const seen: { term: number; method: string; gamma: number; step: number; call: number; delta: tf.Tensor4D }[] = [];
    const onGuidance = (u: GuidanceUpdate): void => {
      seen.push({ term: u.term, method: u.method, gamma: u.gamma, step: u.step, call: u.call, delta: tf.keep(u.delta.clone()) });
    };
    const terms = [cfg({ gamma: 2 }), pag({ gamma: 0 }), pag({ gamma: 3, layers: ['mid.attn'] }), cfg({ gamma: 1, interval: [5, 10] })];
    const denoise = guidedDenoiser(unet, terms, labels, [0, 1], { onGuidance });
    const out = denoise(x, 2);
    const pos = unet.denoise(x, 2, { labels });
    const un = unet.denoise(x, 2, { labels: [NULL_LABEL, NULL_LABEL] });
    const ptb = unet.denoise(x, 2, { labels }, { processors: { 'mid.attn': identityProcessor } });
    assert.deepEqual(seen.map((s) => [s.term, s.method, s.gamma, s.step, s.call]), [[0, 'cfg', 2, 0, 0], [2, 'pag', 3, 0, 0]]);
    const tol = batchInvariant() ? 1e-6 : 1e-4;
    assert.ok(maxDiff(seen[0].delta, tf.mul(tf.sub(pos, un), 2)) <= tol);
    assert.ok(maxDiff(seen[1].delta, tf.mul(tf.sub(pos, ptb), 3)) <= tol);
    // D_out is D_pos plus exactly these tensors, in this order (bit-identical where batching does not change a row).
    const sum = tf.add(tf.add(pos, seen[0].delta), seen[1].delta);
    assert.ok(maxDiff(sum, out) <= (batchInvariant() ? 0 : 1e-5));
    denoise(x, 2).dispose();
    assert.deepEqual(seen.slice(2).map((s) => [s.call, s.step]), [[1, 1], [1, 1]], 'the call count runs on and stands in for the step');
    tf.dispose([x, out, pos, un, ptb, sum, ...seen.map((s) => s.delta)]);
  });

  it('in sample: the sampler’s step (Heun’s corrector shares it), per batch, with the batch’s sample indices', async () => {
    const seen: { step: number; call: number; indices: number[]; shape: number[] }[] = [];
    const before = tf.memory().numTensors;
    const out = await sample({
      model: unet, labels: 4, n: 3, steps: 3, batchSize: 2, sampler: 'heun', guidance: [cfg({ gamma: 1 })],
      onGuidance: (u) => seen.push({ step: u.step, call: u.call, indices: [...u.indices], shape: u.delta.shape }),
    });
    out.dispose();
    assert.equal(tf.memory().numTensors, before);
    // Heun, 3 steps: evaluations at σ0, σ1 (step 0), σ1, σ2 (step 1), σ2 (step 2, Euler to σ = 0): 5 per batch.
    const perBatch = [0, 0, 1, 1, 2];
    assert.deepEqual(seen.map((s) => s.step), [...perBatch, ...perBatch]);
    assert.deepEqual(seen.map((s) => s.call), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    assert.deepEqual(seen.map((s) => s.indices), [...Array(5).fill([0, 1]), ...Array(5).fill([2])]);
    assert.deepEqual(seen[5].shape, [1, 32, 32, 1]);
  });
});

