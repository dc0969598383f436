import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  balancedFloor,
  balancedPrecisionRecall,
  extrapolateInverseN,
  fidInfinity,
  kid,
  precisionRecall,
  realVsReal,
} from '../../src/metrics';
import { Rng } from '../../src/random';
import { makeRuns } from './stats-helpers';

const gaussian = (n: number, d: number, shift = 0, seed = 3) => ({
  rows: makeRuns([seed], n, d, (rng) => Array.from(rng.normals(d), (v) => v + shift))[0].rows,
  space: 'test-space',
});

describe('extrapolateInverseN', () => {
  it('is exact on values a + b/N (intercept a, slope b, zero residual)', () => {
    const fit = extrapolateInverseN([500, 700, 1000, 2000, 5000].map((n) => ({ n, value: 1.7 + 240 / n })));
    assert.ok(Math.abs(fit.intercept - 1.7) < 1e-12 && Math.abs(fit.slope - 240) < 1e-9 && fit.residual < 1e-12);
  });

  it('refuses fewer than 2 distinct N and non-finite values', () => {
    assert.throws(
      () =>
        extrapolateInverseN([
          { n: 100, value: 1 },
          { n: 100, value: 2 },
        ]),
      /≥ 2 distinct N; got N = \[100,100\]/,
    );
    assert.throws(
      () =>
        extrapolateInverseN([
          { n: 100, value: NaN },
          { n: 200, value: 2 },
        ]),
      /point 0: N = 100, value = NaN/,
    );
  });
});

describe('fidInfinity', () => {
  it('removes most of the small-N bias: samples of N(0, I) in 16 dims against the exact reference (true FID 0)', () => {
    const d = 16;
    const identity = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
    const reference = { stats: { mu: new Array(d).fill(0), sigma: identity, n: 1e9 }, space: 'test-space' };
    const r = fidInfinity(gaussian(800, d), reference, { ns: [100, 150, 200, 400, 800], repeats: 8 });
    const atFull = r.points[r.points.length - 1].fid;
    assert.ok(r.points[0].fid > 2 * atFull, 'FID falls with N');
    assert.ok(r.slope > 0);
    assert.ok(Math.abs(r.fidInfinity) < 0.3 * atFull, `FID∞ ${r.fidInfinity}, FID at 800 ${atFull}, truth 0`);
  });

  it('refuses a reference of another feature space', () => {
    const reference = { stats: { mu: [0], sigma: [[1]], n: 10 }, space: 'other' };
    assert.throws(() => fidInfinity(gaussian(20, 1), reference), /different spaces \("test-space" and "other"\)/);
  });
});

describe('realVsReal', () => {
  it('KID of two real sets is ≈ 0 (unbiased) while FID is > 0 and shrinks as N grows', () => {
    const real = gaussian(2400, 6);
    const kid = realVsReal(real, 'KID', 200, 1000, { repeats: 6 });
    const fidSmall = realVsReal(real, 'FID', 100, 1000, { repeats: 6 });
    const fidLarge = realVsReal(real, 'FID', 1000, 1000, { repeats: 6 });
    assert.ok(Math.abs(kid.mean) < (3 * (kid.max - kid.min)) / 2 + 1e-3, `KID floor ${kid.mean} (range ${kid.min}…${kid.max})`);
    assert.ok(fidSmall.min > 0 && fidSmall.mean > fidLarge.mean, `FID floor at 100: ${fidSmall.mean}, at 1000: ${fidLarge.mean}`);
    assert.equal(kid.values.length, 6);
    assert.deepEqual(realVsReal(real, 'KID', 200, 1000, { repeats: 6 }), kid);
  });

  it('refuses sets larger than the real rows and an unknown metric', () => {
    assert.throws(() => realVsReal(gaussian(100, 2), 'FID', 60, 50), /60 \+ 50 = 110 rows need at least that many; there are 100/);
    assert.throws(() => realVsReal(gaussian(100, 2), 'IS' as 'FID', 10, 10), /metric is "IS"; allowed/);
  });
});

