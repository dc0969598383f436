import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import {
  createAttentionRecorder,
  headMaps,
  mapsToImageSize,
  meanOverLayers,
  queryMap,
  receivedAttention,
} from '../../src/analysis/attention-maps';
import { attentionProbs, defaultProcessor, type AttentionProcessor } from '../../src/model/attention/processors';
import type { Denoiser } from '../../src/model/denoiser';
import { createDenoiser } from '../../src/model/factory';
import { randomNormal } from '../../src/random';
import { testBackend } from '../test-backend';

/** A tiny DiT: 4×4 tokens (patch 8), two blocks of two heads. */
let model: Denoiser;
const BATCH = 3;
const TOKENS = 16;
const labels = [1, 4, -1];

/** Softmax(q·kᵀ/√d) per [batch, head] computed with plain loops, `[b][h][q][k]` flattened. */
function manualProbs(q: tf.Tensor4D, k: tf.Tensor4D): Float64Array {
  const [b, h, t, d] = q.shape;
  const qa = q.dataSync();
  const ka = k.dataSync();
  const out = new Float64Array(b * h * t * t);
  for (let bh = 0; bh < b * h; bh++) {
    for (let i = 0; i < t; i++) {
      const row = new Float64Array(t);
      for (let j = 0; j < t; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += qa[(bh * t + i) * d + c] * ka[(bh * t + j) * d + c];
        row[j] = dot / Math.sqrt(d);
      }
      const m = Math.max(...row);
      const e = row.map((x) => Math.exp(x - m));
      const z = e.reduce((s, x) => s + x, 0);
      for (let j = 0; j < t; j++) out[(bh * t + i) * t + j] = e[j] / z;
    }
  }
  return out;
}

