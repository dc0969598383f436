import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exactDenoiser } from '../../src/toy/exact';
import { arrows, densityMap, errorMap, gridHeight, gridPoints } from '../../src/toy/fields';
import { toyReference, toyScores } from '../../src/toy/metrics';
import { sampleData } from '../../src/toy/sample-data';
import { toyMixture } from '../../src/toy/tree';

const m = toyMixture();
const ref = toyReference(m, 2000, 50, 0.05);

describe('toy metrics and fields', () => {
  it('scores fresh exact samples as inside at the reference rate, with high precision and recall', () => {
    const n = 2000;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const s = toyScores(m, sampleData(m, n, 51, labels).points, labels, ref);
    // Binomial: 95% inside expected, standard error √(0.05·0.95/2000) ≈ 0.005.
    assert.ok(Math.abs(s.inside - 0.95) < 0.02, `inside ${s.inside}`);
    assert.ok(s.precision > 0.9 && s.recall > 0.9, `precision ${s.precision}, recall ${s.recall}`);
  });

  it('scores collapsed samples low on recall and far samples outside with a very low likelihood', () => {
    const n = 400;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const data = sampleData(m, n, 52, labels).points;
    // Every sample of a class replaced by (nearly) the same exact sample: inside, but no coverage.
    const collapsed = data.map((v, i) => data[i % 4] + 1e-4 * Math.sin(i));
    const c = toyScores(m, collapsed, labels, ref);
    assert.ok(c.recall < 0.05 && c.precision > 0.9, `collapsed: recall ${c.recall}, precision ${c.precision}`);
    const far = data.map((v) => v + 5);
    const f = toyScores(m, far, labels, ref);
    assert.equal(f.inside, 0);
    assert.ok(f.logLikelihood < -100 && f.precision === 0, `far: ${JSON.stringify(f)}`);
    assert.throws(() => toyScores(m, data.subarray(0, 8), labels.subarray(0, 4), ref), /precision and recall need more than k = 3/);
    assert.throws(() => toyReference(m, 100, 0, 1), /quantile must be in \(0, 1\); got 1/);
  });

  it('lays grids out row by row from the top, scales arrows to the longest, and maps densities and errors', () => {
    const g = gridPoints([0, 2, 0, 1], 2);
    assert.equal(gridHeight([0, 2, 0, 1], 2), 1);
    assert.deepEqual(Array.from(g), [0.5, 0.5, 1.5, 0.5]);
    assert.deepEqual(Array.from(gridPoints([0, 1, 0, 1], 1, 2)), [0.5, 0.75, 0.5, 0.25]);
    const a = arrows(Float64Array.from([0, 0, 1, 1]), Float64Array.from([3, 4, 0, -1]), 0.5);
    const expected = [
      [0, 0, 0.3, 0.4],
      [1, 1, 1, 0.9],
    ];
    a.forEach((r, i) =>
      [r.x, r.y, r.x2, r.y2].forEach((v, j) => {
        assert.ok(Math.abs(v - expected[i][j]) < 1e-12, `arrow ${i}: ${JSON.stringify(r)}`);
      }),
    );
    const d = densityMap(m, 0.1, 0, [-1.6, 1.6, -1.5, 1.2], 40);
    assert.equal(d.values.length, 40 * gridHeight([-1.6, 1.6, -1.5, 1.2], 40));
    assert.ok(Math.max(...d.values) === 1 && Math.min(...d.values) === 0);
    // A broad density (σ = 3) lies within 8 nats of its maximum everywhere on the grid: its falloff still spans 0…1.
    const broad = densityMap(m, 3, 0, [-1.6, 1.6, -1.5, 1.2], 20);
    assert.ok(Math.max(...broad.values) === 1 && Math.min(...broad.values) === 0);
    const e = exactDenoiser(m);
    assert.ok(errorMap(e, e, 0.3, 0, [-1, 1, -1, 1], 5, 2).values.every((v) => v === 0));
    // A denoiser off by (3, 4) everywhere is 5 away at every grid point.
    const shifted = (x: Float64Array, s: number, l: Int32Array) => e(x, s, l).map((v, i) => v + (i % 2 ? 4 : 3));
    assert.ok(errorMap(e, shifted, 0.3, 0, [-1, 1, -1, 1], 5, 2).values.every((v) => Math.abs(v - 5) < 1e-12));
    assert.throws(() => gridPoints([1, 0, 0, 1], 3), /must have xmin < xmax/);
  });
});
