import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import { NULL_LABEL, preconditioning } from '../../src/model/denoiser';
import type { ModelConfig } from '../../src/model/denoiser';
import { identityProcessor } from '../../src/model/attention/processors';
import { loadModel, saveModel } from '../../src/model/io';
import edm from '../reference/edm.json';
import { testBackend } from '../test-backend';

const DIT: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 32, depth: 2, heads: 2 };

before(async () => {
  await initBackend(testBackend());
});

test('EDM preconditioning matches the reference coefficients', () => {
  const rows = (edm as unknown as { precond: Array<{ sigma: number; c_skip: number; c_out: number; c_in: number; c_noise: number }> })
    .precond;
  assert.ok(rows.length > 0);
  for (const r of rows) {
    const p = preconditioning(r.sigma);
    for (const [got, want] of [
      [p.cSkip, r.c_skip],
      [p.cOut, r.c_out],
      [p.cIn, r.c_in],
      [p.cNoise, r.c_noise],
    ]) {
      assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `σ=${r.sigma}: ${got} vs ${want}`);
    }
  }
});

test('bad input gives clear errors', () => {
  const m = createDenoiser(DIT, 0);
  const ok = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
  assert.throws(
    () => m.denoise(tf.zeros([2, 28, 28, 1]) as tf.Tensor4D, 1, { labels: [1, 2] }),
    /images are 28×28×1, the model takes 32×32×1/,
  );
  assert.throws(() => m.denoise(tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, 1, { labels: [1, 2] }), /32×32×3/);
  assert.throws(() => m.denoise(ok, 1, { labels: [1, 10] }), /label 10 at row 1 is not a class: use 0…9 or NULL_LABEL/);
  assert.throws(() => m.denoise(ok, 1, { labels: [1] }), /1 labels for a batch of 2/);
  assert.throws(() => m.denoise(ok, 0, { labels: [1, 2] }), /σ must be positive/);
  assert.throws(
    () => m.denoise(ok, 1, { labels: [1, 2] }, { processors: { 'mid.attn': identityProcessor } }),
    /unknown attention layer "mid.attn"; layers: blocks.0.attn, blocks.1.attn/,
  );
  assert.throws(
    () =>
      m.denoise(ok, 1, { labels: [1, NULL_LABEL] }, { processors: { 'blocks.0.attn': { processor: identityProcessor, rows: [1, 3] } } }),
    /rows \[1, 3\) on layer blocks.0.attn are outside the batch \[0, 2\)/,
  );
  m.net.params.dispose();
});

test('a checkpoint round-trips, and one of another architecture is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-model-'));
  const m = createDenoiser(DIT, 4);
  const path = join(dir, 'dit.safetensors');
  await saveModel(path, DIT, m.net.params.snapshot(), { images: 0 }, 'F32');
  const loaded = await loadModel(path);
  const x = tf.randomNormal([1, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const a = tf.tidy(() => m.denoise(x, 1, { labels: [2] }).dataSync());
  const b = tf.tidy(() => loaded.model.denoise(x, 1, { labels: [2] }).dataSync());
  assert.deepEqual(Array.from(b), Array.from(a));
  assert.match(loaded.digest, /^[0-9a-f]{64}$/);
  await assert.rejects(loadModel(path, { arch: 'unet' }), /checkpoint has arch = "dit", expected "unet"/);
  m.net.params.dispose();
  loaded.model.net.params.dispose();
});
