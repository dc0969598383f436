import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { batchIterator, datasetFromBytes, toTensor } from '../../src/data';
import { testBackend } from '../test-backend';

// 10 images whose pixel bytes are their index (so image i is the constant 2i/255 − 1 inside the border).
const N = 10;
const ds = datasetFromBytes('tiny', Uint8Array.from({ length: N * 784 }, (_, i) => Math.floor(i / 784)), Uint8Array.from({ length: N }, (_, i) => i % 3), 'test');
const valueOf = (i: number) => (2 * i) / 255 - 1;

before(async () => {
  await initBackend(testBackend());
});

test('toTensor gives [n, 32, 32, 1] float32 images and int32 labels for the given indices', () => {
  const b = toTensor(ds, [7, 2, 7]);
  assert.deepEqual(b.images.shape, [3, 32, 32, 1]);
  assert.equal(b.images.dtype, 'float32');
  assert.deepEqual(b.labels.shape, [3]);
  assert.equal(b.labels.dtype, 'int32');
  assert.deepEqual(Array.from(b.labels.dataSync()), [1, 2, 1]);
  const px = b.images.dataSync();
  [7, 2, 7].forEach((idx, n) => {
    assert.equal(px[n * 1024 + 0], -1, 'border');
    assert.ok(Math.abs(px[n * 1024 + 16 * 32 + 16] - valueOf(idx)) < 1e-6, `centre of image ${idx}`);
  });
  tfDispose(b);
  assert.throws(() => toTensor(ds, [3, 10]), /index 10 out of range for tiny; expected 0..9/);
});

test('batchIterator covers the indices once per epoch; shuffles by (seed, epoch); drops the remainder on request', () => {
  const run = (opts: { batchSize: number; seed?: number; epoch?: number; dropRemainder?: boolean }) => {
    const seen: number[][] = [];
    for (const b of batchIterator(ds, [0, 1, 2, 3, 4, 5, 6, 7, 8], opts)) {
      const centres = Array.from(b.images.slice([0, 16, 16, 0], [-1, 1, 1, 1]).dataSync());
      assert.deepEqual(centres.map((v) => Math.round(((v + 1) * 255) / 2)), Array.from(b.indices), 'images match indices');
      seen.push(Array.from(b.indices));
      tfDispose(b);
    }
    return seen;
  };
  assert.deepEqual(run({ batchSize: 4 }), [[0, 1, 2, 3], [4, 5, 6, 7], [8]]);
  assert.deepEqual(run({ batchSize: 4, dropRemainder: true }), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  const e0 = run({ batchSize: 4, seed: 3, epoch: 0 });
  assert.deepEqual(e0.flat().sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(run({ batchSize: 4, seed: 3, epoch: 0 }), e0);
  assert.notDeepEqual(run({ batchSize: 4, seed: 3, epoch: 1 }).flat(), e0.flat());
  assert.throws(() => run({ batchSize: 0 }), /batchSize must be a positive integer; got 0/);
});

function tfDispose(b: { images: { dispose(): void }; labels: { dispose(): void } }): void {
  b.images.dispose();
  b.labels.dispose();
}
