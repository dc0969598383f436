import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import { karrasSigmas } from '../../src/diffusion';
import { sample, cfg } from '../../src/guidance';
import { createAttentionRecorder } from '../../src/analysis/attention-maps';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

test('attention captured during a real guided sampling run: chosen σ only, rows sum to 1, bounded memory', async () => {
  const model = createDenoiser(
    { arch: 'unet', imageSize: 32, channels: 1, classes: 10, widths: [8, 16, 16], attentionLevels: [1, 2], heads: 2, blocks: 1 },
    1,
  );
  const steps = 6;
  const sigmas = karrasSigmas(steps).slice(0, 2); // first two noise levels of the schedule
  const layers = ['down.1.attn', 'down.2.attn', 'mid.attn', 'up.1.attn'];
  const recorder = createAttentionRecorder({ model, layers, at: { sigmas }, heads: 'mean' });
  const before = tf.memory().numTensors;
  const images = await sample({
    model,
    labels: [1, 2, 3, 4],
    steps,
    sampler: 'euler',
    guidance: [cfg({ gamma: 1 })],
    processors: (s, call) => recorder.processors(s, call),
  });
  images.dispose();
  // What stays alive is one running sum per layer, whatever the number of steps.
  assert.equal(tf.memory().numTensors - before, layers.length);
  const maps = recorder.maps();
  assert.deepEqual(
    maps.map((m) => m.layer.name),
    layers,
  );
  for (const m of maps) {
    assert.equal(m.captures, 2, `${m.layer.name}: captured ${m.captures} evaluations, expected the 2 at the chosen σ`);
    assert.deepEqual(m.probs.shape.slice(0, 2), [4, 1]); // the positive rows only, heads averaged
    const sums = tf.tidy(() => m.probs.sum(3).dataSync());
    for (const v of sums) assert.ok(Math.abs(v - 1) < 1e-5, `row sum ${v}`);
  }
  for (const m of maps) m.probs.dispose();
  recorder.dispose();
  assert.equal(tf.memory().numTensors, before);
  model.net.params.dispose();
});
