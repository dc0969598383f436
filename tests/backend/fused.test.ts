import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import { groupNorm, groupNormCompact, groupNormOps } from '../../src/backend/fused';
import { GROUP_NORM } from '../../src/backend/wasm-fused';
import { Rng } from '../../src/random';
import { testBackend } from '../test-backend';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const maxOf = (a: ArrayLike<number>): number => Math.max(...Array.from(a, Math.abs));

/** Group normalisation in float64, straight from its definition: the independent truth for the forward pass. */
function groupNorm64(x: Float32Array, shape: number[], gamma: Float32Array, beta: Float32Array, groups: number, eps: number): Float64Array {
  const [b, c] = [shape[0], shape[shape.length - 1]];
  const s = x.length / (b * c);
  const cg = c / groups;
  const out = new Float64Array(x.length);
  for (let i = 0; i < b; i++) {
    for (let g = 0; g < groups; g++) {
      const at = (p: number, k: number) => (i * s + p) * c + g * cg + k;
      let mean = 0;
      for (let p = 0; p < s; p++) for (let k = 0; k < cg; k++) mean += x[at(p, k)] / (s * cg);
      let v = 0;
      for (let p = 0; p < s; p++) for (let k = 0; k < cg; k++) v += (x[at(p, k)] - mean) ** 2 / (s * cg);
      for (let p = 0; p < s; p++) {
        for (let k = 0; k < cg; k++) out[at(p, k)] = ((x[at(p, k)] - mean) / Math.sqrt(v + eps)) * gamma[g * cg + k] + beta[g * cg + k];
      }
    }
  }
  return out;
}

/** Returns the float64 sum of row-major `data` of `shape` over `axes`, the kept axes in order. */
function sum64(data: Float32Array, shape: number[], axes: number[]): Float64Array {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const out = new Float64Array(kept.reduce((n, i) => n * shape[i], 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < data.length; flat++) {
    out[kept.reduce((o, i) => o * shape[i] + index[i], 0)] += data[flat];
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
  return out;
}

describe('fused wasm kernels (group norm, Sum over outer axes, copy-free Identity)', () => {
  let fused = false;
  before(async () => {
    await initBackend(testBackend());
    fused = tf.getKernel(GROUP_NORM, tf.getBackend()) !== undefined;
  });
  const rng = new Rng(11);
  const normals = (n: number, scale = 1, offset = 0) => rng.normals(n).map((v) => v * scale + offset);

  it('group norm matches its float64 definition (|Δ| ≤ 2e-5 at unit scale) and the op chain, forward', () => {
    const shape = [3, 6, 5, 16];
    const size = shape.reduce((a, b) => a * b);
    const xData = normals(size, 3, 2); // a mean far from 0 and a large spread: catches one-pass variance and missing centring
    const [gData, bData] = [normals(16, 0.5, 1), normals(16, 0.3)];
    const [x, gamma, beta] = [tf.tensor(xData, shape), tf.tensor1d(gData), tf.tensor1d(bData)];
    const truth = groupNorm64(xData, shape, gData, bData, 4, 1e-5);
    const before = tf.memory().numTensors;
    const y = groupNorm(x, gamma, beta, 4);
    assert.equal(tf.memory().numTensors, before + 1, 'only the output is left');
    const ops = groupNormOps(x, gamma, beta, 4);
    const compact = groupNormCompact(x, gamma, beta, 4);
    assert.ok(maxAbs(y.dataSync(), truth) <= 2e-5, `fused vs float64: ${maxAbs(y.dataSync(), truth)}`);
    assert.ok(maxAbs(ops.dataSync(), truth) <= 2e-5, `ops vs float64: ${maxAbs(ops.dataSync(), truth)}`);
    assert.ok(maxAbs(compact.dataSync(), truth) <= 2e-5, `compact vs float64: ${maxAbs(compact.dataSync(), truth)}`);
    tf.dispose([x, gamma, beta, y, ops, compact]);
  });

  it("group norm gradients (dx, dγ, dβ), fused kernel and closed form, match the op chain's within 1e-5 of their scale", () => {
    const shape = [2, 8, 8, 32];
    const size = shape.reduce((a, b) => a * b);
    const x = tf.tensor(normals(size, 2, 1), shape);
    const gamma = tf.tensor1d(normals(32, 0.5, 1));
    const beta = tf.tensor1d(normals(32, 0.5));
    const w = tf.tensor(normals(size), shape); // a random cotangent, so no gradient is trivially zero
    type Norm = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, groups: number) => tf.Tensor;
    const loss = (f: Norm) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g as tf.Tensor1D, b as tf.Tensor1D, 8), w));
    const want = tf.grads(loss(groupNormOps))([x, gamma, beta]);
    for (const [label, norm] of [['closed form', groupNormCompact], ...(fused ? ([['fused kernel', groupNorm]] as const) : [])] as const) {
      const before = tf.memory().numTensors;
      const got = tf.grads(loss(norm))([x, gamma, beta]);
      assert.equal(tf.memory().numTensors, before + 3, `${label}: only the three gradients are left`);
      ['dx', 'dγ', 'dβ'].forEach((name, i) => {
        const [a, b] = [got[i].dataSync(), want[i].dataSync()];
        assert.ok(maxAbs(a, b) <= 1e-5 * Math.max(1, maxOf(b)), `${label} ${name}: ${maxAbs(a, b)} (scale ${maxOf(b)})`);
      });
      tf.dispose(got);
    }
    tf.dispose([x, gamma, beta, w, ...want]);
  });

  it('Sum over leading, middle and whole-prefix axes equals the float64 sum (keepDims too)', () => {
    const shape = [4, 5, 6, 3];
    const data = normals(4 * 5 * 6 * 3, 1, 0.5);
    const x = tf.tensor(data, shape);
    for (const [axes, keep, outShape] of [
      [[0, 1], false, [6, 3]],
      [[1, 2], true, [4, 1, 1, 3]],
      [[0, 1, 2], false, [3]],
    ] as const) {
      const s = tf.sum(x, [...axes], keep);
      assert.deepEqual(s.shape, outShape);
      const truth = sum64(data, shape, [...axes]);
      assert.ok(maxAbs(s.dataSync(), truth) <= 1e-4, `axes ${axes}: ${maxAbs(s.dataSync(), truth)}`);
      s.dispose();
    }
    x.dispose();
  });

  it('a clone (Identity) keeps its values after the original is disposed, and a variable assigned past it', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    const c = tf.clone(x);
    const v = tf.variable(c);
    x.dispose();
    const next = tf.tensor1d([7, 8, 9]);
    v.assign(next);
    next.dispose();
    assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
    assert.deepEqual(Array.from(v.dataSync()), [7, 8, 9]);
    tf.dispose([c, v]);
    assert.equal(tf.memory().numTensors, before - 1, 'every tensor made here freed, and x');
  });
});
