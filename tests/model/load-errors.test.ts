import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import type { ModelConfig } from '../../src/model/denoiser';
import { loadModel, saveModel } from '../../src/model/io';
import { loadShipped } from '../../src/model/shipped';
import { testBackend } from '../test-backend';

const DIT: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 32, depth: 2, heads: 2 };

before(async () => {
  await initBackend(testBackend());
});

test('a checkpoint that does not fit, or a config that fails part-way, leaves no tensor behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-load-errors-'));
  const m = createDenoiser(DIT, 0);
  const weights = m.net.params.snapshot();
  m.net.params.dispose();
  const wrongShape = join(dir, 'wrong-shape.safetensors');
  await saveModel(wrongShape, { ...DIT, width: 64 }, weights, {}, 'F32'); // the config says 64 wide, the weights are 32
  const missing = join(dir, 'missing.safetensors');
  const { 'dit.pos': _pos, ...withoutPos } = weights;
  await saveModel(missing, DIT, withoutPos, {}, 'F32');
  const badHeads = join(dir, 'bad-heads.safetensors');
  await saveModel(badHeads, { ...DIT, heads: 3 }, weights, {}, 'F32');

  const start = tf.memory().numTensors;
  await assert.rejects(loadModel(wrongShape), /wrong-shape\.safetensors: parameter ".*" has shape \[.*\], model expects/);
  assert.equal(tf.memory().numTensors, start, 'shape mismatch: no tensor left');
  await assert.rejects(loadShipped(missing), /missing\.safetensors does not fit this model: missing dit\.pos/);
  assert.equal(tf.memory().numTensors, start, 'missing weight: no tensor left');
  await assert.rejects(loadModel(badHeads), /32 channels do not split into 3 heads/);
  assert.equal(tf.memory().numTensors, start, 'config failing part-way through construction: no tensor left');
  assert.throws(() => createDenoiser({ ...DIT, convChannels: -1 }), /convChannels must be a positive integer; got -1/);
  assert.equal(tf.memory().numTensors, start);
});
