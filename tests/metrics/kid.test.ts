import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kid, kidStratified } from '../../src/metrics/kid';
import { Rng } from '../../src/random';
import ref from '../reference/kid.json';

describe('kid', () => {
  it('matches the unbiased cubic-kernel MMD² of kid.json (1e-10 relative)', () => {
    assert.ok(Math.abs(kid(ref.a, ref.b) - ref.kid) <= 1e-10 * ref.kid);
  });

  it('is symmetric, and is the closed form on one-dimensional two-point sets', () => {
    assert.ok(Math.abs(kid(ref.a, ref.b) - kid(ref.b, ref.a)) < 1e-12);
    // d = 1, a = {0, 1}, b = {0, 2}: k(x, y) = (xy + 1)³; off-diagonal pairs only within a set.
    const expected = (2 * 1) / 2 + (2 * 1) / 2 - (2 * (1 + 1 + 1 + 27)) / 4;
    assert.ok(Math.abs(kid([[0], [1]], [[0], [2]]) - expected) < 1e-12);
  });

  it('rejects bad inputs with the values', () => {
    assert.throws(
      () =>
        kid(
          ref.a,
          ref.b.map((r) => r.slice(0, 5)),
        ),
      /different widths: first \(kid\) has 8 dims, second \(kid\) has 5/,
    );
    assert.throws(() => kid([ref.a[0]], ref.b), /first \(kid\) features need at least 2 samples; got 1/);
  });
});

describe('kidStratified', () => {
  it('is the hand-computed closed form on two classes of two rows (d = 1)', () => {
    // k(x, y) = (xy + 1)³; a = {0, 1 | class 0; 2, 3 | class 1}, b = {0, 2}.
    // Within a: π = ½ each; class 0 pair k(0,1) = 1, class 1 pair k(2,3) = 343, across (1 + 1 + 27 + 64)/4 = 23.25.
    const within = 0.25 * 1 + 0.25 * 343 + 2 * 0.25 * 23.25;
    const across = (1 + 1 + 1 + 27 + 1 + 125 + 1 + 343) / 8;
    const expected = within + 1 - 2 * across;
    assert.ok(Math.abs(kidStratified([[0], [1], [2], [3]], [0, 0, 1, 1], [[0], [2]]) - expected) < 1e-12);
  });

  it('equals kid when every row has one class', () => {
    const labels = ref.a.map(() => 7);
    assert.ok(Math.abs(kidStratified(ref.a, labels, ref.b) - kid(ref.a, ref.b)) < 1e-12 * Math.abs(ref.kid));
  });

  it('averages 0 over balanced draws from the reference distribution, where plain KID reads below 0', () => {
    // Ten classes, unit Gaussians around distinct means in 4-d; the reference i.i.d. from the uniform mixture, the
    // first set 3 rows per class (as the studies' cycling labels). 300 draws; the mean ± 3 standard errors.
    const rng = new Rng(5);
    const means = Array.from({ length: 10 }, () => Array.from({ length: 4 }, () => 3 * rng.normal()));
    const draw = (c: number) => means[c].map((m) => m + rng.normal());
    const plain: number[] = [];
    const stratified: number[] = [];
    for (let r = 0; r < 300; r++) {
      const labels = Array.from({ length: 30 }, (_, i) => i % 10);
      const a = labels.map(draw);
      const b = Array.from({ length: 60 }, () => draw(rng.int(10)));
      plain.push(kid(a, b));
      stratified.push(kidStratified(a, labels, b));
    }
    const stat = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return { m, se: Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1) / v.length) };
    };
    const p = stat(plain);
    const s = stat(stratified);
    assert.ok(Math.abs(s.m) < 3 * s.se, `stratified mean ${s.m} ± ${s.se}`);
    assert.ok(p.m < -5 * p.se, `plain mean ${p.m} ± ${p.se}`);
  });

  it('refuses a label count that differs from the rows and a class with one row', () => {
    assert.throws(() => kidStratified(ref.a, [0, 1], ref.b), /2 labels for \d+ rows of the first set/);
    const labels = ref.a.map((_, i) => (i === 0 ? 9 : 0));
    assert.throws(() => kidStratified(ref.a, labels, ref.b), /class 9 has 1 row; every class present needs ≥ 2 rows/);
  });
});