describe('balancedPrecisionRecall', () => {
  it('equal counts give precisionRecall itself; unequal counts are subsampled to the smaller size', () => {
    const real = gaussian(120, 4, 0, 3);
    const gen = gaussian(120, 4, 0.3, 4);
    const toRows = (t: { rows: { data: Float64Array | Float32Array; n: number; d: number } }) =>
      Array.from({ length: t.rows.n }, (_, i) => Array.from(t.rows.data.subarray(i * t.rows.d, (i + 1) * t.rows.d)));
    const plain = precisionRecall(toRows(real), toRows(gen));
    const balanced = balancedPrecisionRecall(real, gen);
    assert.equal(balanced.precision, plain.precision);
    assert.equal(balanced.recall, plain.recall);
    const big = balancedPrecisionRecall(gaussian(600, 4, 0, 5), gen, { repeats: 4 });
    assert.equal(big.n, 120);
    assert.equal(big.repeats, 4);
  });

  it('on one distribution, balanced precision ≈ recall, while 1000 real vs 100 generated skews them apart', () => {
    const real = gaussian(1000, 4, 0, 7);
    const gen = gaussian(100, 4, 0, 8);
    const toRows = (t: { rows: { data: Float64Array | Float32Array; n: number; d: number } }) =>
      Array.from({ length: t.rows.n }, (_, i) => Array.from(t.rows.data.subarray(i * t.rows.d, (i + 1) * t.rows.d)));
    const skewed = precisionRecall(toRows(real), toRows(gen));
    const b = balancedPrecisionRecall(real, gen, { repeats: 10 });
    assert.ok(Math.abs(b.precision - b.recall) < 0.06, `balanced ${b.precision} vs ${b.recall}`);
    const gap = Math.abs(skewed.precision - skewed.recall);
    assert.ok(gap > 0.06 && Math.abs(b.precision - b.recall) < gap / 2, `unbalanced ${skewed.precision} vs ${skewed.recall}`);
  });
});

describe('balancedFloor', () => {
  /** Rows `[n, d]` tagged with the test space. */
  const tagged = (rows: number[][]) => ({
    rows: { data: Float64Array.from(rows.flat()), n: rows.length, d: rows[0].length },
    space: 'test-space',
  });

  it('draws n/C rows of each class: with identical rows within a class every draw is the one balanced set', () => {
    // Class c's rows are all [c, c²/10]; 23 rows cycle classes 0, 1, 2 (8, 8, 7 rows).
    const labels = Array.from({ length: 60 }, (_, i) => i % 3);
    const pool = tagged(labels.map((c) => [c, (c * c) / 10]));
    const reference = tagged(Array.from({ length: 40 }, (_, i) => [(i % 7) / 3, (i % 5) / 4]));
    const floor = balancedFloor(pool, labels, reference, 'KID', 23, { repeats: 4 });
    const expected = kid(
      Array.from({ length: 23 }, (_, k) => [k % 3, ((k % 3) * (k % 3)) / 10]),
      Array.from({ length: 40 }, (_, i) => [(i % 7) / 3, (i % 5) / 4]),
    );
    assert.equal(floor.values.length, 4);
    for (const v of floor.values) assert.ok(Math.abs(v - expected) < 1e-12, `${v} vs ${expected}`);
    assert.deepEqual([floor.n, floor.m, floor.metric], [23, 40, 'KID']);
  });

  it("reads KID below 0 on a well-separated mixture: the class-balance bias of the studies' design", () => {
    const rng = new Rng(11);
    const means = Array.from({ length: 10 }, () => Array.from({ length: 4 }, () => 3 * rng.normal()));
    const draw = (c: number) => means[c].map((m) => m + rng.normal());
    const labels = Array.from({ length: 1000 }, (_, i) => i % 10);
    const pool = tagged(labels.map(draw));
    const reference = tagged(Array.from({ length: 300 }, () => draw(rng.int(10))));
    const floor = balancedFloor(pool, labels, reference, 'KID', 40, { repeats: 30 });
    const se = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - floor.mean) ** 2, 0) / (v.length - 1) / v.length);
    assert.ok(floor.mean < -5 * se(floor.values), `balanced floor ${floor.mean} ± ${se(floor.values)}`);
  });

  it('refuses too few rows of a class, a label count that differs from the rows, and another space', () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const pool = tagged(labels.map((c) => [c, 1]));
    const reference = tagged([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    assert.throws(() => balancedFloor(pool, labels, reference, 'KID', 6), /class 2 has 1 pool rows; 6 balanced rows need 2/);
    assert.throws(() => balancedFloor(pool, [0, 1], reference, 'KID', 3), /2 labels for 6 pool rows/);
    assert.throws(() => balancedFloor(pool, labels, { ...reference, space: 'other' }, 'FID', 3), /different spaces/);
  });
});
