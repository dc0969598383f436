import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { createDenoiser } from '../../src/model/factory';
import type { Denoiser, ModelConfig } from '../../src/model/denoiser';
import { AttentionProcessor, captureProcessor, defaultProcessor, identityProcessor } from '../../src/model/attention/processors';
import { Rng } from '../../src/random';
import { testBackend } from '../test-backend';

const DIT: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 32, depth: 2, heads: 2 };
const UNET: ModelConfig = {
  arch: 'unet',
  imageSize: 32,
  channels: 1,
  classes: 10,
  widths: [8, 16, 16],
  attentionLevels: [1, 2],
  heads: 2,
  blocks: 1,
};

/** A model whose zero-initialised layers are randomised, so every layer influences the output. */
function randomModel(config: ModelConfig): Denoiser {
  const m = createDenoiser(config, 3);
  const rng = new Rng(9);
  for (const v of m.net.params.vars.values()) tf.tidy(() => v.assign(tf.add(v, tf.tensor(rng.normals(v.size), v.shape).mul(0.1))));
  return m;
}

function input(b: number): tf.Tensor4D {
  return tf.tensor4d(new Rng(5).normals(b * 32 * 32), [b, 32, 32, 1]);
}

before(async () => {
  await initBackend(testBackend());
});

test('capture returns probabilities whose rows sum to 1 and equal softmax(q·kᵀ/√d) computed by hand', () => {
  const model = randomModel(DIT);
  const x = input(2);
  const seen: { q: number[][][][]; k: number[][][][]; p: number[][][][] }[] = [];
  const capture: AttentionProcessor = (q, k, v, layer) => {
    let probs: number[][][][] = [];
    const out = captureProcessor((p) => (probs = p.arraySync()))(q, k, v, layer);
    seen.push({ q: q.arraySync(), k: k.arraySync(), p: probs });
    return out;
  };
  tf.tidy(() => model.denoise(x, 2.5, { labels: [1, 2] }, { processors: { 'blocks.1.attn': capture } }));
  assert.equal(seen.length, 1);
  const { q, k, p } = seen[0];
  const d = q[0][0][0].length;
  let maxErr = 0;
  for (let b = 0; b < q.length; b++) {
    for (let h = 0; h < q[b].length; h++) {
      for (let i = 0; i < q[b][h].length; i++) {
        const scores = k[b][h].map((kj) => kj.reduce((s, kv, c) => s + kv * q[b][h][i][c], 0) / Math.sqrt(d));
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, c) => a + c, 0);
        const rowSum = p[b][h][i].reduce((a, c) => a + c, 0);
        assert.ok(Math.abs(rowSum - 1) < 1e-5, `row sum ${rowSum}`);
        e.forEach((ev, j) => (maxErr = Math.max(maxErr, Math.abs(ev / z - p[b][h][i][j]))));
      }
    }
  }
  assert.ok(maxErr < 1e-5, `captured probabilities differ from the hand computation by ${maxErr}`);
  model.net.params.dispose();
  x.dispose();
});

test('identity processor equals attention with an identity map (returns the v path)', () => {
  const model = randomModel(UNET);
  const x = input(2);
  const eyeAttention: AttentionProcessor = (_q, _k, v) =>
    tf.tidy(() => tf.matMul(tf.eye(v.shape[2]).expandDims(0).expandDims(0).tile([v.shape[0], v.shape[1], 1, 1]), v) as tf.Tensor4D);
  const [a, b, plain] = tf.tidy(() => [
    model.denoise(x, 1, { labels: [3, 4] }, { processors: { 'mid.attn': identityProcessor } }).arraySync(),
    model.denoise(x, 1, { labels: [3, 4] }, { processors: { 'mid.attn': eyeAttention } }).arraySync(),
    model.denoise(x, 1, { labels: [3, 4] }).arraySync(),
  ]);
  const diff = (u: number[][][][], w: number[][][][]): number => Math.max(...u.flat(3).map((val, i) => Math.abs(val - w.flat(3)[i])));
  assert.ok(diff(a, b) < 1e-5, `identity vs explicit identity map: ${diff(a, b)}`);
  assert.ok(diff(a, plain) > 1e-4, 'the identity perturbation must change the output of a random model');
  model.net.params.dispose();
  x.dispose();
});

test('a processor on rows [b, 2b) leaves rows [0, b) bit-identical to the unperturbed pass', () => {
  for (const config of [DIT, UNET]) {
    const model = randomModel(config);
    const x = input(4);
    const labels = [1, 2, 1, 2];
    const layers = model.attentionLayers.map((l) => l.name);
    const processors = Object.fromEntries(layers.map((n) => [n, { processor: identityProcessor, rows: [2, 4] as [number, number] }]));
    const [plain, perturbed] = tf.tidy(() => [
      model.denoise(x, 0.7, { labels }).dataSync(),
      model.denoise(x, 0.7, { labels }, { processors }).dataSync(),
    ]);
    const half = plain.length / 2;
    for (let i = 0; i < half; i++) assert.equal(perturbed[i], plain[i], `${config.arch}: row-0/1 value ${i} changed`);
    let changed = 0;
    for (let i = half; i < plain.length; i++) changed += perturbed[i] !== plain[i] ? 1 : 0;
    assert.ok(changed > half / 2, `${config.arch}: the perturbed rows must change`);
    // The default processor bound to rows is the plain pass, bit for bit.
    const same = tf.tidy(() =>
      model.denoise(x, 0.7, { labels }, { processors: { [layers[0]]: { processor: defaultProcessor, rows: [1, 3] } } }).dataSync(),
    );
    assert.deepEqual(Array.from(same), Array.from(plain));
    model.net.params.dispose();
    x.dispose();
  }
});

test('layers have exact names, grids, heads and head widths', () => {
  const unet = createDenoiser(UNET, 0);
  assert.deepEqual(
    unet.attentionLayers.map((l) => [l.name, l.grid.join('x'), l.heads, l.headDim]),
    [
      ['down.1.attn', '16x16', 2, 8],
      ['down.2.attn', '8x8', 2, 8],
      ['mid.attn', '8x8', 2, 8],
      ['up.2.attn', '8x8', 2, 8],
      ['up.1.attn', '16x16', 2, 8],
    ],
  );
  const dit = createDenoiser(DIT, 0);
  assert.deepEqual(
    dit.attentionLayers.map((l) => l.name),
    ['blocks.0.attn', 'blocks.1.attn'],
  );
  assert.deepEqual(dit.attentionLayers[0].grid, [4, 4]);
  unet.net.params.dispose();
  dit.net.params.dispose();
});
