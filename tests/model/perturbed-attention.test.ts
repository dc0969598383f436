import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { AttentionLayerInfo, defaultProcessor, permutedOutputProcessor, temperatureProcessor } from '../../src/model/attention/processors';
import { Rng } from '../../src/random';
import { maxDiff } from '../guidance/helpers';
import { testBackend } from '../test-backend';

const layer: AttentionLayerInfo = { name: 'test.attn', grid: [2, 3], heads: 2, headDim: 4 };
const qkv = (seed: number): tf.Tensor4D => tf.tensor4d(new Rng(seed).normals(2 * 2 * 6 * 4), [2, 2, 6, 4]);

/** Returns softmax(q·kᵀ/(τ√d))·v computed with plain loops, `[b, h, t, d]` flattened. */
function loopAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, tau: number): Float32Array {
  const [b, h, t, d] = q.shape;
  const [Q, K, V] = [q, k, v].map((x) => x.dataSync());
  const out = new Float32Array(b * h * t * d);
  for (let n = 0; n < b * h; n++) {
    for (let i = 0; i < t; i++) {
      const logits = Array.from({ length: t }, (_, j) => {
        let s = 0;
        for (let c = 0; c < d; c++) s += Q[(n * t + i) * d + c] * K[(n * t + j) * d + c];
        return s / (tau * Math.sqrt(d));
      });
      const m = Math.max(...logits);
      const w = logits.map((l) => Math.exp(l - m));
      const z = w.reduce((a, c) => a + c, 0);
      for (let c = 0; c < d; c++) out[(n * t + i) * d + c] = w.reduce((a, wj, j) => a + (wj / z) * V[(n * t + j) * d + c], 0);
    }
  }
  return out;
}

describe('perturbed attention processors', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('temperature τ computes softmax(q·kᵀ/(τ√d))·v; τ = 1 is the default processor bit for bit', () => {
    const [q, k, v] = [qkv(1), qkv(2), qkv(3)];
    assert.deepEqual(temperatureProcessor(1)(q, k, v, layer).dataSync(), defaultProcessor(q, k, v, layer).dataSync());
    for (const tau of [0.5, 3]) {
      const got = temperatureProcessor(tau)(q, k, v, layer).dataSync();
      const want = loopAttention(q, k, v, tau);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-5, `τ ${tau} at ${i}: ${g} vs ${want[i]}`));
    }
    // τ → ∞: every query sees the mean value.
    const flat = temperatureProcessor(1e9)(q, k, v, layer);
    const mean = tf.broadcastTo(tf.mean(v, 2, true), v.shape);
    assert.ok(maxDiff(flat, mean) < 1e-5);
    assert.throws(() => temperatureProcessor(0), /temperature must be a finite number > 0; got 0/);
    assert.throws(() => temperatureProcessor(Infinity), /got Infinity/);
    tf.dispose([q, k, v, flat, mean]);
  });

  it('permuted output: the identity order is the default; a shuffle equals attention on shuffled tokens, and its inverse undoes it', () => {
    const [q, k, v] = [qkv(4), qkv(5), qkv(6)];
    const ident = [0, 1, 2, 3, 4, 5];
    assert.deepEqual(permutedOutputProcessor([ident, ident])(q, k, v, layer).dataSync(), defaultProcessor(q, k, v, layer).dataSync());
    const orders = [new Rng(7).permutation(6), new Rng(8).permutation(6)];
    const shuffled = permutedOutputProcessor(orders)(q, k, v, layer);
    // Attention is permutation-equivariant: shuffling q, k, v of each row by its order gives the same output.
    const permute = (t: tf.Tensor4D): tf.Tensor4D => tf.concat(orders.map((o, r) => tf.gather(t.slice(r, 1), o, 2))) as tf.Tensor4D;
    const onShuffled = defaultProcessor(permute(q), permute(k), permute(v), layer);
    assert.ok(maxDiff(shuffled, onShuffled) < 1e-6);
    const inverse = orders.map((o) => o.reduce((inv, from, to) => ((inv[from] = to), inv), new Array<number>(6)));
    const back = tf.concat(inverse.map((o, r) => tf.gather(shuffled.slice(r, 1), o, 2)));
    assert.deepEqual(back.dataSync(), defaultProcessor(q, k, v, layer).dataSync());
    assert.ok(maxDiff(shuffled, defaultProcessor(q, k, v, layer)) > 1e-3, 'the shuffle moved something');
    assert.throws(() => permutedOutputProcessor([ident])(q, k, v, layer), /1 token orders for a batch of 2 rows/);
    assert.throws(() => permutedOutputProcessor([ident, [0, 0, 1, 2, 3, 4]])(q, k, v, layer), /row 1's order is not a permutation of 0…5/);
    tf.dispose([q, k, v, shuffled, onShuffled, back]);
  });
});