/** Runs the model once at σ while a processor on `layer` keeps q and k; returns them. */
function qkAt(x: tf.Tensor4D, sigma: number, layer: string): { q: tf.Tensor4D; k: tf.Tensor4D } {
  const kept: tf.Tensor4D[] = [];
  const spy: AttentionProcessor = (q, k, v, info) => {
    kept.push(tf.keep(q.clone()), tf.keep(k.clone()));
    return defaultProcessor(q, k, v, info);
  };
  tf.dispose(model.denoise(x, sigma, { labels }, { processors: { [layer]: spy } }));
  return { q: kept[0], k: kept[1] };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('attention recorder', () => {
  let x: tf.Tensor4D;
  const sigmas = [2.5, 1.0, 0.3];

  before(async () => {
    await initBackend(testBackend());
    model = createDenoiser({ arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 32, depth: 2, heads: 2 }, 7);
    x = randomNormal([BATCH, 32, 32, 1], 3) as tf.Tensor4D;
  });
  after(() => {
    x.dispose();
    model.net.params.dispose();
  });

  it('captures rows that sum to 1 and equal softmax(qkᵀ/√d) computed by hand and by attentionProbs', () => {
    const rec = createAttentionRecorder({ model, layers: ['blocks.1.attn'], heads: 'all' });
    tf.dispose(model.denoise(x, 1.0, { labels }, { processors: rec.processors(1.0, 0) }));
    const [m] = rec.maps();
    assert.equal(m.captures, 1);
    assert.deepEqual(m.probs.shape, [BATCH, 2, TOKENS, TOKENS]);
    const got = m.probs.dataSync() as Float32Array;
    for (let r = 0; r < BATCH * 2 * TOKENS; r++) {
      const s = got.subarray(r * TOKENS, (r + 1) * TOKENS).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - 1) < 1e-5, `row ${r} sums to ${s}`);
    }
    const { q, k } = qkAt(x, 1.0, 'blocks.1.attn');
    assertClose(got, manualProbs(q, k), 1e-5, 'by hand');
    const viaTf = attentionProbs(q, k);
    assertClose(got, viaTf.dataSync(), 1e-6, 'attentionProbs');
    tf.dispose([m.probs, q, k, viaTf]);
    rec.dispose();
  });

  it('averages over the chosen steps and σ only, and over heads when asked', () => {
    const rec = createAttentionRecorder({ model, layers: ['blocks.0.attn', 'blocks.1.attn'], at: { steps: [0], sigmas: [0.3] } });
    sigmas.forEach((s, step) => tf.dispose(model.denoise(x, s, { labels }, { processors: rec.processors(s, step) })));
    const maps = rec.maps();
    for (const m of maps) {
      assert.equal(m.captures, 2);
      assert.deepEqual(m.probs.shape, [BATCH, 1, TOKENS, TOKENS]);
      // truth: mean over heads and over the calls at step 0 (σ 2.5) and σ 0.3, from q and k by hand
      const want = new Float64Array(BATCH * TOKENS * TOKENS);
      for (const s of [2.5, 0.3]) {
        const { q, k } = qkAt(x, s, m.layer.name);
        const p = manualProbs(q, k);
        for (let b = 0; b < BATCH; b++) {
          for (let h = 0; h < 2; h++) {
            for (let i = 0; i < TOKENS * TOKENS; i++) want[b * TOKENS * TOKENS + i] += p[(b * 2 + h) * TOKENS * TOKENS + i] / 4;
          }
        }
        tf.dispose([q, k]);
      }
      assertClose(m.probs.dataSync(), want, 1e-5, m.layer.name);
    }
    const layerMean = meanOverLayers(maps);
    const want = maps[0].probs.add(maps[1].probs).div(2);
    assertClose(layerMean.dataSync(), want.dataSync(), 1e-7, 'mean over layers');
    tf.dispose([layerMean, want, ...maps.map((m) => m.probs)]);
    rec.dispose();
  });

  it('keeps one head by index and captures only the chosen batch rows', () => {
    const all = createAttentionRecorder({ model, layers: ['blocks.0.attn'], heads: 'all' });
    const one = createAttentionRecorder({ model, layers: ['blocks.0.attn'], heads: 1, rows: [1, 3] });
    tf.dispose(model.denoise(x, 1.0, { labels }, { processors: all.processors(1.0, 0) }));
    tf.dispose(model.denoise(x, 1.0, { labels }, { processors: one.processors(1.0, 0) }));
    const [a] = all.maps();
    const [o] = one.maps();
    assert.deepEqual(o.probs.shape, [2, 1, TOKENS, TOKENS]);
    const want = a.probs.slice([1, 1, 0, 0], [2, 1, -1, -1]);
    assertClose(o.probs.dataSync(), want.dataSync(), 1e-6, 'head 1 of rows 1..2');
    tf.dispose([a.probs, o.probs, want]);
    all.dispose();
    one.dispose();
  });

  it('keeps memory bounded: the tensor count does not grow with the number of captures', () => {
    const rec = createAttentionRecorder({ model, layers: 'all', heads: 'all' });
    const run = (step: number): void => tf.dispose(model.denoise(x, 1.0, { labels }, { processors: rec.processors(1.0, step) }));
    run(0);
    const afterOne = tf.memory().numTensors;
    for (let step = 1; step < 12; step++) run(step);
    assert.equal(tf.memory().numTensors, afterOne);
    const maps = rec.maps();
    assert.deepEqual(
      maps.map((m) => m.captures),
      [12, 12],
    );
    tf.dispose(maps.map((m) => m.probs));
    rec.dispose();
    assert.equal(tf.memory().numTensors, afterOne - 2);
  });

  it('names the valid layers, heads and the unmatched schedule in its errors', () => {
    assert.throws(
      () => createAttentionRecorder({ model, layers: ['mid.attn'] }),
      /unknown attention layer "mid.attn"; layers: blocks\.0\.attn, blocks\.1\.attn/,
    );
    assert.throws(
      () => createAttentionRecorder({ model, layers: 'all', heads: 2 }),
      /head 2 does not exist in layer blocks\.0\.attn; heads: 0…1/,
    );
    const rec = createAttentionRecorder({ model, layers: 'all', at: { sigmas: [9] } });
    assert.deepEqual(rec.processors(1.0, 0), {});
    assert.throws(() => rec.maps(), /no attention captured for blocks\.0\.attn, blocks\.1\.attn: no call matched \{"sigmas":\[9\]\}/);
  });
});

