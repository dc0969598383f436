import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sinCosPositions } from '../../src/model/dit';

test('sine-cosine positions: closed-form entries, unit (sin, cos) pairs, distinct tokens', () => {
  const grid = 8;
  const width = 128;
  const q = width / 4;
  const table = sinCosPositions(grid, width);
  assert.equal(table.length, grid * grid * width);
  // token (r=3, c=5), frequency k=2: row sine/cosine then column sine/cosine of position·10000^(−k/q)
  const base = (3 * grid + 5) * width;
  const omega = Math.pow(10000, -2 / q);
  assert.ok(Math.abs(table[base + 2] - Math.sin(3 * omega)) < 1e-6);
  assert.ok(Math.abs(table[base + q + 2] - Math.cos(3 * omega)) < 1e-6);
  assert.ok(Math.abs(table[base + 2 * q + 2] - Math.sin(5 * omega)) < 1e-6);
  assert.ok(Math.abs(table[base + 3 * q + 2] - Math.cos(5 * omega)) < 1e-6);
  const seen = new Set<string>();
  for (let t = 0; t < grid * grid; t++) {
    let sq = 0;
    for (let i = 0; i < width; i++) sq += table[t * width + i] ** 2;
    assert.ok(Math.abs(sq - width / 2) < 1e-4, `token ${t}: squared norm ${sq}, expected ${width / 2}`);
    seen.add(Array.from(table.subarray(t * width, (t + 1) * width), (v) => v.toFixed(5)).join());
  }
  assert.equal(seen.size, grid * grid, 'every token has its own position code');
  assert.throws(() => sinCosPositions(4, 30), /width 30 must be a multiple of 4/);
});
