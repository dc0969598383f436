import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { classAccuracy } from '../../src/metrics/accuracy';
import { testBackend } from '../test-backend';

describe('classAccuracy', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('takes the argmax of logits [n, classes] (tensor or rows) or predicted labels [n]', () => {
    const logits = [
      [0.1, 2, -1],
      [3, 0, 0],
      [0, 0, 5],
      [1, 1, 0],
    ]; // argmax 1, 0, 2, 0 (first maximum)
    assert.equal(classAccuracy(logits, [1, 0, 1, 0]), 3 / 4);
    const t = tf.tensor2d(logits);
    assert.equal(classAccuracy(t, Int32Array.from([1, 0, 2, 1])), 3 / 4);
    t.dispose();
    assert.equal(classAccuracy([2, 2, 7], [2, 3, 7]), 2 / 3);
  });

  it('rejects bad inputs with the values', () => {
    assert.throws(() => classAccuracy([[1, 0]], [0, 1]), /1 predictions but 2 labels/);
    assert.throws(() => classAccuracy([], []), /at least 1 sample; got 0/);
    const t = tf.zeros([2, 2, 2]);
    assert.throws(() => classAccuracy(t, [0, 0]), /logits \[n, classes\] or labels \[n\]; got shape \[2, 2, 2\]/);
    t.dispose();
  });
});
