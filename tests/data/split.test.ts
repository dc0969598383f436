import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset, splitDataset, spreadSubset } from '../../src/data';

const ds = { count: 1000 };
const sortedUnique = (a: Int32Array) => a.every((v, i) => i === 0 || v > a[i - 1]);

test('split is a partition of all indices with the requested held-out size', () => {
  for (const [heldOut, want] of [[0.1, 100], [0.0004, 0], [0.5, 500], [37, 37], [0, 0], [1000, 1000]] as const) {
    const s = splitDataset(ds, { heldOut, seed: 7 });
    assert.equal(s.heldOut.length, want, `heldOut ${heldOut}`);
    assert.ok(sortedUnique(s.train) && sortedUnique(s.heldOut));
    assert.deepEqual(Array.from([...s.train, ...s.heldOut]).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  }
});

test('same seed gives the same split; another seed another; a larger held-out set contains a smaller one', () => {
  const a = splitDataset(ds, { heldOut: 0.2, seed: 1 });
  assert.deepEqual(splitDataset(ds, { heldOut: 0.2, seed: 1 }), a);
  const b = splitDataset(ds, { heldOut: 0.2, seed: 2 });
  // Two independent random 200-subsets of 1000 share 40 ± 5.7 on average; identical would be 200.
  const overlap = b.heldOut.filter((i) => a.heldOut.includes(i)).length;
  assert.ok(overlap < 80, `overlap ${overlap}`);
  const bigger = splitDataset(ds, { heldOut: 300, seed: 1 });
  assert.ok(a.heldOut.every((i) => bigger.heldOut.includes(i)));
  // Not simply the first or last indices.
  assert.ok(a.heldOut[0] < 100 && a.heldOut[a.heldOut.length - 1] > 900);
});

test('bad held-out sizes name the value and what is allowed', () => {
  for (const heldOut of [1.5, -1, 1001, Number.NaN]) {
    assert.throws(() => splitDataset(ds, { heldOut, seed: 0 }), new RegExp(`heldOut must be a fraction in \\(0, 1\\) or an integer count in 0..1000; got ${heldOut}`));
  }
});

test('spreadSubset: all indices when n is their count; otherwise a seeded ascending subset that reaches every MNIST class', async () => {
  const ds = await loadDataset('mnist');
  const { heldOut } = splitDataset(ds, { heldOut: 1000, seed: 0 });
  assert.equal(spreadSubset(heldOut, heldOut.length), heldOut);
  const prefixClasses = new Set(Array.from(heldOut.subarray(0, 200), (i) => ds.labels[i]));
  const sub = spreadSubset(heldOut, 200);
  const classes = new Set(Array.from(sub, (i) => ds.labels[i]));
  assert.ok(prefixClasses.size < 10, `the prefix already reaches ${prefixClasses.size} classes; the test would not tell`);
  assert.equal(classes.size, 10);
  assert.deepEqual(Array.from(sub), Array.from(sub).sort((a, b) => a - b));
  assert.equal(new Set(sub).size, 200);
  assert.ok(Array.from(sub).every((i) => heldOut.includes(i)));
  assert.deepEqual(spreadSubset(heldOut, 200), sub);
  assert.throws(() => spreadSubset(heldOut, 1001), /n must be an integer in 0\.\.1000; got 1001/);
});
