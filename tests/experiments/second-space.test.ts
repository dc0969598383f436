import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { featureRun, readManifest, readRows, runSweep, type SweepRow, type SweepSpec } from '../../src/experiments';
import { enqueueSweep } from '../../src/experiments/redis-queue';
import { mergeManifest } from '../../src/experiments/cache';
import { loadModel } from '../../src/model/io';
import { sample } from '../../src/guidance/sample';
import { cfg } from '../../src/guidance';
import { DEFAULT_AUTOENCODER_PATH, autoencoderFeaturizer, fid, kid } from '../../src/metrics';
import { options, projection, saveTiny, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

let dir = '';
let model = '';
/** The shipped autoencoder's identity, computed from its file (as every checkpoint digest is): sha256 of the bytes. */
const AE_DIGEST = createHash('sha256').update(readFileSync(DEFAULT_AUTOENCODER_PATH)).digest('hex');
before(async () => {
  await initBackend(testBackend());
  dir = mkdtempSync(join(tmpdir(), 'gl-second-'));
  model = await saveTiny(dir);
});

/** One point (cfg γ = 1, seed 0) of the small spec, with `extra` fields. */
const onePoint = (extra: Record<string, unknown> = {}): SweepSpec =>
  smallSpec(model, { methods: [{ method: 'cfg' }], gammas: [1], seeds: [0], ...extra });
const withoutTiming = (rows: SweepRow[]) => rows.map((r) => ({ ...r, timing: undefined }));
const close = (a: number | undefined, b: number, what: string) =>
  assert.ok(Math.abs(a! - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("autoencoder: true also measures KID and FID in the shipped autoencoder's space, as measuring by hand does, in-thread and in workers", async () => {
  const out = join(dir, 'ae');
  const r = await runSweep(onePoint({ autoencoder: true }), options(out));
  assert.equal(r.computed, 1);
  const [row] = r.rows;
  assert.deepEqual(Object.keys(row.digests.second ?? {}).sort(), ['featurizer', 'reference']);
  assert.equal(row.digests.second?.featurizer, AE_DIGEST);
  assert.deepEqual(readManifest(out).second, row.digests.second, 'the cache folder records the second space');

  // by hand: the point's samples and the same 16 reference images, featurized by the shipped autoencoder
  const { model: m } = await loadModel(model);
  const images = await sample({ model: m, guidance: [cfg({ gamma: 1 })], steps: 2, sampler: 'euler', seed: 0, labels: [0, 1, 2, 3, 4, 5] });
  const ae = await autoencoderFeaturizer();
  const ref = options(out).referenceImages() as tf.Tensor4D;
  const [gen, real] = [ae.features(images), ae.features(ref)];
  assert.equal(gen.shape[1], 64, "the autoencoder's bottleneck is 64 wide");
  close(row.metrics.kidAe, kid(real, gen), 'kidAe');
  close(row.metrics.fidAe, fid(gen, real, { warn: () => undefined }).fid, 'fidAe');
  assert.notEqual(row.metrics.kidAe, row.metrics.kid, 'the two spaces give different KIDs');

  // per-sample features of the second space: 64 wide, tagged with its digest, equal to the by-hand ones within float16
  assert.equal(row.samples?.ae?.d, 64);
  assert.equal(row.samples?.ae?.space, AE_DIGEST);
  const run = featureRun(row.samples!, 'ae');
  const want = gen.dataSync();
  assert.equal(run.rows.data.length, want.length);
  run.rows.data.forEach((v, i) =>
    assert.ok(Math.abs(v - want[i]) <= 2 ** -10 * Math.max(1, Math.abs(want[i])), `feature ${i}: ${v} vs ${want[i]}`),
  );
  tf.dispose([images, ref, gen, real]);
  m.net.params.dispose();

  // a worker thread gets the second space through its set-up and gives the same row
  const pooled = await runSweep(onePoint({ autoencoder: true }), options(join(dir, 'ae-pool'), { workers: 1 }));
  assert.ok(pooled.rows[0].timing.thread !== 0, 'the point ran in a worker thread');
  assert.deepEqual(withoutTiming(pooled.rows), withoutTiming(r.rows));

  // the same autoencoder named by its path is the same space: the rows are reused, nothing is computed
  const byPath = await runSweep(onePoint({ autoencoder: DEFAULT_AUTOENCODER_PATH }), options(out));
  assert.equal(byPath.computed, 0);
  assert.deepEqual(byPath.rows, r.rows);
});

test('without autoencoder a sweep writes no second digests, metrics or features; its key differs from the one with it', async () => {
  const plain = await runSweep(onePoint(), options(join(dir, 'plain')));
  const withAe = readRows(join(dir, 'ae'));
  const [row] = plain.rows;
  assert.equal('second' in row.digests, false);
  assert.equal('second' in readManifest(join(dir, 'plain')), false);
  assert.equal(row.metrics.kidAe, undefined);
  assert.equal(row.metrics.fidAe, undefined);
  assert.equal(row.samples?.ae, undefined);
  assert.deepEqual(row.point, withAe[0].point, 'the point itself is the same');
  assert.notEqual(row.key, withAe[0].key, 'rows of the two are never mistaken for each other');
  assert.equal(row.metrics.kid, withAe[0].metrics.kid, 'the classifier-space metrics do not depend on the second space');
});

test('a cache folder written without the second space refuses a spec with it, and the other way round', async () => {
  const plain = join(dir, 'plain');
  const ae = join(dir, 'ae');
  await assert.rejects(
    runSweep(onePoint({ autoencoder: true }), options(plain)),
    new RegExp(
      `written with second-space \\(autoencoder\\) featurizer digest none, not ${AE_DIGEST.slice(0, 16)}…; use another --out folder`,
    ),
  );
  await assert.rejects(
    runSweep(onePoint(), options(ae)),
    new RegExp(`written with second-space \\(autoencoder\\) featurizer digest ${AE_DIGEST.slice(0, 16)}…, not none`),
  );
  assert.equal(readdirSync(join(plain, 'rows')).length, 1, 'nothing was added to the refused folders');
  assert.equal(readdirSync(join(ae, 'rows')).length, 1);

  // the second space's reference counts too, and merging folders of different second spaces is refused alike
  const have = readManifest(ae);
  const other = { ...have, second: { featurizer: AE_DIGEST, reference: 'other' } };
  assert.throws(
    () => mergeManifest('x', have, other),
    /written with second-space \(autoencoder\) reference features digest .*, not other;/,
  );
  assert.deepEqual(mergeManifest('x', have, have), have);
});

test('a row measured in the second space without a finite kidAe is damaged; a manifest with a malformed second space too', () => {
  const bad = join(dir, 'damaged');
  cpSync(join(dir, 'ae'), bad, { recursive: true });
  const file = join(bad, 'rows', readdirSync(join(bad, 'rows'))[0]);
  const row = JSON.parse(readFileSync(file, 'utf8')) as SweepRow;
  writeFileSync(file, JSON.stringify({ ...row, metrics: { ...row.metrics, kidAe: null } }));
  assert.throws(() => readRows(bad), /metric kidAe is null, not a finite number/);
  writeFileSync(join(bad, 'manifest.json'), JSON.stringify({ ...readManifest(join(dir, 'ae')), second: { featurizer: 'f' } }));
  assert.throws(() => readManifest(bad), /damaged: its second space needs featurizer and reference digests/);
});

test('a bad autoencoder value is refused naming it; the Redis queue refuses a spec with one before connecting', async () => {
  for (const bad of [1, '', null, { path: 'x' }]) {
    assert.throws(
      () => onePoint({ autoencoder: bad }),
      new RegExp(
        `autoencoder must be true \\(the shipped feature autoencoder\\), a \\.safetensors checkpoint path, or false \\(none\\); got ${JSON.stringify(bad).replace(/[{}]/g, '\\$&')}`,
      ),
    );
  }
  const missing = join(dir, 'no-such-ae.safetensors');
  await assert.rejects(
    runSweep(onePoint({ autoencoder: missing }), options(join(dir, 'missing'))),
    new RegExp(missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
  );
  const sources = { featurizer: () => projection(), referenceImages: options('').referenceImages };
  await assert.rejects(
    enqueueSweep(onePoint({ autoencoder: true }), { url: 'redis://127.0.0.1:1' }, sources),
    /the Redis queue measures in .* only.*"autoencoder": true.*without --queue/,
  );
});
