import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { multiplyTransposed, transpose } from '../../src/metrics/gram';
import { Rng } from '../../src/random';

function naive(p: Float64Array, m: number, q: Float64Array, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) c[i * n + j] += p[i * k + t] * q[j * k + t];
  return c;
}

describe('multiplyTransposed', () => {
  it('equals the triple loop for sizes that are not multiples of the block, across chunk boundaries', () => {
    const rng = new Rng(9);
    const [m, n, k] = [7, 10, 300];
    const p = Float64Array.from(rng.normals(m * k));
    const q = Float64Array.from(rng.normals(n * k));
    const c = multiplyTransposed(p, m, q, n, k);
    const e = naive(p, m, q, n, k);
    c.forEach((v, i) => assert.ok(Math.abs(v - e[i]) < 1e-10));
    const s = multiplyTransposed(p, m, p, m, k, true);
    const es = naive(p, m, p, m, k);
    s.forEach((v, i) => assert.ok(Math.abs(v - es[i]) < 1e-10));
    assert.deepEqual(Array.from(transpose(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3)), [1, 4, 2, 5, 3, 6]);
  });

  it('rejects mismatched sizes with the values', () => {
    assert.throws(() => multiplyTransposed(new Float64Array(6), 2, new Float64Array(6), 3, 3), /Q has 6 for \[3, 3\]/);
    assert.throws(
      () => multiplyTransposed(new Float64Array(6), 2, new Float64Array(9), 3, 3, true),
      /symmetric product needs m = n; got 2 and 3/,
    );
  });
});
