import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { FASHION_MNIST_DIR, loadDataset } from '../../src/data';

const skip = existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} is absent (Debian package dataset-fashion-mnist); skipping`;

test('fashion-mnist from Debian\'s idx files: balanced classes, published first labels', { skip }, async () => {
  const ds = await loadDataset('fashion-mnist', { part: 't10k' });
  assert.equal(ds.name, 'fashion-mnist:t10k');
  assert.equal(ds.count, 10000);
  assert.equal(ds.classes, 10);
  assert.equal(ds.classNames?.[9], 'Ankle boot');
  const counts = new Array(10).fill(0);
  ds.labels.forEach((l) => counts[l]++);
  assert.deepEqual(counts, new Array(10).fill(1000), 'the test set has 1000 images per class');
  assert.deepEqual(Array.from(ds.labels.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  assert.ok(ds.images.every((v) => v >= -1 && v <= 1));

  const train = await loadDataset('fashion-mnist');
  assert.equal(train.name, 'fashion-mnist');
  assert.equal(train.count, 60000);
  assert.deepEqual(Array.from(train.labels.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
});

test('fashion-mnist absent gives an error saying where it was looked for', { skip: existsSync(FASHION_MNIST_DIR) ? 'fashion-mnist is installed here' : false }, async () => {
  await assert.rejects(loadDataset('fashion-mnist'), new RegExp(`needs ${FASHION_MNIST_DIR} \\(Debian package dataset-fashion-mnist\\)`));
});
