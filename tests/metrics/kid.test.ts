import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kid } from '../../src/metrics/kid';
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
