/**
 * Seeded randomness for all of guidance-lab: one generator type, derived streams, and tensors.
 * The same (seed, keys) gives the same numbers on every backend, because the numbers are drawn
 * in JavaScript and only then uploaded.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A seeded pseudo-random generator (xoshiro128**), with uniform, normal and integer draws. */
export class Rng {
  private s: Uint32Array;
  private spare: number | null = null;

  /** Creates the generator for `seed` and optional stream keys (e.g. a sample index). */
  constructor(seed: number, ...keys: number[]) {
    for (const v of [seed, ...keys]) {
      if (!Number.isFinite(v) || !Number.isInteger(v)) {
        throw new Error(`seed and keys must be integers; got ${v}`);
      }
    }
    this.s = new Uint32Array(4);
    let h = 0x9e3779b9;
    const words = [seed, ...keys];
    for (let i = 0; i < 4; i++) {
      h = mix32(h ^ mix32(words.reduce((acc, w, j) => mix32(acc ^ ((w >>> 0) + j * 0x85ebca6b + i)), 0x6a09e667 + i)));
      this.s[i] = h;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Returns the next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Returns a uniform number in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Returns an integer uniform in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`int(n) needs a positive integer n; got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Returns a standard normal number (Box-Muller, pairs cached). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Returns `n` standard normal numbers. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Returns a permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Returns a standard-normal tensor of `shape` drawn from stream (seed, ...keys). */
export function randomNormal(shape: number[], seed: number, ...keys: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new Rng(seed, ...keys).normals(n), shape, 'float32');
}

/**
 * Returns initial noise `[indices.length, ...shape]` where row i depends only on (seed, indices[i]),
 * so every method and γ starts from the same noise for the same sample.
 */
export function sampleNoise(shape: number[], seed: number, indices: number[]): tf.Tensor {
  const per = shape.reduce((a, b) => a * b, 1);
  const buf = new Float32Array(per * indices.length);
  indices.forEach((idx, i) => buf.set(new Rng(seed, idx).normals(per), i * per));
  return tf.tensor(buf, [indices.length, ...shape], 'float32');
}
