import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { cfg, guidedDenoiser, tsg } from '../../src/guidance';
import { createDenoiser, loadModel, saveModel } from '../../src/model';
import { MlpConfig, NULL_LABEL } from '../../src/model/denoiser';
import { exactDenoise } from '../../src/toy/exact';
import { pointDenoiser } from '../../src/toy/ode';
import { sampleData } from '../../src/toy/sample-data';
import { learnedDenoiser, toyModelConfig, trainToyModel } from '../../src/toy/train';
import { toyMixture } from '../../src/toy/tree';
import { TOY_MODELS, loadToyModels } from '../../src/toy/models';
import { Rng } from '../../src/random';
import { testBackend } from '../test-backend';

const m = toyMixture();
const size = { width: 32, depth: 2, embDim: 8 };
const train = (steps: number, seed = 1) => trainToyModel(m, size, { steps, batch: 128, lr: 3e-3, emaSigmaRel: 0.1, seed, logEvery: 10 });

/** Returns the mean squared error of D against the exact denoiser on noisy data points at σ. */
function denoiserError(d: (x: Float64Array, s: number, l: Int32Array) => Float64Array, sigma: number): number {
  const { points, labels } = sampleData(m, 500, 77);
  const rng = new Rng(78);
  const x = points.map((v) => v + sigma * rng.normal());
  const exact = exactDenoise(m, x, sigma, labels);
  return d(x, sigma, labels).reduce((a, v, i) => a + (v - exact[i]) ** 2, 0) / x.length;
}

describe('toy learned denoisers (point MLP)', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('trains deterministically from a seed and refuses bad options', () => {
    const [a, b, c] = [train(5), train(5), train(5, 2)];
    const values = (t: typeof a) => [...t.model.net.params.vars.values()].flatMap((v) => Array.from(v.dataSync()));
    assert.deepEqual(values(a), values(b));
    assert.notDeepEqual(values(a), values(c));
    for (const t of [a, b, c]) t.model.net.params.dispose();
    const bad = { steps: 0, batch: 8, lr: 1e-3, emaSigmaRel: 0.1, seed: 0 };
    assert.throws(() => trainToyModel(m, size, bad), /steps must be an integer ≥ 1; got 0/);
    assert.throws(() => createDenoiser({ ...toyModelConfig(m, size), embDim: 7 }), /embDim must be even/);
  });

  it('learns: after 400 steps its error against the exact denoiser is far below the untrained one', () => {
    const before0 = createDenoiser(toyModelConfig(m, size), 1);
    const trained = train(400);
    for (const sigma of [0.2, 0.5, 1]) {
      const [e0, e1] = [denoiserError(learnedDenoiser(before0), sigma), denoiserError(learnedDenoiser(trained.model), sigma)];
      assert.ok(e1 < 0.5 * e0, `σ ${sigma}: error ${e1} after training vs ${e0} before`);
    }
    assert.ok(trained.losses[trained.losses.length - 1][1] < trained.losses[0][1]);
    before0.net.params.dispose();
    trained.model.net.params.dispose();
  });

  it('round-trips through a checkpoint and runs in the project guidance engine (CFG, TSG)', async () => {
    const { model } = train(20);
    const dir = mkdtempSync(join(tmpdir(), 'toy-'));
    try {
      const path = join(dir, 'toy.safetensors');
      const weights = model.net.params.snapshot();
      await saveModel(path, toyModelConfig(m, size), weights, { steps: 20 }, 'F32');
      const loaded = await loadModel(path, { arch: 'mlp' });
      const x = Float64Array.from([0.1, 0.2, -0.3, 0.4]);
      const lab = Int32Array.from([0, 1]);
      assert.deepEqual(learnedDenoiser(loaded.model)(x, 0.5, lab), learnedDenoiser(model)(x, 0.5, lab));
      const guided = pointDenoiser(guidedDenoiser(model, [cfg({ gamma: 2 })], [0, 1], [0, 1]))(x, 0.5);
      const dc = learnedDenoiser(model)(x, 0.5, lab);
      const du = learnedDenoiser(model)(x, 0.5, Int32Array.from([NULL_LABEL, NULL_LABEL]));
      guided.forEach((v, i) => assert.ok(Math.abs(v - (dc[i] + 2 * (dc[i] - du[i]))) < 1e-5));
      const numTensors = tf.memory().numTensors;
      const t = pointDenoiser(guidedDenoiser(model, [tsg({ gamma: 1, s: 2, alpha: 0 })], [0, 1], [0, 1]))(x, 0.5);
      assert.equal(tf.memory().numTensors, numTensors);
      assert.ok(t.some((v, i) => Math.abs(v - dc[i]) > 1e-6));
      loaded.model.net.params.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.net.params.dispose();
    }
  });

  it("ships models of their specs' sizes whose error against the exact denoiser ranks strong < short, small < weak", async () => {
    const models = await loadToyModels();
    try {
      for (const spec of TOY_MODELS) {
        const config = models[spec.name].model.net.config as MlpConfig;
        const { width, depth, embDim } = spec.size;
        assert.deepEqual([config.arch, config.width, config.depth, config.embDim], ['mlp', width, depth, embDim]);
        assert.equal(models[spec.name].training.steps, spec.train.steps);
      }
      for (const sigma of [0.05, 0.2, 1]) {
        const e = Object.fromEntries(TOY_MODELS.map((spec) => [spec.name, denoiserError(learnedDenoiser(models[spec.name].model), sigma)]));
        assert.ok(e.strong < e.weak && e.short < e.weak && e.small < e.weak && e.strong < e.short, `σ ${sigma}: ${JSON.stringify(e)}`);
      }
    } finally {
      for (const m of Object.values(models)) m.model.net.params.dispose();
    }
    await assert.rejects(loadToyModels('/nonexistent-toy-dir', ['strong']), /no toy model "strong".*scripts\/train-toy.ts/);
  });
});
