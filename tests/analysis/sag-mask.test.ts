import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { sagMask } from '../../src/analysis/sag-mask';
import ref from '../reference/sag_mask.json';
import { testBackend } from '../test-backend';

describe('sagMask', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('matches sag_mask.json on the 4×4 grid and resizes it by nearest to 16×16', () => {
    const probs = tf.tensor4d(ref.probs);
    const before = tf.memory().numTensors;
    const grid = sagMask(probs, 4);
    const image = sagMask(probs, [16, 16]);
    assert.equal(tf.memory().numTensors, before + 2);
    assert.deepEqual(grid.shape, [2, 4, 4]);
    assert.deepEqual(Array.from(grid.dataSync()), ref.mask.flat());
    const big = image.dataSync();
    for (let b = 0; b < 2; b++) {
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) assert.equal(big[b * 256 + y * 16 + x], ref.mask[b][Math.floor(y / 4) * 4 + Math.floor(x / 4)]);
      }
    }
    tf.dispose([probs, grid, image]);
  });

  it('takes a non-square grid when given, row-major', () => {
    // 6 tokens on a 2×3 grid; key 4 (row 1, column 1) receives all attention.
    const p = new Float32Array(1 * 2 * 6 * 6);
    for (let h = 0; h < 2; h++) for (let q = 0; q < 6; q++) p[(h * 6 + q) * 6 + 4] = 1;
    const probs = tf.tensor4d(p, [1, 2, 6, 6]);
    const mask = sagMask(probs, [4, 6], [2, 3]);
    assert.deepEqual(Array.from(mask.dataSync()), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0]);
    tf.dispose([probs, mask]);
  });

  it('rejects non-square or mismatched grids and non-self-attention with the values', () => {
    const six = tf.zeros([1, 1, 6, 6]);
    const cross = tf.zeros([1, 1, 4, 16]);
    const flat = tf.zeros([16, 16]);
    assert.throws(() => sagMask(six, 32), /6 keys do not form a square token grid; pass the layer's grid \[h, w\] \(h·w = 6\)/);
    assert.throws(() => sagMask(six, 32, [2, 4]), /token grid \[2, 4\] holds 8 tokens but the attention has 6 keys/);
    assert.throws(() => sagMask(cross, 32), /queries = keys.*got 4 queries and 16 keys/);
    assert.throws(() => sagMask(flat, 32), /\[batch, heads, queries, keys\]; got shape \[16, 16\]/);
    tf.dispose([six, cross, flat]);
  });
});
