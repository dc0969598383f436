/** Colour scales robust to one outlier cell: the attention maps' top is the 99th percentile when the maximum is far above it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { robustTop } from '../../src/viz/summary';
import { attentionGrid } from '../../src/viz';
import { assertValidVegaLite } from './helpers';

test('robustTop: the maximum unless it exceeds 1.5× the 99th percentile (nearest rank)', () => {
  const ramp = Array.from({ length: 200 }, (_, i) => 1 + i / 200); // 1 … 1.995, max/p99 < 1.5
  assert.deepEqual(robustTop(ramp), { top: 1.995, clipped: false });
  const outlier = [...Array.from({ length: 199 }, () => 1), 33];
  // 99th percentile of 200 values by nearest rank: the 198th smallest, 1.
  assert.deepEqual(robustTop(outlier), { top: 1, clipped: true });
  assert.deepEqual(robustTop([0, 0, 0]), { top: 0, clipped: false });
  assert.throws(() => robustTop([]), /values is empty/);
});

test('attentionGrid clips its colour scale at the 99th percentile when one cell is an outlier, and says so in the legend', () => {
  const values = Array.from({ length: 256 }, (_, i) => (i === 17 ? 33 : 0.5 + (i % 7) / 7));
  const spec = attentionGrid([{ layer: 'mid.attn', head: 0, values, height: 16, width: 16 }], { kind: 'received' });
  assertValidVegaLite(spec);
  const colour = (
    spec as unknown as { spec: { layer: { encoding: { color: { title: string[]; scale: { domain: number[]; clamp: boolean } } } }[] } }
  ).spec.layer[0].encoding.color;
  assert.equal(colour.scale.clamp, true);
  // Values 0.5 + k/7 (k = 0…6) and one 33: the 254th of 256 sorted values is 0.5 + 6/7.
  assert.deepEqual(colour.scale.domain, [0, 1.357]); // cell values carry 4 significant digits
  assert.match(colour.title.join(' '), /≥ 1\.36: brightest/);
  const plain = attentionGrid([{ layer: 'mid.attn', head: 0, values: values.map((v) => Math.min(v, 2)), height: 16, width: 16 }], {
    kind: 'received',
  });
  const plainColour = (plain as unknown as { spec: { layer: { encoding: { color: { scale: { domain?: number[] } } } }[] } }).spec.layer[0]
    .encoding.color;
  assert.equal(plainColour.scale.domain, undefined);
});

test('attentionGrid titles its rows "layer" unless told what the rows are', () => {
  const map = { layer: 'σ = 2', head: 0, values: new Array(16).fill(1), height: 4, width: 4 };
  const rowTitle = (spec: unknown) => (spec as { facet: { row: { title: string } } }).facet.row.title;
  assert.equal(rowTitle(attentionGrid([map])), 'layer');
  assert.equal(rowTitle(attentionGrid([map], { rowTitle: 'noise level' })), 'noise level');
});
