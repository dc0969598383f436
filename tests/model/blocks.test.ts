import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import type { Denoiser } from '../../src/model/denoiser';
import { BlockHook, BlockInfo, runBlock, skipBlock } from '../../src/model/blocks';
import { TINY_DIT, TINY_UNET, input, maxDiff, tinyModel } from '../guidance/helpers';
import { testBackend } from '../test-backend';

/** Returns a hook that keeps a copy of what the block computes on (and changes nothing). */
function inputSpy(seen: tf.Tensor[]): BlockHook {
  return { input: (x) => (seen.push(tf.keep(x.clone())), x) };
}

describe('block hooks', () => {
  let unet: Denoiser;
  let dit: Denoiser;
  before(async () => {
    await initBackend(testBackend());
    unet = tinyModel(TINY_UNET, 3);
    dit = tinyModel(TINY_DIT, 4);
  });

  it('runBlock applies hooks only on their rows and leaves the other rows to the block', () => {
    const block: BlockInfo = { name: 'b', residual: true };
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const double = (t: tf.Tensor2D): tf.Tensor2D => t.mul(2);
    const out = runBlock(block, x, double, { b: [{ hook: skipBlock, rows: [1, 3] }] });
    assert.deepEqual(Array.from(out.dataSync()), [2, 4, 3, 4, 5, 6, 14, 16]);
    const negate: BlockHook = { input: (t) => t.neg() };
    const both = runBlock(block, x, double, {
      b: [
        { hook: negate, rows: [0, 1] },
        { hook: skipBlock, rows: [3, 4] },
      ],
    });
    assert.deepEqual(Array.from(both.dataSync()), [-2, -4, 6, 8, 10, 12, 7, 8]);
    assert.throws(
      () =>
        runBlock(block, x, double, {
          b: [
            { hook: skipBlock, rows: [0, 2] },
            { hook: skipBlock, rows: [1, 3] },
          ],
        }),
      /two block hooks on b overlap on rows \[1, 2\)/,
    );
    assert.throws(
      () => runBlock(block, x, double, { b: { hook: skipBlock, rows: [2, 5] } }),
      /rows \[2, 5\) on block b are outside the batch \[0, 4\)/,
    );
    assert.throws(
      () => runBlock(block, x, (t) => t.slice([0, 0], [-1, 1]), { b: skipBlock }),
      /block b maps \[4,2\] to \[4,1\]; only a block that keeps its input's shape can be skipped/,
    );
    tf.dispose([x, out, both]);
  });

  it("a skipped UNet block's output equals its input: the next block sees exactly what the skipped one was given", () => {
    const x = input(2, 2);
    const intoAttn: tf.Tensor[] = [];
    const intoNext: tf.Tensor[] = [];
    const d = unet.denoise(
      x,
      2,
      { labels: [1, 5] },
      { blocks: { 'mid.attn': { output: skipBlock.output, input: inputSpy(intoAttn).input }, 'mid.res.1': inputSpy(intoNext) } },
    );
    assert.deepEqual(intoNext[0].dataSync(), intoAttn[0].dataSync());
    // …and the block does change its input when it runs (the check above can fail).
    const plain: tf.Tensor[] = [];
    const plainNext: tf.Tensor[] = [];
    const p = unet.denoise(x, 2, { labels: [1, 5] }, { blocks: { 'mid.attn': inputSpy(plain), 'mid.res.1': inputSpy(plainNext) } });
    assert.ok(maxDiff(plainNext[0], plain[0]) > 1e-4);
    assert.ok(maxDiff(d, p) > 1e-5, 'skipping mid.attn changes D');
    tf.dispose([x, d, p, ...intoAttn, ...intoNext, ...plain, ...plainNext]);
  });

  it('a skipped DiT block passes its tokens on unchanged; a spy hook changes nothing', () => {
    const x = input(2, 2);
    const into0: tf.Tensor[] = [];
    const into1: tf.Tensor[] = [];
    const labels = [3, 8];
    const d = dit.denoise(x, 1, { labels }, { blocks: { 'blocks.0': { ...skipBlock, ...inputSpy(into0) }, 'blocks.1': inputSpy(into1) } });
    assert.deepEqual(into1[0].dataSync(), into0[0].dataSync());
    const spied = dit.denoise(x, 1, { labels }, { blocks: { 'blocks.0': inputSpy([]), 'blocks.1.attn': inputSpy([]) } });
    const plain = dit.denoise(x, 1, { labels });
    assert.deepEqual(spied.dataSync(), plain.dataSync());
    assert.ok(maxDiff(d, plain) > 1e-5);
    tf.dispose([x, d, spied, plain, ...into0, ...into1]);
  });

  it("skipping a DiT block's attention branch keeps the block's MLP: it differs from skipping the whole block", () => {
    const x = input(1, 2);
    const labels = [4];
    const attnSkipped = dit.denoise(x, 1, { labels }, { blocks: { 'blocks.1.attn': skipBlock } });
    const blockSkipped = dit.denoise(x, 1, { labels }, { blocks: { 'blocks.1': skipBlock } });
    const plain = dit.denoise(x, 1, { labels });
    assert.ok(maxDiff(attnSkipped, plain) > 1e-5);
    assert.ok(maxDiff(attnSkipped, blockSkipped) > 1e-5);
    tf.dispose([x, attnSkipped, blockSkipped, plain]);
  });

  it('a skip bound to some rows changes only those rows, as the same skip on those rows alone', () => {
    const x = input(3, 2);
    const labels = [1, 2, 3];
    const bound = unet.denoise(x, 2, { labels }, { blocks: { 'mid.res.0': { hook: skipBlock, rows: [1, 2] } } });
    const plain = unet.denoise(x, 2, { labels });
    const alone = unet.denoise(x.slice(1, 1), 2, { labels: [2] }, { blocks: { 'mid.res.0': skipBlock } });
    const row = (t: tf.Tensor, i: number): tf.Tensor => t.slice(i, 1);
    for (const i of [0, 2]) assert.ok(maxDiff(row(bound, i), row(plain, i)) < 1e-6, `row ${i}`);
    assert.ok(maxDiff(row(bound, 1), alone) < 1e-5);
    assert.ok(maxDiff(row(bound, 1), row(plain, 1)) > 1e-5);
    tf.dispose([x, bound, plain, alone]);
  });

  it('lists the blocks of both architectures and names the valid ones on a bad name', () => {
    const names = unet.blocks.map((b) => b.name);
    assert.deepEqual(names.slice(0, 4), ['down.0.res.0', 'down.1.res.0', 'down.1.attn', 'down.2.res.0']);
    assert.ok(names.includes('mid.attn') && names.includes('up.0.res.1'));
    assert.equal(unet.blocks.find((b) => b.name === 'down.1.res.0')?.residual, false, '8 → 16 channels');
    assert.equal(unet.blocks.find((b) => b.name === 'down.0.res.0')?.residual, true);
    assert.deepEqual(
      dit.blocks.map((b) => b.name),
      ['blocks.0', 'blocks.0.attn', 'blocks.1', 'blocks.1.attn'],
    );
    const x = input(1);
    assert.throws(
      () => dit.denoise(x, 1, { labels: [0] }, { blocks: { 'blocks.7': skipBlock } }),
      /unknown block "blocks.7"; blocks: blocks.0, blocks.0.attn, blocks.1, blocks.1.attn/,
    );
    x.dispose();
  });
});
