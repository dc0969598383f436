import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { DenoiseFn, NonFiniteStateError, karrasSigmas, solve } from '../../src/diffusion';
import { NonFiniteSampleError, sample } from '../../src/guidance/sample';
import { cfg, pag } from '../../src/guidance';
import type { GuidanceTerm } from '../../src/guidance/term';
import { sampleNoise } from '../../src/random';
import { tinyModel } from '../guidance/helpers';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

test('solve stops at the first step whose state is NaN or ±Infinity, names it, and frees its tensors', () => {
  const sigmas = karrasSigmas(10);
  const threshold = 1; // the denoiser breaks (one pixel goes to Infinity) once σ < 1
  const broken: DenoiseFn = (x, sigma) =>
    tf.tidy(() => {
      const d = tf.mul(x, 0.5);
      if (sigma >= threshold) return d as tf.Tensor4D;
      const mask = tf.oneHot(tf.tensor1d([3], 'int32'), x.size).reshape(x.shape);
      return tf.add(d, tf.mul(mask, Infinity)) as tf.Tensor4D; // Infinity·0 = NaN elsewhere too: either way not finite
    });
  const expected = sigmas.findIndex((s) => s < threshold);
  const noise = sampleNoise([8, 8, 1], 1, [0, 1]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  assert.throws(
    () => solve(broken, noise, { sigmas, sampler: 'euler' }),
    (e: unknown) => {
      assert.ok(e instanceof NonFiniteStateError);
      assert.equal(e.step, expected);
      assert.equal(e.sigma, sigmas[expected]);
      const where = `at step ${expected} of 0…9 \\(σ ${sigmas[expected]} → ${sigmas[expected + 1]}\\)`;
      assert.match(e.message, new RegExp(`non-finite \\(NaN or ±Infinity\\) ${where}`));
      return true;
    },
  );
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind by the failed solve');
  noise.dispose();
});

test('sample() with a diverging γ throws naming method, γ, step and σ, and leaks no tensor; a failing term leaks none either', async () => {
  const model = tinyModel();
  const sigmas = karrasSigmas(4);
  const before = tf.memory().numTensors;
  // γ = 1e38 multiplies a non-zero CFG difference past float32's 3.4e38: Infinity at the very first step.
  const guidance = [cfg({ gamma: 1e38 }), pag({ gamma: 0.5 })];
  const diverging = { model, guidance, steps: 4, sampler: 'euler' as const, labels: [1, 2, 3], batchSize: 2 };
  await assert.rejects(sample(diverging), (e: unknown) => {
    assert.ok(e instanceof NonFiniteSampleError);
    assert.equal(e.state.step, 0);
    const where = `at step 0 of 0…3 \\(σ ${sigmas[0]} → ${sigmas[1]}\\), batch 1 of 2, seed 0`;
    assert.match(e.message, new RegExp(`with cfg γ = 1e\\+38 \\+ pag γ = 0\\.5 ${where}`));
    return true;
  });
  assert.equal(tf.memory().numTensors, before, 'a diverged sample() leaves no tensor');

  // a term that fails on the second batch: the first batch's samples, the noise and the state are all freed
  let plans = 0;
  const failing: GuidanceTerm = {
    ...cfg({ gamma: 1 }),
    method: 'cfg',
    gamma: 1,
    interval: null,
    check: () => undefined,
    plan: (ctx) => {
      if (++plans > 4) throw new Error('term failed');
      return cfg({ gamma: 1 }).plan(ctx);
    },
  };
  await assert.rejects(sample({ model, guidance: [failing], steps: 4, sampler: 'euler', labels: [1, 2, 3], batchSize: 2 }), /term failed/);
  assert.equal(tf.memory().numTensors, before, 'a failed sample() leaves no tensor');
  model.net.params.dispose();
});
