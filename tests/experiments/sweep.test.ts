import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { expandGrid, mergeRows, runSweep, type SweepRow } from '../../src/experiments';
import { loadModel } from '../../src/model/io';
import { sample } from '../../src/guidance/sample';
import { cfg } from '../../src/guidance';
import { classAccuracy, fid, kid, precisionRecall } from '../../src/metrics';
import { projectionFeaturizer } from './fake-featurizer';
import { options, projection, saveTiny, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

let dir = '';
let model = '';
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-sweep-'));
  model = await saveTiny(dir);
});

const withoutTiming = (rows: SweepRow[]) => rows.map((r) => ({ ...r, timing: undefined }));

test('a sweep writes one row per point; its metrics match sampling and measuring by hand; a rerun computes nothing', async () => {
  const spec = smallSpec(model);
  const out = join(dir, 'full');
  const first = await runSweep(spec, options(out));
  assert.equal(first.points.length, 8);
  assert.equal(first.computed, 8);
  assert.equal(readdirSync(join(out, 'rows')).length, 8);

  // the cfg γ = 1, seed 1 point, by hand: balanced labels 0…5, same featurizer, reference = the same 16 images
  const row = first.rows.find((r) => r.point.method === 'cfg' && r.point.gamma === 1 && r.point.seed === 1)!;
  const { model: m } = await loadModel(model);
  const labels = [0, 1, 2, 3, 4, 5];
  const images = await sample({ model: m, guidance: [cfg({ gamma: 1 })], steps: 2, sampler: 'euler', seed: 1, labels });
  const f = projectionFeaturizer({ dims: 12, seed: 3 });
  const ref = options(out).referenceImages() as tf.Tensor4D;
  const [gen, real, logits] = [f.features(images), f.features(ref), f.logits(images)];
  const close = (a: number | undefined, b: number, what: string) =>
    assert.ok(Math.abs(a! - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  close(row.metrics.fid, fid(gen, real, { warn: () => undefined }).fid, 'fid');
  close(row.metrics.kid, kid(real, gen), 'kid');
  const pr = precisionRecall(real, gen);
  close(row.metrics.precision, pr.precision, 'precision');
  close(row.metrics.recall, pr.recall, 'recall');
  assert.equal(row.metrics.classAccuracy, classAccuracy(logits, labels));
  assert.equal(row.digests.featurizer, 'projection-12-3');
  tf.dispose([images, ref, gen, real, logits]);

  const again = await runSweep(spec, options(out));
  assert.equal(again.computed, 0);
  assert.equal(again.cached, 8);
  assert.deepEqual(again.rows, first.rows, 'cached rows come back unchanged (timing included)');
});

test('a cache written with another featurizer or checkpoint is refused, never reused', async () => {
  const spec = smallSpec(model);
  const out = join(dir, 'foreign');
  await runSweep({ ...spec, gammas: [0], seeds: [0], methods: [spec.methods[0]] }, options(out));
  await assert.rejects(
    runSweep(spec, options(out, { featurizer: projection({ dims: 12, seed: 4 }) })),
    /written with featurizer digest projection-12-3, not projection-12-4; use another --out folder/,
  );
  // same model name (path), different weights
  await saveTiny(dir, 'tiny', 2);
  try {
    await assert.rejects(
      runSweep(spec, options(out)),
      new RegExp(`written with checkpoint "${model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" digest`),
    );
  } finally {
    await saveTiny(dir, 'tiny', 1);
  }
  assert.equal(readdirSync(join(out, 'rows')).length, 1, 'nothing was added to the foreign cache');
});

test('shards 1/2 and 2/2 merge into the full sweep; identical duplicates pass, differing ones are refused', async () => {
  const spec = smallSpec(model);
  const [a, b, full] = ['s1', 's2', 'full'].map((s) => join(dir, s));
  const r1 = await runSweep(spec, options(a, { shard: { k: 1, n: 2 } }));
  const r2 = await runSweep(spec, options(b, { shard: { k: 2, n: 2 } }));
  assert.equal(r1.points.length + r2.points.length, expandGrid(spec).length);
  await runSweep(spec, options(full));
  const fullRows = mergeRows([full]);
  assert.deepEqual(withoutTiming(mergeRows([a, b])), withoutTiming(fullRows), 'shards recompute the same rows');
  assert.equal(mergeRows([a, b, full]).length, 8, 'identical duplicates are joined');

  const bad = join(dir, 'tampered');
  cpSync(a, bad, { recursive: true });
  const file = join(bad, 'rows', readdirSync(join(bad, 'rows'))[0]);
  const row = JSON.parse(readFileSync(file, 'utf8')) as SweepRow;
  writeFileSync(file, JSON.stringify({ ...row, metrics: { ...row.metrics, kid: 123 } }));
  assert.throws(() => mergeRows([full, bad]), new RegExp(`rows with key ${row.key.slice(0, 12)}… differ between .*full and .*tampered`));
  assert.throws(() => mergeRows([join(dir, 'nowhere')]), /nowhere is not a sweep cache \(no manifest\.json\)/);
});
