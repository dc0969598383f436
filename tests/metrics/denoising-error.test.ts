import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { denoisingErrors } from '../../src/metrics';
import { createDenoiser } from '../../src/model/factory';
import { Rng } from '../../src/random';
import { TINY_UNET, tinyModel } from '../guidance/helpers';
import { testBackend } from '../test-backend';

before(async () => {
  await initBackend(testBackend());
});

const SIGMAS = [0.1, 1, 5];

test('a fresh network (zero output layer) has the closed-form error of D = c_skip·(y + σn); chunking changes nothing', () => {
  // A fresh denoiser's F is 0, so D(y + σn; σ) = c_skip(σ)·(y + σn) with c_skip = σ_d²/(σ² + σ_d²), σ_d = 0.5, and
  // λ(σ)·MSE = (σ² + σ_d²)/(σσ_d)² · mean((c_skip·(y + σn) − y)²), computed here in plain numbers.
  const model = createDenoiser(TINY_UNET, 1);
  const y = Array.from(new Rng(3).normals(5 * 32 * 32), (v) => Math.tanh(v));
  const n = new Rng(4).normals(5 * 32 * 32);
  const images = tf.tensor4d(y, [5, 32, 32, 1]);
  const noise = tf.tensor4d(n, [5, 32, 32, 1]);
  const labels = [0, 1, 2, 3, 4];
  const expected = SIGMAS.map((s) => {
    const cSkip = 0.25 / (s * s + 0.25);
    const mse = y.reduce((acc, v, i) => acc + (cSkip * (v + s * n[i]) - v) ** 2, 0) / y.length;
    return ((s * s + 0.25) / (s * 0.5) ** 2) * mse;
  });
  const whole = denoisingErrors(model, images, labels, SIGMAS, noise, 5);
  const chunked = denoisingErrors(model, images, labels, SIGMAS, noise, 2);
  whole.forEach((e, i) =>
    assert.ok(Math.abs(e - expected[i]) < 1e-4 * expected[i], `σ = ${SIGMAS[i]}: ${e} vs closed form ${expected[i]}`),
  );
  chunked.forEach((e, i) =>
    assert.ok(Math.abs(e - whole[i]) < 1e-5 * whole[i], `σ = ${SIGMAS[i]}: chunks of 2 give ${e}, one chunk ${whole[i]}`),
  );
  tf.dispose([images, noise]);
  model.net.params.dispose();
});

test('bad input is refused naming the value, before any tensor is made', () => {
  const model = tinyModel(TINY_UNET, 2);
  const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
  const small = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  assert.throws(() => denoisingErrors(model, images, [0], SIGMAS, images), /1 labels for 2 images/);
  assert.throws(() => denoisingErrors(model, images, [0, 1], [0], images), /every σ must be a finite number > 0; got 0/);
  assert.throws(() => denoisingErrors(model, images, [0, 1], SIGMAS, small), /noise \[1, 32, 32, 1\] must have the images' shape/);
  assert.throws(() => denoisingErrors(model, images, [0, 1], SIGMAS, images, 0), /chunk must be an integer ≥ 1; got 0/);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([images, small]);
  model.net.params.dispose();
});
