/**
 * IEEE 754 binary16 ↔ binary32 conversion: round to nearest, ties to even; subnormals, ±0, ±∞
 * and NaN (kept quiet, top payload bits kept) handled exactly.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Returns the float16 bit pattern (0..0xffff) nearest to `x` as a float32, ties to even. */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp32 = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp32 === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const exp16 = exp32 - 127 + 15;
  if (exp16 >= 0x1f) return sign | 0x7c00;
  if (exp16 <= 0) {
    // Subnormal result: the value is mant24 · 2^(exp16 − 14) units of 2^-24; below 2^-25 it rounds to 0.
    if (exp16 < -10) return sign;
    const mant24 = mant | 0x800000;
    const shift = 14 - exp16;
    return sign | roundShift(mant24, shift);
  }
  // Normal result; a carry out of the mantissa correctly bumps the exponent (up to ∞).
  return sign | roundShift((exp16 << 23) | mant, 13);
}

/** Returns `v >>> shift` rounded to nearest, ties to even. */
function roundShift(v: number, shift: number): number {
  const q = v >>> shift;
  const rem = v - q * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

/** Returns the number that the float16 bit pattern `h` (0..0xffff) encodes. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + mant) * 2 ** (exp - 25);
}

/** Returns float16 bit patterns `[n]` for float32 values `[n]` (round to nearest even). */
export function float32ToFloat16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = toFloat16Bits(src[i]);
  return out;
}

/** Returns float32 values `[n]` for float16 bit patterns `[n]` (exact). */
export function float16ToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = fromFloat16Bits(src[i]);
  return out;
}
