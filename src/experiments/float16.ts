/** IEEE 754 half precision for compact storage of per-sample features (Node 20 has no Float16Array). */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Largest finite half: values beyond it cannot be stored. */
export const FLOAT16_MAX = 65504;

/** Returns `values` rounded to half precision (nearest, ties to even) as raw bits; throws on a value outside ±65504 or non-finite. */
export function toFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || Math.abs(v) > FLOAT16_MAX) {
      throw new Error(`toFloat16: value ${i} is ${v}; half precision holds finite values within ±${FLOAT16_MAX}`);
    }
    out[i] = halfBits(v);
  }
  return out;
}

/** Returns the float32 values `[bits.length]` of half-precision bits. */
export function fromFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * frac * 2 ** -24 : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

function halfBits(v: number): number {
  F32[0] = v;
  const x = U32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7bff; // only reached by values that round up past 65504: clamp to the largest half
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    const m = mant | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(m, shift);
  }
  const rounded = roundShift(mant, 13);
  return rounded === 0x400 ? (e + 1 >= 0x1f ? sign | 0x7bff : sign | ((e + 1) << 10)) : sign | (e << 10) | rounded;
}

/** Returns m >> shift rounded to nearest, ties to even. */
function roundShift(m: number, shift: number): number {
  const q = m >>> shift;
  const rest = m - q * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && q & 1) ? q + 1 : q;
}
