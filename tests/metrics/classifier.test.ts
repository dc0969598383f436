import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { loadDataset, splitDataset, toTensor } from '../../src/data';
import { loadCheckpoint } from '../../src/model/checkpoint';
import {
  CLASSIFIER_BATCH,
  CLASSIFIER_SPLIT,
  DEFAULT_CLASSIFIER_PATH,
  cardPath,
  loadClassifier,
  shiftImages,
  type Classifier,
} from '../../src/metrics/classifier';
import type { Rng } from '../../src/random';
import { testBackend } from '../test-backend';

describe('shipped MNIST classifier', () => {
  let clf: Classifier;
  let images: tf.Tensor4D;
  let labels: Int32Array;

  before(async () => {
    await initBackend(testBackend());
    clf = await loadClassifier();
    const ds = await loadDataset('mnist');
    const batch = toTensor(ds, splitDataset(ds, CLASSIFIER_SPLIT).heldOut.subarray(0, 500));
    images = batch.images;
    labels = batch.labels.dataSync() as Int32Array;
    batch.labels.dispose();
  });
  after(() => {
    images.dispose();
    clf.dispose();
  });

  it('is identified by the sha256 of its file, as its card says', () => {
    const digest = createHash('sha256').update(readFileSync(DEFAULT_CLASSIFIER_PATH)).digest('hex');
    assert.equal(clf.digest, digest);
    const card = JSON.parse(readFileSync(cardPath(DEFAULT_CLASSIFIER_PATH), 'utf8'));
    assert.equal(card.digest, digest);
    assert.ok(card.heldOutAccuracy >= 0.98, `card accuracy ${card.heldOutAccuracy}`);
  });

  it('reaches ≥ 98% accuracy on 500 held-out images (more than one internal batch)', () => {
    assert.ok(images.shape[0] > CLASSIFIER_BATCH);
    const logits = clf.logits(images);
    assert.deepEqual(logits.shape, [500, 10]);
    const l = logits.dataSync();
    let correct = 0;
    for (let i = 0; i < 500; i++) {
      const row = Array.from(l.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
    }
    assert.ok(correct / 500 >= 0.98, `accuracy ${correct / 500}`);
    logits.dispose();
  });

  it('logits are the last layer applied to the features', async () => {
    const few = images.slice([0, 0, 0, 0], [7, -1, -1, -1]) as tf.Tensor4D;
    const features = clf.features(few);
    assert.deepEqual(features.shape, [7, clf.config.features]);
    assert.ok(clf.config.features <= 256);
    const { tensors } = await loadCheckpoint(DEFAULT_CLASSIFIER_PATH);
    const w = tensors['head.out.weight'];
    const b = tensors['head.out.bias'];
    const f = features.dataSync();
    const F = clf.config.features;
    const logits = clf.logits(few);
    const got = logits.dataSync();
    for (let i = 0; i < 7; i++) {
      for (let c = 0; c < 10; c++) {
        let z = b.data[c];
        for (let j = 0; j < F; j++) z += f[i * F + j] * w.data[j * 10 + c];
        assert.ok(Math.abs(got[i * 10 + c] - z) < 1e-3, `row ${i} class ${c}: ${got[i * 10 + c]} vs ${z}`);
      }
    }
    tf.dispose([few, features, logits]);
  });

  it('reports its last attention layer: [n, heads, tokens, tokens] on its grid, rows summing to 1', () => {
    const few = images.slice([0, 0, 0, 0], [5, -1, -1, -1]) as tf.Tensor4D;
    const { grid, heads } = clf.attentionLayer;
    const tokens = grid[0] * grid[1];
    assert.deepEqual(grid, [8, 8]);
    const a = clf.attention(few);
    assert.deepEqual(a.shape, [5, heads, tokens, tokens]);
    const p = a.dataSync();
    for (let r = 0; r < 5 * heads * tokens; r++) {
      let s = 0;
      for (let k = 0; k < tokens; k++) s += p[r * tokens + k];
      assert.ok(Math.abs(s - 1) < 1e-4, `row ${r} sums to ${s}`);
    }
    tf.dispose([few, a]);
  });

  it('refuses a checkpoint that is not a classifier, naming the arch', async () => {
    await assert.rejects(
      loadClassifier('tests/fixtures/python-safetensors.safetensors'),
      /config\.arch is "undefined", not a classifier \("attn-classifier"\)/,
    );
  });
});

describe('shiftImages', () => {
  it('moves each image by the drawn whole-pixel offsets, filling with the background', () => {
    const img = Float32Array.from({ length: 16 }, (_, i) => i);
    const draws = [3, 1]; // dy = 3 − 2 = +1, dx = 1 − 2 = −1
    const rng = { int: () => draws.shift() as number } as unknown as Rng;
    const out = shiftImages(img, 1, 4, 1, 2, rng);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const sy = y - 1;
        const sx = x + 1;
        const want = sy >= 0 && sx < 4 ? img[sy * 4 + sx] : -1;
        assert.equal(out[y * 4 + x], want, `(${y}, ${x})`);
      }
    }
  });
});
