import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { loadDataset, splitDataset, toTensor, type Dataset } from '../../src/data';
import { Autoencoder, type AutoencoderConfig } from '../../src/model/autoencoder';
import { loadCheckpoint } from '../../src/model/checkpoint';
import {
  DEFAULT_AUTOENCODER_TRAIN,
  autoencoderBatch,
  autoencoderLearningRate,
  autoencoderRunFiles,
  reconstructionLoss,
  trainAutoencoder,
  type AutoencoderTrainOptions,
} from '../../src/train/autoencoder';
import { testBackend } from '../test-backend';

const TINY: AutoencoderConfig = { arch: 'conv-autoencoder', imageSize: 32, channels: 1, widths: [4, 4], bottleneck: 8 };

describe('feature autoencoder training', () => {
  let ds: Dataset;
  let train: Int32Array;
  const options = (out: string, images: number): AutoencoderTrainOptions => ({
    ...DEFAULT_AUTOENCODER_TRAIN,
    out,
    config: TINY,
    images,
    batch: 8,
    warmup: 16,
    logEverySteps: 2,
    command: 'test',
  });

  before(async () => {
    process.env.GUIDANCE_LAB_QUIET = '1';
    await initBackend(testBackend());
    ds = await loadDataset('mnist');
    train = splitDataset(ds, { heldOut: 0.1, seed: 0 }).train.subarray(0, 64);
  });

  it('draws every train index once per epoch, in an order fixed by (seed, epoch)', () => {
    const epoch = (seed: number, first: number) =>
      Array.from({ length: 8 }, (_, s) => Array.from(autoencoderBatch(train, 8, seed, first + s))).flat();
    const e0 = epoch(0, 0);
    assert.deepEqual(
      [...e0].sort((a, b) => a - b),
      Array.from(train).sort((a, b) => a - b),
    );
    assert.deepEqual(epoch(0, 0), e0);
    assert.notDeepEqual(epoch(0, 8), e0, 'the second epoch is another permutation');
    assert.notDeepEqual(epoch(1, 0), e0, 'another seed is another order');
    assert.throws(() => autoencoderBatch(train.subarray(0, 5), 8, 0, 0), /5 images, fewer than one batch of 8/);
  });

  it('warms the learning rate up linearly, then decays it by a cosine to 10% of the peak', () => {
    assert.equal(autoencoderLearningRate(1, 0, 100, 10), 0.1 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(0))));
    assert.ok(Math.abs(autoencoderLearningRate(1, 99, 100, 10) - 0.1) < 1e-12);
    assert.ok(Math.abs(autoencoderLearningRate(2, 49.5, 100, 10) - 2 * 0.55) < 1e-12);
  });

  it('stopped after 5 steps and resumed, it ends bit-identical to an uninterrupted run of 12 steps', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'gl-ae-a-')), mkdtempSync(join(tmpdir(), 'gl-ae-b-'))];
    const whole = await trainAutoencoder(ds, train, options(a, 96));
    assert.deepEqual([whole.steps, whole.finished], [12, true]);
    const part = await trainAutoencoder(ds, train, { ...options(b, 96), maxSteps: 5 });
    assert.deepEqual([part.steps, part.finished], [5, false]);
    const rest = await trainAutoencoder(ds, train, options(b, 96));
    assert.deepEqual([rest.steps, rest.finished], [12, true]);
    const [fa, fb] = [await loadCheckpoint(autoencoderRunFiles.final(a)), await loadCheckpoint(autoencoderRunFiles.final(b))];
    for (const name of Object.keys(fa.tensors)) assert.deepEqual(fb.tensors[name].data, fa.tensors[name].data, name);
    // the resumed log holds each step once: steps 2, 4, …, 12
    const steps = (dir: string) =>
      readFileSync(autoencoderRunFiles.log(dir), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',')[0]));
    assert.deepEqual(steps(b), [2, 4, 6, 8, 10, 12]);
    assert.deepEqual(steps(a), steps(b));
  });

  it('refuses to resume with other settings, naming them', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gl-ae-c-'));
    await trainAutoencoder(ds, train, { ...options(out, 96), maxSteps: 1 });
    await assert.rejects(trainAutoencoder(ds, train, { ...options(out, 96), lr: 1e-4 }), /lr: saved 0.002, now 0.0001/);
    await assert.rejects(trainAutoencoder(ds, train, { ...options(out, 96), seed: 3 }), /seed: saved 0, now 3/);
    await assert.rejects(
      trainAutoencoder(ds, train, { ...options(out, 96), config: { ...TINY, bottleneck: 4 } }),
      /was trained with config/,
    );
  });

  it('lowers the reconstruction error of its training digits (60 steps on 64 digits)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gl-ae-d-'));
    const { images } = toTensor(ds, train);
    const fresh = new Autoencoder(TINY, 0);
    const initial = tf.tidy(() => reconstructionLoss(fresh, images).dataSync()[0]);
    fresh.params.dispose();
    await trainAutoencoder(ds, train, { ...options(out, 480), lr: 5e-3 });
    const trained = new Autoencoder(TINY, 0);
    trained.params.load((await loadCheckpoint(autoencoderRunFiles.final(out))).tensors);
    const after = tf.tidy(() => reconstructionLoss(trained, images).dataSync()[0]);
    trained.params.dispose();
    images.dispose();
    assert.ok(after < 0.6 * initial, `MSE ${initial.toFixed(4)} → ${after.toFixed(4)}`);
  });
});
