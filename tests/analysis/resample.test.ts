import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { interpolationMatrix, resizeImages, resizeMaps } from '../../src/analysis/resample';
import ref from '../reference/upsample.json';
import { testBackend } from '../test-backend';

function maxAbsDiff(a: ArrayLike<number>, b: number[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('resample (PyTorch interpolate, align_corners=False)', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  for (const method of ['nearest', 'bilinear', 'bicubic'] as const) {
    it(`${method} 8x8 → 32x32 matches upsample.json to 1e-5`, () => {
      const before = tf.memory().numTensors;
      const map = tf.tensor2d(ref.map);
      const out = resizeMaps(map, 32, method);
      assert.deepEqual(out.shape, [32, 32]);
      assert.ok(maxAbsDiff(out.dataSync(), ref[method].flat()) < 1e-5);
      tf.dispose([out, map]);
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it('resizes a batch [n, h, w] and NHWC images with channels, each plane like a single map', () => {
    const before = tf.memory().numTensors;
    const one = tf.tensor2d(ref.map);
    const twice = one.mul(-2);
    const batch = tf.stack([one, twice]) as tf.Tensor3D;
    const out = resizeMaps(batch, [32, 32], 'bicubic');
    assert.deepEqual(out.shape, [2, 32, 32]);
    const expected = ref.bicubic.flat();
    const values = out.dataSync();
    assert.ok(maxAbsDiff(values.subarray(0, 1024), expected) < 1e-5);
    assert.ok(
      maxAbsDiff(
        values.subarray(1024),
        expected.map((v) => -2 * v),
      ) < 1e-5,
    );
    const nhwc = tf.tidy(() => tf.stack([one, one.mul(3)], 2).expandDims(0) as tf.Tensor4D); // [1, 8, 8, 2]
    const img = resizeImages(nhwc, 32, 'bilinear');
    assert.deepEqual(img.shape, [1, 32, 32, 2]);
    const channels = img.dataSync(); // NHWC: channel 1 at odd offsets
    assert.ok(
      maxAbsDiff(
        channels.filter((_, i) => i % 2 === 1),
        ref.bilinear.flat().map((v) => 3 * v),
      ) < 1e-5,
    );
    tf.dispose([one, twice, batch, out, nhwc, img]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('bicubic with clampAtZero equals max(bicubic, 0)', () => {
    const map = tf.tensor2d([
      [0, 0, 0, 0],
      [0, 1, 1, 0],
      [0, 1, 1, 0],
      [0, 0, 0, 0],
    ]);
    const raw = resizeMaps(map, 16, 'bicubic').dataSync();
    const clamped = resizeMaps(map, 16, 'bicubic', { clampAtZero: true }).dataSync();
    assert.ok(Math.min(...raw) < 0, 'bicubic overshoots below 0 at a sharp edge');
    assert.deepEqual(
      Array.from(clamped),
      Array.from(raw, (v) => Math.max(v, 0)),
    );
    map.dispose();
  });

  it('interpolation matrix rows sum to 1 (constants are preserved)', () => {
    for (const method of ['nearest', 'bilinear', 'bicubic'] as const) {
      const m = interpolationMatrix(5, 13, method);
      for (let i = 0; i < m.outSize; i++) {
        const sum = m.weights.slice(i * m.inSize, (i + 1) * m.inSize).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-12, `${method} row ${i} sums to ${sum}`);
      }
    }
  });

  it('rejects bad inputs with the bad value and the allowed ones', () => {
    const map = tf.zeros([4, 4]);
    const rank4 = tf.zeros([1, 1, 4, 4]);
    assert.throws(() => resizeMaps(map, 8, 'area' as never), /unknown resample method "area"; methods: nearest, bilinear, bicubic/);
    assert.throws(() => resizeMaps(rank4, 8, 'nearest'), /\[n, h, w\] or \[h, w\]; got shape \[1, 1, 4, 4\]/);
    assert.throws(() => resizeMaps(map, 0, 'nearest'), /outSize must be a positive integer; got 0/);
    assert.throws(() => resizeImages(map as unknown as tf.Tensor4D, 8, 'nearest'), /NHWC \[n, h, w, c\]; got shape \[4, 4\]/);
    tf.dispose([map, rank4]);
  });
});
