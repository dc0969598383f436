import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { loadDataset, splitDataset } from '../../src/data';
import { createDenoiser } from '../../src/model/factory';
import type { ModelConfig } from '../../src/model/denoiser';
import { loadCheckpoint } from '../../src/model/checkpoint';
import { EDM_LOSS } from '../../src/train/loss';
import { ShardWorkers, shardGradients, shardRows, type StepData } from '../../src/train/shards';
import { DEFAULT_TRAIN, runFiles, train } from '../../src/train/trainer';
import { testBackend } from '../test-backend';

const CONFIG: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 };

test('shardRows tiles the batch in order without gaps or overlaps; impossible splits are refused', () => {
  for (const [batch, n] of [
    [16, 2],
    [10, 3],
    [7, 7],
    [5, 1],
  ]) {
    const rows = Array.from({ length: n }, (_, k) => shardRows(batch, k, n));
    assert.equal(rows[0][0], 0);
    assert.equal(rows[n - 1][1], batch);
    rows.forEach(([lo, hi], k) => {
      assert.ok(hi > lo, `shard ${k} of ${n} over ${batch} is empty`);
      if (k > 0) assert.equal(lo, rows[k - 1][1]);
    });
  }
  assert.throws(() => shardRows(4, 0, 5), /batch of 4 into 5 shards/);
  assert.throws(() => shardRows(4, 0, 0), /into 0 shards/);
});

test('the shards of a step add up to the whole batch: loss and every gradient', async () => {
  await initBackend(testBackend());
  const ds = await loadDataset('mnist');
  const data: StepData = { ds, trainIdx: splitDataset(ds, { heldOut: 0.1, seed: 0 }).train, seed: 3, batch: 9, loss: EDM_LOSS };
  const model = createDenoiser({ ...CONFIG, depth: 2 }, 5);
  const vars = [...model.net.params.vars.values()];
  const whole = shardGradients(model, vars, data, 7, 0, 1);
  const parts = [0, 1, 2].map((k) => shardGradients(model, vars, data, 7, k, 3));
  const sumLoss = parts.reduce((a, p) => a + p.value.dataSync()[0], 0);
  assert.ok(Math.abs(sumLoss - whole.value.dataSync()[0]) < 1e-5 * whole.value.dataSync()[0], `${sumLoss} vs ${whole.value.dataSync()[0]}`);
  for (const v of vars) {
    const want = whole.grads[v.name].dataSync();
    const got = tf.tidy(() => tf.addN(parts.map((p) => p.grads[v.name])).dataSync());
    const scale = Math.max(...Array.from(want, Math.abs), 1e-6);
    want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-4 * scale, `${v.name}[${i}]: ${got[i]} vs ${w}`));
  }
  tf.dispose([whole.value, whole.grads, ...parts.flatMap((p) => [p.value, p.grads])]);
  model.net.params.dispose();
});

test('training with 2 worker threads follows the 1-thread run (same parameters up to float rounding)', async () => {
  await initBackend(testBackend());
  const ds = await loadDataset('mnist');
  const idx = splitDataset(ds, { heldOut: 0.1, seed: 0 }).train;
  const tensorsBefore = tf.memory().numTensors;
  const run = async (workers: number) => {
    const out = mkdtempSync(join(tmpdir(), `gl-shards-${workers}-`));
    await train(ds, idx, {
      ...DEFAULT_TRAIN,
      out,
      config: CONFIG,
      images: 8 * 6,
      batch: 8,
      warmup: 16,
      sigmaRels: [0.1],
      exportSigmaRel: 0.1,
      snapshots: [],
      saveEverySeconds: 1e9,
      workers,
      command: 'test',
    });
    return out;
  };
  const [one, two] = [await run(1), await run(2)];
  const [a, b] = [await loadCheckpoint(runFiles.state(one)), await loadCheckpoint(runFiles.state(two))];
  let moved = 0;
  for (const [name, t] of Object.entries(a.tensors)) {
    if (!name.startsWith('param/')) continue;
    const u = b.tensors[name].data;
    t.data.forEach((x, i) =>
      assert.ok(Math.abs(u[i] - x) <= 1e-4 * Math.max(1, Math.abs(x)), `${name}[${i}]: ${u[i]} (2 threads) vs ${x} (1 thread)`),
    );
    moved += t.data.length;
  }
  assert.ok(moved > 1000);
  const loss = (out: string) => Number(readFileSync(runFiles.log(out), 'utf8').trim().split('\n')[1].split(',')[2]);
  assert.ok(Math.abs(loss(one) - loss(two)) < 1e-4 * loss(one), `${loss(one)} vs ${loss(two)}`);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'training leaks no tensors');
});

test('a shard worker that fails reports its error to the trainer instead of hanging', async () => {
  await initBackend(testBackend());
  const ds = await loadDataset('mnist');
  const data: StepData = { ds, trainIdx: splitDataset(ds, { heldOut: 0.1, seed: 0 }).train, seed: 1, batch: 4, loss: EDM_LOSS };
  await assert.rejects(ShardWorkers.start({ ...CONFIG, patch: 5 }, 'wasm', data, 2), /training shard 1: .*not a multiple of patch 5/);
  await assert.rejects(ShardWorkers.start(CONFIG, 'wasm', data, 5), /batch of 4 into 5 shards/);
});
