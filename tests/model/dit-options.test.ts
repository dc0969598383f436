import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { testBackend } from '../test-backend';
import { createDenoiser, type ModelConfig } from '../../src/model';
import { DepthwiseConv3x3 } from '../../src/model/layers';
import { Params } from '../../src/model/params';

const BASE: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 4, heads: 2 };

test("DepthwiseConv3x3 equals tfjs's depthwiseConv2d ('same', stride 1) plus bias", async () => {
  await initBackend(testBackend());
  const params = new Params(3);
  const conv = new DepthwiseConv3x3(params.scope('dw'), 5);
  tf.tidy(() => conv.bias.assign(tf.randomNormal([5])));
  const x = tf.randomNormal([2, 4, 6, 5], 0, 1, 'float32', 7) as tf.Tensor4D;
  const ours = conv.apply(x);
  const filter = conv.weight.reshape([3, 3, 5, 1]) as tf.Tensor4D;
  const reference = tf.add(tf.depthwiseConv2d(x, filter, 1, 'same'), conv.bias);
  assert.deepEqual(ours.shape, [2, 4, 6, 5]);
  const err = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0];
  assert.ok(err < 1e-5, `max |ours − depthwiseConv2d| = ${err}`);
  tf.dispose([x, ours, filter, reference]);
  params.dispose();
});

test('DiT options: the local MLP convolution starts at zero (same output as without it); long skips add one projection per second-half block', async () => {
  await initBackend(testBackend());
  const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = [3, 7];
  const plain = createDenoiser(BASE, 5);
  const local = createDenoiser({ ...BASE, localMlp: true }, 5);
  // Same seed, but the extra parameters shift the random stream: copy the shared weights over.
  const shared = Object.fromEntries(
    [...plain.net.params.vars].map(([k, v]) => [k, { data: v.dataSync() as Float32Array, shape: v.shape }]),
  );
  for (const [k, v] of local.net.params.vars) if (shared[k]) tf.tidy(() => v.assign(tf.tensor(shared[k].data, shared[k].shape)));
  // adaLN-Zero makes blocks start as identities: give the modulations values so the MLPs matter.
  for (const m of [plain, local])
    for (const [k, v] of m.net.params.vars)
      if (k.includes('adaLN') || k.includes('final.linear'))
        tf.tidy(() => v.assign(tf.add(tf.mul(tf.onesLike(v), 0.01), tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 9), 0.05))));
  const a = plain.denoise(x, [0.5, 3], { labels });
  const b = local.denoise(x, [0.5, 3], { labels });
  assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-5, 'a zero-initialised local convolution must not change the output');
  const skips = createDenoiser({ ...BASE, skips: true }, 5);
  const skipNames = [...skips.net.params.vars.keys()].filter((k) => k.includes('.skip.'));
  assert.deepEqual(skipNames.sort(), [
    'dit.blocks.2.skip.bias',
    'dit.blocks.2.skip.weight',
    'dit.blocks.3.skip.bias',
    'dit.blocks.3.skip.weight',
  ]);
  assert.deepEqual(skips.denoise(x, [0.5, 3], { labels }).shape, [2, 32, 32, 1]);
  tf.dispose([x, a, b]);
  for (const m of [plain, local, skips]) m.net.params.dispose();
});

test('DiT convChannels: a 3×3 stem and head around the patches; the zero-initialised head convolution makes D = c_skip·x at the start; bad values refused', async () => {
  await initBackend(testBackend());
  const model = createDenoiser({ ...BASE, convChannels: 4 }, 2);
  const names = [...model.net.params.vars.keys()];
  assert.ok(names.includes('dit.stem.weight') && names.includes('dit.out.conv.weight'), names.join(', '));
  assert.deepEqual(model.net.params.vars.get('dit.patch.weight')?.shape, [8 * 8 * 4, 16]);
  const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const d = model.denoise(x, [0.5, 2], { labels: [1, 2] });
  // EDM: c_skip = σ_d²/(σ²+σ_d²) with σ_d = 0.5.
  const cSkip = tf.tensor4d([0.25 / (0.25 + 0.25), 0.25 / (4 + 0.25)], [2, 1, 1, 1]);
  assert.ok(tf.max(tf.abs(tf.sub(d, tf.mul(x, cSkip)))).dataSync()[0] < 1e-6);
  tf.dispose([x, d, cSkip]);
  model.net.params.dispose();
  assert.throws(() => createDenoiser({ ...BASE, convChannels: 2.5 }, 0), /DiT: convChannels must be a positive integer; got 2.5/);
});
