import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { cfgDirections, deltaCosines } from '../../src/analysis/guidance-vectors';
import type { GuidanceUpdate } from '../../src/guidance/guided';
import { createGuidanceVectorRecorder } from '../../src/guidance/vector-recorder';
import { cfg, pag, sample } from '../../src/guidance';
import type { Denoiser } from '../../src/model/denoiser';
import { karrasSigmas } from '../../src/diffusion';
import { TINY_UNET, tinyModel } from './helpers';
import { testBackend } from '../test-backend';

/** Returns a `[batch, size, size, 1]` tensor whose row b is `f(b, y, x)`. */
function field(batch: number, f: (b: number, y: number, x: number) => number, size = 8): tf.Tensor4D {
  const data = new Float32Array(batch * size * size);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[(b * size + y) * size + x] = f(b, y, x);
  return tf.tensor4d(data, [batch, size, size, 1]);
}

/** Returns a hook report for `delta` (the engine's shape of it). */
function update(delta: tf.Tensor4D, sigma: number, step: number, call: number, term = 0, indices = [0, 1, 2]): GuidanceUpdate {
  return { sigma, step, call, term, method: term === 0 ? 'cfg' : 'pag', gamma: 1, indices, delta };
}

describe('guidance-vector recorder', () => {
  let unet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    unet = tinyModel(TINY_UNET, 2);
  });

  it('records only the scheduled evaluations and samples, as plain arrays', () => {
    const rec = createGuidanceVectorRecorder({ at: { sigmas: [2], steps: [2] }, samples: [2, 0] });
    [4, 2, 1, 0.5].forEach((sigma, step) => {
      for (const term of [0, 1]) {
        const delta = field(3, (b) => sigma * 100 + term * 10 + b);
        rec.onGuidance(update(delta, sigma, step, step, term));
        delta.dispose();
      }
    });
    const v = rec.vectors();
    assert.deepEqual(
      v.map((r) => [r.method, r.sigma, r.step]),
      [
        ['cfg', 2, 1],
        ['pag', 2, 1],
        ['cfg', 1, 2],
        ['pag', 1, 2],
      ],
    );
    assert.deepEqual(v[1].indices, [0, 2]);
    assert.deepEqual(v[1].shape, [8, 8, 1]);
    assert.equal(v[1].delta[0], 210);
    assert.equal(v[1].delta[64], 212);
    assert.equal(v[1].x, null, 'no sampler state was reported');
    assert.throws(() => createGuidanceVectorRecorder({ samples: [] }), /non-empty list of sample indices ≥ 0; got \[\]/);
    assert.throws(() => createGuidanceVectorRecorder({ at: { sigmas: [0] } }), /σ values must be finite and > 0; got 0/);
  });

  it("during sampling: CFG's recorded Δ is γ times CFG's direction recomputed at the recorded state (Euler)", async () => {
    const steps = 4;
    const sigmas = karrasSigmas(steps);
    const labels = [3, 7, 1];
    const rec = createGuidanceVectorRecorder({ at: { sigmas: [sigmas[0], sigmas[2]] }, samples: [1, 2], seed: 9 });
    const out = await sample({
      model: unet,
      labels,
      steps,
      sampler: 'euler',
      seed: 9,
      guidance: [cfg({ gamma: 2 }), pag({ gamma: 1 })],
      onGuidance: rec.onGuidance,
      onStep: rec.onStep,
    });
    const v = rec.vectors();
    assert.deepEqual(
      v.map((u) => [u.method, u.step]),
      [
        ['cfg', 0],
        ['pag', 0],
        ['cfg', 2],
        ['pag', 2],
      ],
    );
    assert.ok(v.every((u) => u.x !== null && u.indices.join() === '1,2'));
    const dirs = cfgDirections(unet, v, (i) => labels[i]);
    for (const u of v.filter((w) => w.method === 'cfg')) {
      const ref = dirs.get(u) as Float32Array;
      const err = Math.max(...u.delta.map((d, i) => Math.abs(d - 2 * ref[i])));
      assert.ok(err < 1e-4, `step ${u.step}: ${err}`);
    }
    const cos = deltaCosines(v, (u) => dirs.get(u));
    assert.ok(cos.filter((c) => c.method === 'cfg').every((c) => c.value > 0.99999));
    assert.ok(
      cos.some((c) => c.method === 'pag' && c.value < 0.999),
      'PAG is not CFG',
    );
    // The state a wrong seed would give is another x: CFG's direction there is not the recorded one.
    const wrong = createGuidanceVectorRecorder({ at: { sigmas: [sigmas[0]] }, samples: [1], seed: 10 });
    const again = await sample({
      model: unet,
      labels,
      steps,
      sampler: 'euler',
      seed: 9,
      guidance: [cfg({ gamma: 2 })],
      onGuidance: wrong.onGuidance,
    });
    const bad = wrong.vectors();
    const badCos = deltaCosines(bad, (u) => cfgDirections(unet, bad, (i) => labels[i]).get(u));
    assert.ok(badCos[0].value < 0.999, `${badCos[0].value}`);
    tf.dispose([out, again]);
  });

  it('over several batches: each kept sample is recorded with its own state, whatever batch it ran in', async () => {
    const labels = [4, 0, 6];
    const rec = createGuidanceVectorRecorder({ samples: [0, 2], seed: 3 });
    const out = await sample({
      model: unet,
      labels,
      steps: 2,
      sampler: 'euler',
      seed: 3,
      batchSize: 2,
      guidance: [cfg({ gamma: 1 })],
      onGuidance: rec.onGuidance,
      onStep: rec.onStep,
    });
    const v = rec.vectors();
    assert.deepEqual(
      v.map((u) => [u.indices.join(), u.step]),
      [
        ['0', 0],
        ['0', 1],
        ['2', 0],
        ['2', 1],
      ],
    );
    const dirs = cfgDirections(unet, v, (i) => labels[i]);
    assert.ok(deltaCosines(v, (u) => dirs.get(u)).every((c) => c.value > 0.99999));
    out.dispose();
  });

  it("Heun: the corrector's state is not reported, so its vectors carry none", async () => {
    const rec = createGuidanceVectorRecorder({ at: { steps: [1] } });
    const out = await sample({
      model: unet,
      labels: [2],
      steps: 3,
      sampler: 'heun',
      guidance: [cfg({ gamma: 1 })],
      onGuidance: rec.onGuidance,
      onStep: rec.onStep,
    });
    const v = rec.vectors();
    assert.equal(v.length, 2, 'predictor and corrector of step 1');
    assert.ok(v[0].x !== null && v[1].x === null);
    assert.ok(v[0].sigma > v[1].sigma);
    out.dispose();
  });
});
