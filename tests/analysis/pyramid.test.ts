import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { collapsePyramid, laplacianPyramid, maxPyramidLevels } from '../../src/analysis/pyramid';
import { Rng } from '../../src/random';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

test('Laplacian pyramid: halving shapes, exact collapse, zero detail bands on a constant, REDUCE = binomial taps', () => {
  const img = tf.tensor4d(new Rng(3).normals(2 * 13 * 16 * 2), [2, 13, 16, 2]);
  const bands = laplacianPyramid(img, 3);
  assert.deepEqual(bands.map((b) => b.shape), [[2, 13, 16, 2], [2, 7, 8, 2], [2, 4, 4, 2]]);
  const back = collapsePyramid(bands);
  assert.ok(tf.max(tf.abs(tf.sub(back, img))).dataSync()[0] < 1e-5);
  const flat = laplacianPyramid(tf.fill([1, 8, 8, 1], 0.7) as tf.Tensor4D, 3);
  assert.ok(Math.max(...flat.slice(0, 2).map((b) => tf.max(tf.abs(b)).dataSync()[0])) < 1e-6, 'detail bands of a constant are 0');
  assert.ok(Math.abs(flat[2].dataSync()[0] - 0.7) < 1e-6);
  // A 1×8 row, REDUCEd along w (and trivially along h = 1 is not allowed: use 5 identical rows): g1[2] = Σ w_m g0[4 + m].
  const row = [0, 1, 5, 2, 8, 3, 1, 4];
  const rows = tf.tensor4d(Array(5).fill(row).flat(), [1, 5, 8, 1]);
  const [, coarse] = laplacianPyramid(rows, 2);
  const want = (1 * 5 + 4 * 2 + 6 * 8 + 4 * 3 + 1 * 1) / 16;
  assert.ok(Math.abs(coarse.dataSync()[2] - want) < 1e-6, `${coarse.dataSync()[2]} vs ${want}`);
  assert.equal(maxPyramidLevels(32, 32), 5);
  assert.throws(() => laplacianPyramid(img, 6), /a Laplacian pyramid of 13×16 images has 1 to 4 levels; got 6/);
  tf.dispose([img, back, rows, coarse, ...bands, ...flat]);
});
