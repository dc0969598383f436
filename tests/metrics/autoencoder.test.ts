import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { loadDataset, splitDataset, spreadSubset, toTensor, type Dataset } from '../../src/data';
import {
  CLASSIFIER_SPLIT,
  DEFAULT_AUTOENCODER_PATH,
  REFERENCE_STATS_DIR,
  autoencoderFeatures,
  featureRows,
  featureStats,
  fid,
  fidStatistic,
  kid,
  loadAutoencoder,
  loadClassifier,
  measureSamples,
  pairedDifference,
  reconstructionErrors,
  referenceStats,
  rowsNdarray,
  shiftImages,
  type Classifier,
  type Featurizer,
  type LoadedAutoencoder,
  type MeasureReference,
} from '../../src/metrics';
import { featureRun, pointSamples } from '../../src/experiments/samples';
import { Rng } from '../../src/random';
import { testBackend } from '../test-backend';

const CARD = DEFAULT_AUTOENCODER_PATH.replace(/\.safetensors$/, '.card.json');

describe('shipped feature autoencoder', () => {
  let ds: Dataset;
  let loaded: LoadedAutoencoder;
  let ae: Featurizer;
  let classifier: Classifier;
  let held: Int32Array;
  let images: tf.Tensor4D;
  let labels: number[];

  before(async () => {
    await initBackend(testBackend());
    ds = await loadDataset('mnist');
    held = splitDataset(ds, CLASSIFIER_SPLIT).heldOut;
    loaded = await loadAutoencoder();
    ae = autoencoderFeatures(loaded.ae, loaded.digest);
    classifier = await loadClassifier();
    const batch = toTensor(ds, spreadSubset(held, 300, 5));
    images = batch.images;
    labels = Array.from(batch.labels.dataSync());
    batch.labels.dispose();
  });
  after(() => {
    images.dispose();
    loaded.dispose();
    classifier.dispose();
  });

  it('is identified by the sha256 of its float16 file, as its card says, and has no class logits', () => {
    const digest = createHash('sha256').update(readFileSync(DEFAULT_AUTOENCODER_PATH)).digest('hex');
    assert.equal(loaded.digest, digest);
    const card = JSON.parse(readFileSync(CARD, 'utf8'));
    assert.equal(card.digest, digest);
    assert.equal(card.dtype, 'F16');
    assert.notEqual(ae.digest, classifier.digest);
    assert.equal(ae.logits, undefined);
  });

  it("reconstructs the held-out digits with an MSE within 15% of the train digits' (the card's numbers, recomputed)", () => {
    const card = JSON.parse(readFileSync(CARD, 'utf8'));
    const h = reconstructionErrors(loaded.ae, ds, held);
    assert.ok(Math.abs(h.mse - card.reconstruction.heldOut) < 1e-4, `held-out MSE ${h.mse} vs card ${card.reconstruction.heldOut}`);
    assert.ok(h.mse < 1.15 * card.reconstruction.train, `held-out ${h.mse} vs train ${card.reconstruction.train}`);
    // and far below the error of the best constant image (the mean digit): the code carries the digit
    const { images: all, labels: l } = toTensor(ds, held);
    const constant = tf.tidy(() => tf.mean(tf.squaredDifference(all, tf.mean(all, 0, true))).dataSync()[0]);
    tf.dispose([all, l]);
    assert.ok(h.mse < 0.25 * constant, `MSE ${h.mse} vs the mean image's ${constant}`);
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      held.length,
    );
  });

  it('gives FID 0 between a set and itself, and FID and KID invariant to the order of the samples', () => {
    const rows = featureRows(ae, images);
    assert.equal(rows.d, 64);
    const x = rowsNdarray(rows);
    assert.ok(Math.abs(fid(x, x).fid) < 1e-6);
    const order = Array.from({ length: rows.n }, (_, i) => (i * 7919) % rows.n);
    const permuted = { ...rows, data: new Float32Array(rows.n * rows.d) };
    order.forEach((src, i) => permuted.data.set(rows.data.subarray(src * rows.d, (src + 1) * rows.d), i * rows.d));
    const half = { ...rows, n: 150, data: rows.data.slice(0, 150 * rows.d) };
    const y = rowsNdarray(permuted);
    assert.ok(Math.abs(fid(x, rowsNdarray(half)).fid - fid(y, rowsNdarray(half)).fid) < 1e-6);
    assert.ok(Math.abs(kid(x, rowsNdarray(half)) - kid(y, rowsNdarray(half))) < 1e-9);
  });

  it("ships the held-out digits' reference statistics in its space, equal to a recomputation", async () => {
    const file = join(REFERENCE_STATS_DIR, `mnist-heldOut-${loaded.digest.slice(0, 12)}.json`);
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(cached.classifierDigest, loaded.digest);
    const stats = await referenceStats('mnist', 'heldOut', ae);
    const { images: all, labels: l } = toTensor(ds, held);
    const fresh = featureStats(rowsNdarray(featureRows(ae, all)));
    tf.dispose([all, l]);
    assert.equal(stats.n, 1000);
    for (let i = 0; i < 64; i++) assert.ok(Math.abs(stats.mu[i] - fresh.mu[i]) < 1e-4, `mu[${i}]`);
  });

  it('measures FID / KID in both spaces side by side, each equal to the metric computed directly in that space', () => {
    const ref = (f: Featurizer, n: number, seed: number): MeasureReference => {
      const b = toTensor(ds, spreadSubset(held, n, seed));
      const rows = featureRows(f, b.images);
      tf.dispose([b.images, b.labels]);
      return { rows, stats: featureStats(rowsNdarray(rows)), space: f.digest };
    };
    const [refC, refA] = [ref(classifier, 400, 1), ref(ae, 400, 1)];
    const m = measureSamples(images, labels, ['fid', 'kid', 'classAccuracy'], classifier, refC, 'test', {
      featurizer: ae,
      reference: refA,
    });
    const gen = rowsNdarray(featureRows(ae, images));
    assert.ok(Math.abs((m.fidAe as number) - fid(gen, refA.stats).fid) < 1e-9);
    assert.ok(Math.abs((m.kidAe as number) - kid(rowsNdarray(refA.rows), gen)) < 1e-12);
    assert.ok(Math.abs((m.fid as number) - fid(rowsNdarray(featureRows(classifier, images)), refC.stats).fid) < 1e-9);
    assert.ok((m.classAccuracy as number) > 0.95);
  });

  it('refuses to mix spaces: a reference of the other space, class accuracy without logits, runs of two spaces', () => {
    const rows = featureRows(classifier, images);
    const refC: MeasureReference = { rows, stats: featureStats(rowsNdarray(rows)), space: classifier.digest };
    assert.throws(
      () => measureSamples(images, labels, ['kid'], ae, refC, 'test'),
      new RegExp(`reference was computed in space "${classifier.digest}", the featurizer is "${ae.digest}"`),
    );
    assert.throws(() => measureSamples(images, labels, ['classAccuracy'], ae, refC, 'test'), /classAccuracy needs class logits/);
    const recordAt = (seed: number) =>
      pointSamples(
        images,
        labels,
        classifier,
        seed,
        labels.map((_, i) => i),
        ae,
      );
    const [record, other] = [recordAt(0), recordAt(1)];
    const [c, a] = [featureRun(record), featureRun(record, 'ae')];
    assert.equal(a.space, ae.digest);
    assert.equal(a.rows.d, 64);
    const reference = { stats: featureStats(rowsNdarray(rows)), space: classifier.digest };
    assert.throws(
      () => pairedDifference([a, featureRun(other, 'ae')], [c, featureRun(other)], fidStatistic(reference)),
      /different spaces/,
    );
  });

  it("keeps both spaces' features per sample: the record's autoencoder features are the featurizer's within float16 rounding", () => {
    const record = pointSamples(
      images,
      labels,
      classifier,
      0,
      labels.map((_, i) => i),
      ae,
    );
    const run = featureRun(record, 'ae');
    const direct = featureRows(ae, images).data;
    let worst = 0;
    direct.forEach((v, i) => (worst = Math.max(worst, Math.abs(run.rows.data[i] - v) / Math.max(1, Math.abs(v)))));
    assert.ok(worst < 1e-3, `largest relative float16 error ${worst}`);
    const noAe = pointSamples(
      images,
      labels,
      classifier,
      0,
      labels.map((_, i) => i),
    );
    assert.throws(() => featureRun(noAe, 'ae'), /no second-space \(autoencoder\) features/);
  });

  it("disagrees with the classifier's space where it should: 2-px shifts move only its FID, dropping half the classes moves the classifier's more", () => {
    // 256 train digits against all 1000 held-out ones; each FID relative to the same digits unperturbed (the estimator's floor)
    const train = splitDataset(ds, CLASSIFIER_SPLIT).train;
    const pool = (keep: (label: number) => boolean) => train.filter((i) => keep(ds.labels[i]));
    const { images: all, labels: l } = toTensor(ds, held);
    const spaces = [classifier, ae].map((f) => ({ f, stats: featureStats(rowsNdarray(featureRows(f, all))) }));
    tf.dispose([all, l]);
    const fids = (x: tf.Tensor4D) => spaces.map((s) => fid(rowsNdarray(featureRows(s.f, x)), s.stats, { warn: () => undefined }).fid);
    const digits = toTensor(
      ds,
      spreadSubset(
        pool(() => true),
        256,
        3,
      ),
    );
    const [n, size, , c] = digits.images.shape;
    const shifted = tf.tensor4d(shiftImages(digits.images.dataSync() as Float32Array, n, size, c, 2, new Rng(9)), digits.images.shape);
    const fewer = toTensor(
      ds,
      spreadSubset(
        pool((label) => label < 5),
        256,
        3,
      ),
    );
    const [floor, shift, half] = [fids(digits.images), fids(shifted), fids(fewer.images)];
    tf.dispose([digits.images, digits.labels, shifted, fewer.images, fewer.labels]);
    const ratio = (v: number[], i: number) => v[i] / floor[i];
    const show = `floor ${floor.map((v) => v.toFixed(2))}, shifts ${shift.map((v) => v.toFixed(2))}, classes 0–4 ${half.map((v) => v.toFixed(2))}`;
    assert.ok(ratio(shift, 0) < 1.6 && ratio(shift, 1) > 4, show);
    assert.ok(ratio(half, 0) > 2 * ratio(half, 1) && ratio(half, 1) > 2, show);
  });
});
