import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromFloat16, toFloat16 } from '../../src/experiments/float16';
import { Rng } from '../../src/random';

describe('float16', () => {
  it('stores IEEE half bit patterns (1, −2, 0.5, 65504, smallest subnormal 2⁻²⁴, 1/3)', () => {
    assert.deepEqual(Array.from(toFloat16([1, -2, 0.5, 65504, 2 ** -24, 0, 1 / 3])), [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0, 0x3555]);
  });

  it('rounds to nearest, ties to even (1 + 2⁻¹¹ → 1; 1 + 3·2⁻¹¹ → 1 + 2⁻⁹)', () => {
    assert.deepEqual(Array.from(fromFloat16(toFloat16([1 + 2 ** -11, 1 + 3 * 2 ** -11]))), [1, 1 + 2 ** -9]);
  });

  it('round trip is within half an ulp (relative 2⁻¹¹) for normal values', () => {
    const v = Array.from(new Rng(3).normals(5000), (x) => x * 30);
    const back = fromFloat16(toFloat16(v));
    v.forEach((x, i) => assert.ok(Math.abs(back[i] - x) <= Math.abs(x) * 2 ** -11 + 2 ** -25, `${x} → ${back[i]}`));
  });

  it('refuses values it cannot hold, naming them', () => {
    assert.throws(() => toFloat16([0, 70000]), /value 1 is 70000; half precision holds finite values within ±65504/);
    assert.throws(() => toFloat16([NaN]), /value 0 is NaN/);
  });
});
