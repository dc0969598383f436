import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend';
import {
  cosine,
  createGuidanceVectorRecorder,
  deltaCosines,
  deltaMagnitude,
  deltaNorms,
  deltaSpectra,
} from '../../src/analysis/guidance-vectors';
import { testBackend } from '../test-backend';

/** Returns a `[batch, 8, 8, 1]` tensor whose row b is `f(b, y, x)`. */
function field(batch: number, f: (b: number, y: number, x: number) => number, size = 8): tf.Tensor4D {
  const data = new Float32Array(batch * size * size);
  for (let b = 0; b < batch; b++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[(b * size + y) * size + x] = f(b, y, x);
  return tf.tensor4d(data, [batch, size, size, 1]);
}

describe('guidance vectors', () => {
  before(async () => {
    await initBackend(testBackend());
  });

  it('records only the scheduled evaluations and rows, as plain arrays', () => {
    const rec = createGuidanceVectorRecorder({ at: { sigmas: [2], steps: [2] }, rows: [2, 0] });
    const x = field(3, (b) => b + 10);
    for (const sigma of [4, 2, 1, 0.5]) {
      for (const term of [0, 1]) {
        const update = field(3, (b, y, xx) => sigma * 100 + term * 10 + b + 0 * y * xx);
        rec.onUpdate({ method: term === 0 ? 'cfg' : 'pag', term, sigma, x, update });
        update.dispose();
      }
    }
    const v = rec.vectors();
    assert.deepEqual(v.map((r) => [r.method, r.sigma, r.call]), [['cfg', 2, 1], ['pag', 2, 1], ['cfg', 1, 2], ['pag', 1, 2]]);
    assert.deepEqual(v[1].rows, [2, 0]);
    assert.deepEqual(v[1].shape, [8, 8, 1]);
    assert.equal(v[1].delta[0], 212);
    assert.equal(v[1].delta[64], 210);
    assert.equal(v[1].x[0], 12);
    assert.throws(() => createGuidanceVectorRecorder({ rows: [] }), /non-empty list of batch row indices ≥ 0; got \[\]/);
    assert.throws(() => createGuidanceVectorRecorder({ rows: [3] }).onUpdate({ method: 'cfg', term: 0, sigma: 1, x, update: x }), /row 3 is outside the batch of 3 rows/);
    x.dispose();
  });

  it('‖Δ‖ is the RMS over pixels; |Δ| maps it per pixel; cosines have their closed forms', () => {
    const rec = createGuidanceVectorRecorder();
    const x = field(2, () => 0);
    const update = field(2, (b, y, xx) => (b === 0 ? 3 : (y + xx) % 2 === 0 ? 2 : -2));
    rec.onUpdate({ method: 'cfg', term: 0, sigma: 1, x, update });
    const [v] = rec.vectors();
    assert.deepEqual(deltaNorms([v]).map((s) => s.value), [3, 2]);
    assert.deepEqual(Array.from(deltaMagnitude(v, 1)), new Array(64).fill(2));
    assert.equal(cosine([1, 0], [0, 5]), 0);
    assert.ok(Math.abs(cosine([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
    assert.ok(Math.abs(cosine([1, 2], [-1, -2]) + 1) < 1e-12);
    assert.ok(Number.isNaN(cosine([0, 0], [1, 1])));
    // Against itself every row has cosine 1; against the sign-flipped Δ −1; a zero reference row is left out.
    assert.deepEqual(deltaCosines([v], (u) => u.delta).map((s) => Math.round(s.value * 1e6) / 1e6), [1, 1]);
    assert.deepEqual(deltaCosines([v], (u) => u.delta.map((d) => -d)).map((s) => Math.round(s.value * 1e6) / 1e6), [-1, -1]);
    assert.deepEqual(deltaCosines([v], (u) => u.delta.map((d, i) => (i < 64 ? 0 : d))).map((s) => s.row), [1]);
    tf.dispose([x, update]);
  });

  it("Δ's radial spectrum puts a plane wave's power at its frequency", () => {
    const rec = createGuidanceVectorRecorder();
    const size = 16;
    const x = field(1, () => 0, size);
    const update = field(1, (_b, _y, xx) => Math.cos((2 * Math.PI * 4 * xx) / size), size);
    rec.onUpdate({ method: 'sag', term: 0, sigma: 1, x, update });
    const [s] = deltaSpectra(rec.vectors());
    assert.equal(s.frequency.length, size / 2 + 1);
    assert.equal(s.frequency[4], 0.25);
    const peak = s.power.indexOf(Math.max(...s.power));
    assert.equal(peak, 4);
    assert.ok(s.power[0] < 1e-9 && s.power[2] < 1e-9);
    tf.dispose([x, update]);
  });
});
