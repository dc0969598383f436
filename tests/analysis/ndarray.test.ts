import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import ndarray from 'ndarray';
import { initBackend } from '../../src/backend';
import {
  float32ArrayToNdarray,
  ndarrayToFloat32Array,
  ndarrayToFloat64Array,
  ndarrayToTensor,
  tensorToNdarray,
  toFloat64Ndarray,
} from '../../src/analysis/ndarray';
import { testBackend } from '../test-backend';

describe('ndarray conversions', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('tensor → ndarray → tensor round-trips values and shape, without aliasing', () => {
    const t = tf.tensor3d(
      Float32Array.from({ length: 24 }, (_, i) => i * 0.5),
      [2, 3, 4],
    );
    const a = tensorToNdarray(t);
    assert.deepEqual(a.shape, [2, 3, 4]);
    assert.equal(a.get(1, 2, 3), 11.5);
    a.set(0, 0, 0, 99);
    assert.equal(t.dataSync()[0], 0);
    const before = tf.memory().numTensors;
    const back = ndarrayToTensor(a);
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(back.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(back.dataSync()).slice(0, 3), [99, 0.5, 1]);
    tf.dispose([t, back]);
  });

  it('reads strided views (transpose, step) in row-major order', () => {
    const a = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    assert.deepEqual(Array.from(ndarrayToFloat32Array(a.transpose(1, 0))), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(Array.from(ndarrayToFloat64Array(a.step(1, -1))), [3, 2, 1, 6, 5, 4]);
    const t = ndarrayToTensor(a.transpose(1, 0));
    assert.deepEqual(t.shape, [3, 2]);
    assert.deepEqual(Array.from(t.dataSync()), [1, 4, 2, 5, 3, 6]);
    t.dispose();
  });

  it('Float32Array ↔ ndarray copies and checks the shape', () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const a = float32ArrayToNdarray(data, [3, 2]);
    data[0] = 7;
    assert.equal(a.get(0, 0), 1);
    assert.equal(a.get(2, 1), 6);
    assert.throws(() => float32ArrayToNdarray(data, [4, 2]), /Float32Array of length 6 does not fit shape \[4, 2\] \(size 8\)/);
  });

  it('toFloat64Ndarray takes tensors, ndarrays and nested arrays', () => {
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(Array.from(toFloat64Ndarray(t).data), [1, 2, 3, 4]);
    t.dispose();
    assert.deepEqual(
      toFloat64Ndarray([
        [1, 2, 3],
        [4, 5, 6],
      ]).shape,
      [2, 3],
    );
    assert.deepEqual(toFloat64Ndarray([1, 2]).shape, [2]);
    assert.deepEqual(Array.from(toFloat64Ndarray(ndarray([1, 2, 3, 4], [2, 2]).transpose(1, 0)).data), [1, 3, 2, 4]);
    assert.throws(() => toFloat64Ndarray([[1, 2], [3]]), /not rectangular: row 1 has length 1, row 0 has 2/);
  });
});
