import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { Rng } from '../../src/random';

// Tests of guidance-lab's wasm kernels against tfjs's cpu kernels: wasm-only whatever GUIDANCE_LAB_BACKEND says.
before(async () => {
  await initBackend('wasm');
});

/** Runs f on both backends with the same inputs and returns the max abs difference of each output. */
async function compare(shapes: number[][], f: (...xs: tf.Tensor[]) => tf.Tensor[], seed = 1): Promise<number[]> {
  const rng = new Rng(seed);
  const inputs = shapes.map((s) => rng.normals(s.reduce((a, b) => a * b, 1)));
  const runOn = async (name: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
    await initBackend(name);
    return tf
      .tidy(() => f(...inputs.map((v, i) => tf.tensor(v, shapes[i]))))
      .map((t) => {
        const d = t.dataSync() as Float32Array;
        t.dispose();
        return d;
      });
  };
  const cpu = await runOn('cpu');
  const wasm = await runOn('wasm');
  return wasm.map((w, i) => {
    assert.equal(w.length, cpu[i].length);
    let m = 0;
    for (let j = 0; j < w.length; j++) m = Math.max(m, Math.abs(w[j] - cpu[i][j]));
    return m;
  });
}

test('matMul with every transpose and batch broadcast matches cpu', async () => {
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[4, 5, 7], [4, 7, 3], false, false],
    [[4, 5, 7], [4, 3, 7], false, true],
    [[4, 7, 5], [4, 7, 3], true, false],
    [[2, 3, 5, 7], [2, 3, 7, 6], false, false],
    [[4, 5, 7], [1, 7, 3], false, false],
    [[1, 5, 7], [4, 7, 3], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const [d] = await compare([sa, sb], (a, b) => [tf.matMul(a, b, ta, tb)]);
    assert.ok(d < 1e-4, `matMul ${sa} x ${sb} (tA=${ta}, tB=${tb}): max abs diff ${d}`);
  }
});

test('matMul gradients match cpu', async () => {
  const [da, db] = await compare(
    [
      [3, 6, 5],
      [3, 5, 4],
    ],
    (a, b) => {
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))));
      return g([a, b]);
    },
  );
  assert.ok(da < 1e-4 && db < 1e-4, `grad diffs ${da}, ${db}`);
});

test('conv2d gradients (filter and input) match cpu within 1e-4', async () => {
  type Shape4 = [number, number, number, number];
  const configs: Array<{ x: Shape4; w: Shape4; stride: number; pad: 'same' | 'valid' }> = [
    { x: [2, 8, 8, 3], w: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [2, 9, 7, 2], w: [3, 3, 2, 5], stride: 1, pad: 'valid' },
    { x: [2, 8, 8, 3], w: [3, 3, 3, 4], stride: 2, pad: 'same' },
    { x: [1, 6, 6, 4], w: [1, 1, 4, 2], stride: 1, pad: 'same' },
    { x: [2, 8, 8, 2], w: [2, 2, 2, 3], stride: 2, pad: 'valid' },
    { x: [2, 7, 9, 3], w: [2, 2, 3, 4], stride: 1, pad: 'same' }, // padding only below and right
    { x: [1, 5, 6, 2], w: [5, 3, 2, 3], stride: 1, pad: 'same' }, // a tall kernel: two padding rows each side
  ];
  for (const c of configs) {
    const outShape: number[] = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.w) as tf.Tensor4D, c.stride, c.pad).shape);
    // A random cotangent r: the gradients of sum(conv(x, w) · r) are exactly the two backprop kernels applied to r.
    const [dx, dw] = await compare([c.x, c.w, outShape], (x, w, r) => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)));
      return g([x, w]);
    });
    assert.ok(dx <= 1e-4, `conv2d ${JSON.stringify(c)}: dx max abs diff ${dx}`);
    assert.ok(dw <= 1e-4, `conv2d ${JSON.stringify(c)}: dw max abs diff ${dw}`);
  }
});

test('the filter gradient of a UNet-sized convolution matches cpu within 1e-5 of its scale (float32 sums over 8192 pixels)', async () => {
  const [x, w] = [[8, 32, 32, 16] as const, [3, 3, 16, 8] as const];
  const rng = new Rng(3);
  const r = rng.normals(8 * 32 * 32 * 8);
  const [dw] = await compare([[...x], [...w]], (a, b) => {
    const g = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'same'), tf.tensor(r, [8, 32, 32, 8]))),
    );
    return [g([a, b])[1]];
  });
  // Each entry sums 8192 products of unit normals: about 90 in size.
  assert.ok(dw <= 1e-5 * 90 * 4, `dw max abs diff ${dw}`);
});

test('slice matches cpu on every axis pattern', async () => {
  const x = [3, 4, 5, 6];
  const cases: Array<[number[], number[]]> = [
    [
      [0, 0, 0, 0],
      [3, 4, 5, 6],
    ],
    [
      [1, 0, 0, 0],
      [2, 4, 5, 6],
    ],
    [
      [0, 1, 2, 0],
      [3, 2, 3, 6],
    ],
    [
      [0, 0, 0, 2],
      [3, 4, 5, 3],
    ],
    [
      [2, 3, 4, 5],
      [1, 1, 1, 1],
    ],
  ];
  for (const [b, s] of cases) {
    const [d] = await compare([x], (t) => [tf.slice(t, b, s)]);
    assert.equal(d, 0, `slice begin ${b} size ${s}`);
  }
});
