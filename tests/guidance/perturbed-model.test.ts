import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Denoiser, NULL_LABEL } from '../../src/model/denoiser';
import { permutedOutputProcessor, temperatureProcessor } from '../../src/model/attention/processors';
import { skipBlock } from '../../src/model/blocks';
import { cfg, erg, guidedDenoiser, guidanceTerm, sample, slg, tokenOrders, tpg } from '../../src/guidance';
import type { GuidanceTerm } from '../../src/guidance';
import { TINY_DIT, TINY_UNET, input, maxDiff, tinyModel } from './helpers';
import { testBackend } from '../test-backend';

describe('guidance by a perturbed model: slg, tpg, erg', () => {
  let dit: Denoiser;
  let unet: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    dit = tinyModel(TINY_DIT, 1);
    unet = tinyModel(TINY_UNET, 6);
  });

  it('γ = 0 gives bit-identical samples to unguided sampling; γ > 0 changes them (both architectures)', async () => {
    for (const m of [dit, unet]) {
      const opts = { model: m, steps: 3, labels: [3, 7], seed: 4 };
      const plain = await sample(opts);
      for (const make of [(g: number) => slg({ gamma: g }), (g: number) => tpg({ gamma: g }), (g: number) => erg({ gamma: g })]) {
        const zero = await sample({ ...opts, guidance: [make(0)] });
        assert.deepEqual(zero.dataSync(), plain.dataSync(), `${make(0).method} γ = 0 on ${m.config.arch}`);
        const guided = await sample({ ...opts, guidance: [make(1)] });
        assert.ok(maxDiff(guided, plain) > 1e-4, `${make(1).method} had no effect on ${m.config.arch}`);
        tf.dispose([zero, guided]);
      }
      plain.dispose();
    }
  });

  it('each negative is the model perturbed as its paper says, batched with the positive and stacked with CFG', () => {
    for (const m of [dit, unet]) {
      const x = input(2, 3);
      const labels = [2, 9];
      const indices = [10, 11];
      const sigma = 3;
      const layer = m.config.arch === 'dit' ? 'blocks.1.attn' : 'mid.attn';
      const block = m.config.arch === 'dit' ? 'blocks.1' : 'mid.attn';
      const terms: GuidanceTerm[] = [
        cfg({ gamma: 1.5 }),
        slg({ gamma: 2 }),
        tpg({ gamma: 0.5, seed: 3 }),
        erg({ gamma: 1, temperature: 4 }),
      ];
      const out = guidedDenoiser(m, terms, labels, indices)(x, sigma);
      const want = tf.tidy(() => {
        const pos = m.denoise(x, sigma, { labels });
        const uncond = m.denoise(x, sigma, { labels: [NULL_LABEL, NULL_LABEL] });
        const skipped = m.denoise(x, sigma, { labels }, { blocks: { [block]: skipBlock } });
        const orders = tokenOrders(m, [layer], 3, indices, sigma).map((row) => row[0]);
        const shuffled = m.denoise(x, sigma, { labels }, { processors: { [layer]: permutedOutputProcessor(orders) } });
        const hot = m.denoise(x, sigma, { labels }, { processors: { [layer]: temperatureProcessor(4) } });
        return pos.add(pos.sub(uncond).mul(1.5)).add(pos.sub(skipped).mul(2)).add(pos.sub(shuffled).mul(0.5)).add(pos.sub(hot).mul(1));
      });
      const scale = tf.tidy(() => tf.max(tf.abs(want)).dataSync()[0]);
      assert.ok(maxDiff(out, want) < 1e-5 * Math.max(1, scale), `${m.config.arch}: ${maxDiff(out, want)}`);
      tf.dispose([x, out, want]);
    }
  });

  it('neutral settings are unguided: temperature 1, empty layer and block lists', () => {
    for (const m of [dit, unet]) {
      const x = input(2, 2);
      const labels = [1, 4];
      const pos = m.denoise(x, 2, { labels });
      for (const term of [
        erg({ gamma: 3, temperature: 1 }),
        tpg({ gamma: 3, layers: [] }),
        slg({ gamma: 3, blocks: [] }),
        erg({ gamma: 3, layers: [] }),
      ]) {
        const out = guidedDenoiser(m, [term], labels, [0, 1])(x, 2);
        assert.ok(maxDiff(out, pos) < 1e-5, `${term.method} on ${m.config.arch}: ${maxDiff(out, pos)}`);
        out.dispose();
      }
      tf.dispose([x, pos]);
    }
  });

  it("TPG's shuffles depend only on (seed, sample index, σ): a sample is the same alone or in a batch", async () => {
    const a = tokenOrders(dit, ['blocks.0.attn', 'blocks.1.attn'], 5, [3, 8], 1.5);
    const b = tokenOrders(dit, ['blocks.0.attn', 'blocks.1.attn'], 5, [8], 1.5);
    assert.deepEqual(b[0], a[1]);
    assert.notDeepEqual(a[0][0], a[1][0], 'rows get their own permutation');
    assert.notDeepEqual(a[0][0], a[0][1], 'layers get their own permutation');
    assert.notDeepEqual(tokenOrders(dit, ['blocks.0.attn'], 5, [8], 1.4)[0][0], b[0][0], 'σ changes the draw');
    const opts = { model: dit, steps: 2, labels: [3, 7, 1], seed: 2, guidance: [tpg({ gamma: 2, seed: 5 })] };
    const batched = await sample({ ...opts, batchSize: 3 });
    const single = await sample({ ...opts, batchSize: 1 });
    assert.ok(maxDiff(batched, single) < 1e-5, `${maxDiff(batched, single)}`);
    tf.dispose([batched, single]);
  });

  it('no tensor leaks: a guided evaluation leaves only its output, also when a hook throws', () => {
    const x = input(2, 2);
    const labels = [1, 4];
    const f = guidedDenoiser(
      unet,
      [slg({ gamma: 1, blocks: ['mid.res.0', 'mid.attn'] }), tpg({ gamma: 1 }), erg({ gamma: 1 })],
      labels,
      [0, 1],
    );
    f(x, 2).dispose();
    const before = tf.memory().numTensors;
    const out = f(x, 2);
    assert.equal(tf.memory().numTensors, before + 1);
    out.dispose();
    const broken = guidedDenoiser(unet, [slg({ gamma: 1, blocks: ['mid.attn'] })], labels, [0, 1]);
    const wrongShape = { input: (t: tf.Tensor) => t.slice(0, 1) };
    assert.throws(
      () => unet.denoise(x, 2, { labels }, { blocks: { 'mid.attn': wrongShape } }),
      /block hook input on mid.attn returned shape \[1,8,8,16\], expected \[2,8,8,16\]/,
    );
    broken(x, 2).dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });

  it('bad values: unknown or unskippable blocks and layers list the valid ones; temperatures must be > 0', () => {
    assert.throws(
      () => slg({ blocks: ['mid.nope'] }).check(unet),
      /slg: unknown block "mid.nope"; blocks that can be skipped: down.0.res.0, down.1.attn, /,
    );
    assert.throws(
      () => slg({ blocks: ['down.1.res.0'] }).check(unet),
      /slg: block "down.1.res.0" changes its input's shape and cannot be skipped; blocks that can be: down.0.res.0/,
    );
    assert.throws(
      () => slg({ blocks: ['mid.attn'] }).check(dit),
      /unknown block "mid.attn"; blocks that can be skipped: blocks.0, blocks.0.attn, blocks.1, blocks.1.attn/,
    );
    assert.throws(
      () => tpg({ layers: ['blocks.9.attn'] }).check(dit),
      /tpg: unknown attention layer "blocks.9.attn"; layers: blocks.0.attn, blocks.1.attn/,
    );
    assert.throws(() => erg({ layers: ['x'] }).check(unet), /erg: unknown attention layer "x"; layers: down.1.attn, down.2.attn, mid.attn/);
    assert.throws(() => erg({ temperature: 0 }), /erg: temperature τ must be a finite number > 0 \(1 = unperturbed\); got 0/);
    assert.throws(() => erg({ temperature: -2 }), /got -2/);
    assert.throws(() => slg({ gamma: -1 }), /slg: γ must be a finite number ≥ 0; got -1/);
    assert.throws(() => tpg({ seed: 1.5 }), /tpg: option seed must be an integer; got 1.5/);
    assert.throws(
      () => guidanceTerm('slg', { layers: ['mid.attn'] }),
      /slg: unknown option "layers"; slg options: gamma, interval, blocks/,
    );
    assert.throws(
      () => slg({ blocks: 'mid.attn' as never }),
      /slg: option blocks must be a list of block names \(e.g. \["mid.res.0"\]\); got "mid.attn"/,
    );
  });
});
