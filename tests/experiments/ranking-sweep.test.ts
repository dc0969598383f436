import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { featureRun, rankSweep, runSweep } from '../../src/experiments';
import { kid, kidStatistic, meanStatistic } from '../../src/metrics';
import { projectionFeaturizer } from './fake-featurizer';
import { options, saveTiny, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

test("a sweep's rows keep per-sample features that reproduce their KID, and rank end to end", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-rank-'));
  const model = await saveTiny(dir);
  const out = join(dir, 'sweep');
  const { rows } = await runSweep(smallSpec(model), options(out));
  const f = projectionFeaturizer({ dims: 12, seed: 3 });
  const refImages = options(out).referenceImages() as tf.Tensor4D;
  const realTensor = f.features(refImages);
  const real = { data: realTensor.dataSync() as Float32Array, n: 16, d: 12 };
  tf.dispose([refImages, realTensor]);
  const toRows = (data: ArrayLike<number>, n: number) => Array.from({ length: n }, (_, i) => Array.from(data).slice(i * 12, (i + 1) * 12));
  for (const row of rows) {
    const run = featureRun(row.samples!);
    assert.equal(run.space, 'projection-12-3');
    assert.deepEqual(run.indices, [0, 1, 2, 3, 4, 5]);
    const stored = kid(toRows(real.data, 16), toRows(run.rows.data, 6));
    const tolerance = 2e-3 * Math.max(1, Math.abs(row.metrics.kid!));
    assert.ok(Math.abs(stored - row.metrics.kid!) <= tolerance, `KID from stored features ${stored} vs the row's ${row.metrics.kid}`);
  }
  const kidToReal = kidStatistic({ rows: real, space: 'projection-12-3' });
  const statistics = { features: [kidToReal], correctness: meanStatistic('class accuracy', 'max') };
  const ranked = rankSweep(rows, statistics, { resamples: 50 });
  assert.deepEqual(
    ranked.map((r) => r.label),
    ['unguided', 'cfg γ = 1', 'pag γ = 1 {"layers":["blocks.0.attn"]}'],
  );
  const pag = ranked[2];
  assert.deepEqual(
    pag.differences.map((d) => d.baseline),
    ['unguided', 'unguided', 'cfg γ = 1', 'cfg γ = 1'],
  );
  assert.ok(pag.differences.every((d) => d.seeds === 2 && d.samples === 12 && d.lo <= d.estimate && d.estimate <= d.hi));
});
