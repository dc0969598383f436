import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from '../../src/model/checkpoint';

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

test('known float16 encodings and values', () => {
  const cases: [number, number][] = [
    [0x0000, 0],
    [0x8000, -0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0400, 2 ** -14],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x3555, 0.333251953125],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, value] of cases) {
    assert.ok(Object.is(fromFloat16Bits(bits), value), `0x${bits.toString(16)} → ${value}`);
    assert.equal(toFloat16Bits(value), bits, `${value} → 0x${bits.toString(16)}`);
  }
  assert.ok(Number.isNaN(fromFloat16Bits(0x7e00)));
  assert.ok(isNaNBits(toFloat16Bits(NaN)));
});

test('rounding matches numpy float32 → float16 (ties to even, overflow, subnormals)', () => {
  // Computed with numpy 2.4: np.array(inputs, np.float32).astype(np.float16).view(np.uint16).
  const inputs = [
    0.1,
    1 / 3,
    -2 / 3,
    1 + 2 ** -11,
    1 + 3 * 2 ** -11,
    1 + 2 ** -11 + 2 ** -20,
    65504,
    65519.99,
    65520,
    1e5,
    2 ** -24,
    2 ** -25,
    1.5 * 2 ** -25,
    3 * 2 ** -25,
    2 ** -14,
    2 ** -14 - 2 ** -25,
    1e-8,
    3.14159265,
    -1e-5,
    1234.5678,
  ];
  const numpy = [11878, 13653, 47445, 15360, 15362, 15361, 31743, 31743, 31744, 31744, 1, 0, 1, 2, 1024, 1024, 0, 16968, 32936, 25811];
  assert.deepEqual(Array.from(float32ToFloat16(Float32Array.from(inputs))), numpy);
});

test('every float16 bit pattern survives float16 → float32 → float16; values increase with the bits', () => {
  let previous = -Infinity;
  for (let h = 0; h <= 0x7c00; h++) {
    const v = fromFloat16Bits(h);
    assert.ok(v > previous || h === 0, `0x${h.toString(16)}: ${v} after ${previous}`);
    previous = v;
    assert.ok(Object.is(fromFloat16Bits(h | 0x8000), -v));
  }
  const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
  const back = float32ToFloat16(float16ToFloat32(all));
  for (let h = 0; h < 65536; h++) {
    if (isNaNBits(h)) assert.ok(isNaNBits(back[h]), `NaN 0x${h.toString(16)} stays NaN`);
    else if (back[h] !== h) assert.fail(`0x${h.toString(16)} came back as 0x${back[h].toString(16)}`);
  }
});

test('float32 → float16 picks the nearest float16 (ties to the even pattern), checked by search', () => {
  // Independent truth: the sorted table of non-negative finite float16 values and a binary search.
  const table = Array.from({ length: 0x7c00 }, (_, h) => fromFloat16Bits(h));
  const nearest = (x: number): number => {
    if (x >= 65520) return 0x7c00; // 65504 + half an ulp (16) rounds to even, i.e. past the largest: ∞
    let lo = 0;
    let hi = table.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (table[mid] <= x) lo = mid;
      else hi = mid;
    }
    const dLo = x - table[lo];
    const dHi = table[hi] - x;
    return dLo < dHi ? lo : dHi < dLo ? hi : lo % 2 === 0 ? lo : hi;
  };
  const probes: number[] = [];
  for (let h = 0; h < 0x7bff; h += 7) {
    const mid = (table[h] + table[h + 1]) / 2; // exact ties, representable in float32
    probes.push(mid, Math.fround(mid * (1 + 2 ** -23)), Math.fround(mid * (1 - 2 ** -23)));
  }
  let seed = 12345;
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    probes.push(Math.fround(2 ** (-26 + (seed / 2 ** 32) * 43)));
  }
  for (const x of probes) {
    const want = nearest(x);
    assert.equal(toFloat16Bits(x), want, `${x}`);
    assert.equal(toFloat16Bits(-x), want | 0x8000, `${-x}`);
  }
});

test('round trip of arbitrary float32 stays within half a float16 ulp (relative 2^-11)', () => {
  const xs = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4));
  const back = float16ToFloat32(float32ToFloat16(xs));
  xs.forEach((x, i) => {
    if (Math.abs(x) >= 2 ** -14) assert.ok(Math.abs(back[i] - x) <= Math.abs(x) * 2 ** -11, `${x} → ${back[i]}`);
    else assert.ok(Math.abs(back[i] - x) <= 2 ** -25, `${x} → ${back[i]}`);
  });
});
