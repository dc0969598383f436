import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { testBackend } from '../test-backend';
import { createDenoiser } from '../../src/model';
import { toImages } from '../../src/notebook/images';
import { PRESET_SIZES, mergeSizes } from '../../src/notebook/sizes';
import { accRows, curveRows, kidRows, mean, openStudy, type Row } from '../../src/notebook/study';
import { correctnessRun, featureRun } from '../../src/experiments/samples';

const rows: Row[] = [
  { method: 'unguided', gamma: 0, seed: 0, kid: 0.004, precision: 0.5, recall: 0.25, accuracy: 0.5 },
  { method: 'cfg', gamma: 2, seed: 1, kid: 0.0015, precision: 0.75, recall: 0.125, accuracy: 0.75, fid: 3 },
  { method: 'tsg', gamma: 1, seed: 0, kid: 0.002, precision: 0.25, recall: 0.5, accuracy: NaN },
];

test('kidRows scales KID by 10³, one row per input', () => {
  const out = kidRows(rows);
  assert.equal(out.length, 3);
  assert.deepEqual(
    out.map((r) => [r.method, r.gamma, r.seed]),
    [
      ['unguided', 0, 0],
      ['cfg', 2, 1],
      ['tsg', 1, 0],
    ],
  );
  out.forEach((r, i) => assert.ok(Math.abs(r.value - rows[i].kid * 1e3) < 1e-12));
});

test('accRows drops NaN accuracies and reports percent', () => {
  assert.deepEqual(accRows(rows), [
    { method: 'unguided', gamma: 0, seed: 0, value: 50 },
    { method: 'cfg', gamma: 2, seed: 1, value: 75 },
  ]);
});

test('curveRows picks one metric, scales it and keeps only finite values (FID absent → dropped)', () => {
  assert.deepEqual(
    curveRows(rows, 'recall', 100).map((r) => r.value),
    [25, 12.5, 50],
  );
  assert.deepEqual(curveRows(rows, 'fid'), [{ method: 'cfg', gamma: 2, seed: 1, value: 3 }]);
});

test('mean of numbers; NaN when empty', () => {
  assert.equal(mean([1, 2, 3, 6]), 3);
  assert.ok(Number.isNaN(mean([])));
});

test('toImages splits a batch into row-major images with shape and captions', () => {
  const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i / 10 - 1);
  const x = tf.tensor4d(data, [2, 3, 4, 1]);
  const images = toImages(x, (i) => ({ label: `#${i}`, gamma: i }));
  x.dispose();
  assert.equal(images.length, 2);
  images.forEach((im, i) => {
    assert.equal(im.height, 3);
    assert.equal(im.width, 4);
    assert.equal(im.label, `#${i}`);
    assert.equal(im.gamma, i);
    assert.deepEqual(Array.from(im.pixels), Array.from(data.slice(i * 12, (i + 1) * 12)));
  });
  const plain = toImages(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D);
  assert.deepEqual(Object.keys(plain[0]).sort(), ['height', 'pixels', 'width']);
});

test('a Study measures a tiny untrained model: finite KID, accuracy in [0, 1], NaN when unconditional', async () => {
  await initBackend(testBackend());
  const sizes = mergeSizes(PRESET_SIZES.smoke, { samples: 4, steps: 2, sampler: 'euler', realSamples: 8, batchSize: 4, seeds: [0] });
  const lines: string[] = [];
  const study = await openStudy(sizes, { log: (l) => lines.push(l) });
  try {
    assert.match(
      lines[0],
      /^measuring 4 samples per point, 2 euler steps, seeds \[0\], against 8 held-out digits in the classifier's space and the feature autoencoder's; FID off/,
    );
    assert.deepEqual(study.evalLabels, [0, 1, 2, 3]);
    const model = createDenoiser({ arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 }, 1);
    const m = await study.measure(model, [], 0);
    assert.ok(Number.isFinite(m.kid), `kid ${m.kid}`);
    assert.ok(Number.isFinite(m.kidAe) && m.kidAe !== m.kid, `kid in the autoencoder's space ${m.kidAe}`);
    assert.ok(m.accuracy >= 0 && m.accuracy <= 1, `accuracy ${m.accuracy}`);
    for (const v of [m.precision, m.recall]) assert.ok(v >= 0 && v <= 1, `precision/recall ${v}`);
    assert.equal(m.fid, undefined);
    const u = await study.measure(model, [], 0, { unconditional: true });
    assert.ok(Number.isFinite(u.kid) && Number.isNaN(u.accuracy));
    assert.equal(m.samples, undefined);
    const kept = await study.measure(model, [], 0, { keepSamples: true });
    const correct = correctnessRun(kept.samples!);
    const share = Array.from(correct.rows.data).reduce((x, y) => x + y, 0) / 4;
    assert.equal(share, kept.accuracy, 'stored correctness averages to the accuracy');
    assert.deepEqual([featureRun(kept.samples!).space, kept.samples!.n, kept.samples!.seed], [study.classifier.digest, 4, 0]);
    assert.deepEqual(
      [featureRun(kept.samples!, 'ae').space, featureRun(kept.samples!, 'ae').rows.d],
      [study.second!.featurizer.digest, 64],
    );
    const unguided = await study.unguidedRows(model);
    assert.deepEqual(
      unguided.map((r) => [r.method, r.gamma, r.seed, r.kid]),
      [['unguided', 0, 0, m.kid]],
    );
    const swept = await study.sweep('none', model, [0], () => [], unguided);
    assert.deepEqual(swept, [{ ...unguided[0], method: 'none' }]);
  } finally {
    study.dispose();
  }
});

test("a Study's floor: 20 balanced draws of real training digits at the points' size against its reference, computed once", async () => {
  await initBackend(testBackend());
  const sizes = mergeSizes(PRESET_SIZES.smoke, { samples: 30, realSamples: 100, seeds: [0] });
  const lines: string[] = [];
  const study = await openStudy(sizes, { log: (l) => lines.push(l), secondSpace: false });
  try {
    const kid = study.floor('KID');
    assert.deepEqual([kid.metric, kid.n, kid.m, kid.values.length, kid.space], ['KID', 30, 100, 20, study.classifier.digest]);
    assert.ok(kid.min < kid.max, 'draws differ');
    assert.equal(study.floor('KID'), kid, 'computed once');
    const fid = study.floor('FID');
    assert.ok(fid.min > 0, `FID of 30 digits against 100 is positive: ${fid.min}`);
    assert.equal(lines.filter((l) => l.startsWith('floor: ')).length, 2);
    assert.match(lines.at(-1)!, /^floor: FID of 30 real digits \(labels cycling 0…9\) vs the 100-digit reference: \d/);
  } finally {
    study.dispose();
  }
});
