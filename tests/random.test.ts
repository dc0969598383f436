import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../src/backend';
import { Rng, randomNormal, sampleNoise } from '../src/random';
import * as tf from '@tensorflow/tfjs-core';
import { testBackend } from './test-backend';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

test('same seed and keys give the same numbers, also after other generators were created and used', () => {
  const first = draw(new Rng(42, 3), 100);
  const others = [new Rng(42), new Rng(42, 4), new Rng(7, 3)];
  others.forEach((r) => r.normals(1000));
  const interleaved = new Rng(42, 3);
  const again: number[] = [];
  for (let i = 0; i < 100; i++) {
    again.push(interleaved.nextUint32());
    others[i % 3].normal();
  }
  assert.deepEqual(again, first);
  assert.deepEqual(Array.from(new Rng(42, 3).normals(64)), Array.from(new Rng(42, 3).normals(64)));
});

test('different seeds and keys give different streams', () => {
  const streams = [new Rng(0), new Rng(1), new Rng(0, 0), new Rng(0, 1), new Rng(1, 0), new Rng(0, 0, 0), new Rng(-1)].map((r) =>
    draw(r, 8).join(','),
  );
  assert.equal(new Set(streams).size, streams.length, 'seeds and keys differ');
  assert.throws(() => new Rng(1.5), /seed and keys must be integers; got 1.5/);
});

test('normal draws have mean 0, variance 1, the normal tail mass, and uncorrelated neighbours', () => {
  const n = 200_000;
  const x = new Rng(2024).normals(n);
  let sum = 0;
  let sq = 0;
  let tail = 0;
  let lag = 0;
  for (let i = 0; i < n; i++) {
    sum += x[i];
    sq += x[i] * x[i];
    if (Math.abs(x[i]) > 1.959964) tail++;
    if (i > 0) lag += x[i] * x[i - 1];
  }
  const mean = sum / n;
  const variance = sq / n - mean * mean;
  // Bounds are 5 standard errors for N(0, 1) data: SE(mean) = 1/√n, SE(variance) = √(2/n),
  // SE(tail fraction) = √(p(1−p)/n) with p = 0.05, SE(lag-1 correlation) = 1/√n. A correct generator
  // fails one of these with probability under 1e-5; the seed is fixed, so the test is deterministic.
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 5 * Math.sqrt(2 / n), `variance ${variance}`);
  assert.ok(Math.abs(tail / n - 0.05) < 5 * Math.sqrt((0.05 * 0.95) / n), `tail ${tail / n}`);
  assert.ok(Math.abs(lag / n) < 5 / Math.sqrt(n), `lag-1 correlation ${lag / n}`);
});

test('randomNormal and sampleNoise: shapes, streams, and rows that depend only on (seed, index)', async () => {
  await initBackend(testBackend());
  const t = randomNormal([2, 3], 5, 9);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(Array.from(t.dataSync()), Array.from(new Rng(5, 9).normals(6)));

  const all = sampleNoise([4, 4, 1], 11, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const some = sampleNoise([4, 4, 1], 11, [3, 7]);
  assert.deepEqual(all.shape, [10, 4, 4, 1]);
  assert.deepEqual(some.shape, [2, 4, 4, 1]);
  const a = all.dataSync();
  const s = some.dataSync();
  assert.deepEqual(Array.from(s.subarray(0, 16)), Array.from(a.subarray(3 * 16, 4 * 16)));
  assert.deepEqual(Array.from(s.subarray(16, 32)), Array.from(a.subarray(7 * 16, 8 * 16)));
  assert.notDeepEqual(Array.from(a.subarray(0, 16)), Array.from(a.subarray(16, 32)), 'rows differ');
  assert.notDeepEqual(Array.from(sampleNoise([4, 4, 1], 12, [3]).dataSync()), Array.from(s.subarray(0, 16)), 'seeds differ');
  tf.dispose([t, all, some]);
});

test('tensors are equal on the wasm and cpu backends', async () => {
  const make = () => [randomNormal([3, 5], 1, 2), sampleNoise([8, 8, 1], 3, [0, 5, 9])];
  assert.equal(await initBackend('wasm'), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  const onWasm = make().map((x) => Array.from(x.dataSync()));
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const onCpu = make().map((x) => Array.from(x.dataSync()));
  assert.deepEqual(onCpu, onWasm);
});
