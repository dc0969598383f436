import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import type { ModelConfig } from '../../src/model/denoiser';
import { loadModel, saveModel } from '../../src/model/io';
import { runFiles } from '../../src/train/trainer';
import { runSims, sampleSyntheticChunks, syntheticSet } from '../../src/train/sims';
import { testBackend } from '../test-backend';

const TINY: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 };

before(async () => {
  await initBackend(testBackend());
});

async function tinyBase(dir: string, seed: number) {
  const path = join(dir, `base-${seed}.safetensors`);
  await saveModel(path, TINY, createDenoiser(TINY, seed).net.params.snapshot(), {}, 'F32');
  return loadModel(path);
}

test('SIMS: synthetic set sampled once (balanced labels), negatives fine-tuned from the base per budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-sims-'));
  const base = await tinyBase(dir, 1);
  const opts = { out: dir, base, synthetic: 20, budgets: [8, 16], steps: 2, seed: 3, lr: 1e-3, batch: 8, command: 'test' };
  const runs = await runSims(opts);
  assert.deepEqual(runs, [join(dir, 'budget-8'), join(dir, 'budget-16')]);
  for (const r of runs) assert.ok(statSync(runFiles.ema(r, 0.1)).size > 0);
  const negative = await loadModel(runFiles.ema(runs[1], 0.1));
  assert.equal((negative.training as { images: number }).images, 16);
  // A rerun reuses the saved synthetic chunk: same bytes, not resampled.
  const chunk = join(dir, 'synthetic-0.safetensors');
  const before = statSync(chunk).mtimeMs;
  const ds = await syntheticSet(opts);
  assert.equal(statSync(chunk).mtimeMs, before);
  assert.deepEqual(Array.from(ds.labels.subarray(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  // Chunks sampled from another base, or with other steps, seed or size, are refused with the saved and new values.
  const other = await tinyBase(dir, 2);
  await assert.rejects(syntheticSet({ ...opts, base: other }), /was sampled with other settings:\n {2}base: saved "\w+", now "\w+"/);
  await assert.rejects(
    syntheticSet({ ...opts, steps: 4, seed: 1 }),
    /synthetic-0\.safetensors was sampled with other settings:\n {2}steps: saved 2, now 4\n {2}seed: saved 3, now 1\n/,
  );
  await assert.rejects(syntheticSet({ ...opts, synthetic: 30 }), /count: saved 20, now 30/);
  // A budget rerun with another learning rate is refused by its training run.
  await assert.rejects(runSims({ ...opts, lr: 2e-3 }), /lr: saved 0\.001, now 0\.002/);
});

test('SIMS: synthetic shards sampled by separate calls assemble the same set as one call', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-sims-shard-'));
  const base = await tinyBase(dir, 1);
  const opts = { base, synthetic: 1100, budgets: [8], steps: 1, seed: 3, lr: 1e-3, batch: 8, command: 'test' };
  const sharded = { ...opts, out: join(dir, 'sharded') };
  await sampleSyntheticChunks(sharded, { k: 2, n: 2 });
  assert.deepEqual(
    [0, 500, 1000].map((s) => existsSync(join(sharded.out, `synthetic-${s}.safetensors`))),
    [false, true, false],
  );
  await sampleSyntheticChunks(sharded, { k: 1, n: 2 });
  const whole = await syntheticSet({ ...opts, out: join(dir, 'whole') });
  const parts = await syntheticSet(sharded);
  assert.equal(parts.count, 1100);
  assert.deepEqual(parts.images, whole.images);
  assert.deepEqual(parts.labels, whole.labels);
});
