import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cosine, deltaCosines, deltaMagnitude, deltaNorms, deltaSpectra, type GuidanceVector } from '../../src/analysis/guidance-vectors';

/** Returns a vector of `n` samples `[n, size, size, 1]` whose sample b is `f(b, y, x)`, as the recorder keeps it. */
function vectorOf(n: number, f: (b: number, y: number, x: number) => number, size = 8): GuidanceVector {
  const delta = new Float32Array(n * size * size);
  for (let b = 0; b < n; b++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) delta[(b * size + y) * size + x] = f(b, y, x);
  return {
    method: 'cfg',
    term: 0,
    gamma: 1,
    sigma: 1,
    step: 0,
    indices: Array.from({ length: n }, (_, i) => i),
    shape: [size, size, 1],
    delta,
    x: null,
  };
}

describe('guidance-vector analysis', () => {
  it('‖Δ‖ is the RMS over pixels; |Δ| maps it per pixel; cosines have their closed forms', () => {
    const v = vectorOf(2, (b, y, xx) => (b === 0 ? 3 : (y + xx) % 2 === 0 ? 2 : -2));
    assert.deepEqual(
      deltaNorms([v]).map((s) => s.value),
      [3, 2],
    );
    assert.deepEqual(Array.from(deltaMagnitude(v, 1)), new Array(64).fill(2));
    assert.equal(cosine([1, 0], [0, 5]), 0);
    assert.ok(Math.abs(cosine([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
    assert.ok(Math.abs(cosine([1, 2], [-1, -2]) + 1) < 1e-12);
    assert.ok(Number.isNaN(cosine([0, 0], [1, 1])));
    const rounded = (ref: (u: GuidanceVector) => Float32Array | undefined) =>
      deltaCosines([v], ref).map((s) => [s.sample, Math.round(s.value * 1e6) / 1e6]);
    assert.deepEqual(
      rounded((u) => u.delta),
      [
        [0, 1],
        [1, 1],
      ],
    );
    assert.deepEqual(
      rounded((u) => u.delta.map((d) => -d)),
      [
        [0, -1],
        [1, -1],
      ],
    );
    assert.deepEqual(
      rounded((u) => u.delta.map((d, i) => (i < 64 ? 0 : d))),
      [[1, 1]],
      'a zero reference row has no direction',
    );
    assert.deepEqual(
      rounded(() => undefined),
      [],
    );
  });

  it("Δ's radial spectrum puts a plane wave's power at its frequency", () => {
    const size = 16;
    const [s] = deltaSpectra([vectorOf(1, (_b, _y, xx) => Math.cos((2 * Math.PI * 4 * xx) / size), size)]);
    assert.equal(s.frequency.length, size / 2 + 1);
    assert.equal(s.frequency[4], 0.25);
    assert.equal(s.power.indexOf(Math.max(...s.power)), 4);
    assert.ok(s.power[0] < 1e-9 && s.power[2] < 1e-9);
  });
});