describe('attention maps', () => {
  // probs [batch 2, heads 2, 6 queries, 6 keys] on a 2×3 grid, rows softmax-normalised from fixed logits
  let probs: tf.Tensor4D;
  let p: Float32Array;
  before(async () => {
    await initBackend(testBackend());
    probs = tf.softmax(randomNormal([2, 2, 6, 6], 11)) as tf.Tensor4D;
    p = probs.dataSync() as Float32Array;
  });
  after(() => probs.dispose());
  const at = (b: number, h: number, q: number, k: number): number => p[((b * 2 + h) * 6 + q) * 6 + k];

  it('received attention is the sum over queries of the mean over heads, on the grid', () => {
    const r = receivedAttention(probs, [2, 3]);
    assert.deepEqual(r.shape, [2, 2, 3]);
    const want: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let key = 0; key < 6; key++) {
        let s = 0;
        for (let q = 0; q < 6; q++) s += (at(b, 0, q, key) + at(b, 1, q, key)) / 2;
        want.push(s);
      }
    }
    assertClose(r.dataSync(), want, 1e-6, 'received');
    r.dispose();
  });

  it('a query map is that query row, by index or [row, col]; per-head maps keep heads', () => {
    const byIndex = queryMap(probs, 4, [2, 3]);
    const byCell = queryMap(probs, [1, 1], [2, 3]);
    const heads = headMaps(probs, { query: 4, grid: [2, 3] });
    assert.deepEqual(heads.shape, [2, 2, 2, 3]);
    const wantMean: number[] = [];
    const wantHeads: number[] = [];
    for (let b = 0; b < 2; b++) {
      for (let k = 0; k < 6; k++) wantMean.push((at(b, 0, 4, k) + at(b, 1, 4, k)) / 2);
      for (let h = 0; h < 2; h++) for (let k = 0; k < 6; k++) wantHeads.push(at(b, h, 4, k));
    }
    assertClose(byIndex.dataSync(), wantMean, 1e-6, 'query 4');
    assertClose(byCell.dataSync(), wantMean, 1e-6, 'query [1, 1]');
    assertClose(heads.dataSync(), wantHeads, 0, 'per head');
    tf.dispose([byIndex, byCell, heads]);
  });

  it('resizes maps of either rank to the image size', () => {
    const heads = headMaps(probs, { grid: [2, 3] });
    const big = mapsToImageSize(heads, [4, 6], 'nearest');
    assert.deepEqual(big.shape, [2, 2, 4, 6]);
    const h = heads.dataSync();
    const g = big.dataSync();
    for (let i = 0; i < 4; i++)
      for (let y = 0; y < 4; y++)
        for (let xx = 0; xx < 6; xx++) assert.equal(g[i * 24 + y * 6 + xx], h[i * 6 + Math.floor(y / 2) * 3 + Math.floor(xx / 2)]);
    const r = receivedAttention(probs, [2, 3]);
    assert.deepEqual(mapsToImageSize(r, 12).shape, [2, 12, 12]);
    tf.dispose([heads, big, r]);
  });

  it('rejects grids that do not hold the tokens, non-square defaults, cross-attention and bad queries', () => {
    assert.throws(() => receivedAttention(probs, [3, 3]), /grid \[3, 3\] does not hold the 6 tokens/);
    assert.throws(() => receivedAttention(probs), /6 tokens do not form a square grid; pass the layer's grid/);
    const cross = tf.zeros([1, 1, 4, 9]) as tf.Tensor4D;
    assert.throws(() => receivedAttention(cross, [3, 3]), /need self-attention \(queries = keys\); got 4 queries and 9 keys/);
    assert.throws(() => queryMap(probs, [2, 0], [2, 3]), /query \[2,0\] is outside the 2×3 grid/);
    assert.throws(() => queryMap(probs, 6, [2, 3]), /query 6 is outside the 2×3 grid: use 0…5/);
    cross.dispose();
  });
});
