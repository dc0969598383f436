import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { loadDataset, splitDataset } from '../../src/data';
import { CLASSIFIER_SPLIT, referenceStats, type ReferenceSplit } from '../../src/metrics/classifier';
import { testBackend } from '../test-backend';

/** A stand-in classifier whose two features are the mean of the top and of the bottom half of the image. */
const digest = 'ab'.repeat(32);
const halves = {
  digest,
  features: (images: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const n = images.shape[0];
      return tf.mean(images.reshape([n, 2, 16 * 32]), 2) as tf.Tensor2D;
    }),
};

describe('referenceStats', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('computes mu and sigma (N − 1) of the split features, caches them under the digest, then reads the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refstats-'));
    const stats = await referenceStats('mnist', 'heldOut', halves, { dir });
    const ds = await loadDataset('mnist');
    const idx = splitDataset(ds, CLASSIFIER_SPLIT).heldOut;
    const f = Array.from(idx, (i) =>
      [0, 1].map((half) => {
        let s = 0;
        for (let j = 0; j < 512; j++) s += ds.images[i * 1024 + half * 512 + j];
        return s / 512;
      }),
    );
    const n = f.length;
    const mu = [0, 1].map((c) => f.reduce((s, r) => s + r[c], 0) / n);
    const cov = [0, 1].map((a) => [0, 1].map((b) => f.reduce((s, r) => s + (r[a] - mu[a]) * (r[b] - mu[b]), 0) / (n - 1)));
    assert.equal(stats.n, 1000);
    stats.mu.forEach((m, c) => assert.ok(Math.abs(m - mu[c]) < 1e-5, `mu[${c}] ${m} vs ${mu[c]}`));
    stats.sigma.flat().forEach((s, i) => assert.ok(Math.abs(s - cov.flat()[i]) < 1e-5, `sigma ${i}: ${s} vs ${cov.flat()[i]}`));
    assert.deepEqual(readdirSync(dir), [`mnist-heldOut-${digest.slice(0, 12)}.json`]);

    const fromCache = await referenceStats(
      'mnist',
      'heldOut',
      { digest, features: () => assert.fail('recomputed despite the cache') },
      { dir },
    );
    assert.deepEqual(fromCache, stats);
  });

  it('refuses a cache written for another classifier digest, and unknown splits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refstats-'));
    await referenceStats('mnist', 'heldOut', halves, { dir });
    const file = join(dir, `mnist-heldOut-${digest.slice(0, 12)}.json`);
    const other = `${digest.slice(0, 12)}${'cd'.repeat(26)}`;
    writeFileSync(file, readFileSync(file, 'utf8').replace(digest, other));
    await assert.rejects(
      referenceStats('mnist', 'heldOut', halves, { dir }),
      new RegExp(`written for classifierDigest "${other}", not "${digest}"`),
    );
    await assert.rejects(
      referenceStats('mnist', 'test' as ReferenceSplit, halves, { dir }),
      /unknown split "test"; splits: heldOut, train/,
    );
  });
});
