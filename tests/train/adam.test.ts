import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Adam } from '../../src/train/adam';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

test('Adam: the first step moves each parameter by lr·g/(|g|+ε); later steps follow the closed-form moments', () => {
  const p = tf.variable(tf.tensor1d([3, -2, 0.5]));
  const params = new Map([['p', p]]);
  const adam = new Adam(params, { beta1: 0.9, beta2: 0.99, eps: 1e-8 });
  const g1 = [3, -2, 0.5];
  adam.apply(params, new Map([['p', tf.tensor1d(g1)]]), 0.1);
  const after1 = p.dataSync();
  [3, -2, 0.5].forEach((p0, i) => assert.ok(Math.abs(after1[i] - (p0 - (0.1 * g1[i]) / (Math.abs(g1[i]) + 1e-8))) < 1e-6));
  // Second step with gradient g2: m̂ = (0.9·0.1·g1 + 0.1·g2)/(1−0.81), v̂ = (0.99·0.01·g1² + 0.01·g2²)/(1−0.9801).
  const g2 = [1, 1, 1];
  adam.apply(params, new Map([['p', tf.tensor1d(g2)]]), 0.1);
  const after2 = p.dataSync();
  after1.forEach((p1, i) => {
    const m = (0.9 * 0.1 * g1[i] + 0.1 * g2[i]) / (1 - 0.9 ** 2);
    const v = (0.99 * 0.01 * g1[i] ** 2 + 0.01 * g2[i] ** 2) / (1 - 0.99 ** 2);
    assert.ok(Math.abs(after2[i] - (p1 - (0.1 * m) / (Math.sqrt(v) + 1e-8))) < 1e-6, `param ${i}`);
  });
  assert.equal(adam.step, 2);
  assert.throws(() => adam.apply(params, new Map(), 0.1), /no gradient for parameter "p"/);
  adam.dispose();
  p.dispose();
});
