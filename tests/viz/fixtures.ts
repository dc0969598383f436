/** Fixed, seeded data for the viz tests: every chart builder's input, small and deterministic. */
import type { DifferenceRow, GridRow, HeadMap, ImageInput, MetricRow, RadialCurve, Spectrum2D, VariantRow } from '../../src/viz';

/** Returns a deterministic uniform [0, 1) generator (mulberry32) for `seed`. */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a 32×32 "digit-like" image: a noisy ring whose radius depends on k. */
export function ringImage(k: number, size = 32): ImageInput {
  const rnd = uniform(100 + k);
  const pixels = new Float32Array(size * size);
  const r0 = 6 + (k % 5);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(y - size / 2 + 0.5, x - size / 2 + 0.5);
      pixels[y * size + x] = Math.max(-1, Math.min(1, 2 * Math.exp(-((d - r0) ** 2) / 4) - 1 + 0.3 * (rnd() - 0.5)));
    }
  }
  return { pixels, height: size, width: size };
}

/** Returns a size×size attention-like map peaked at (py, px), normalised to sum 1. */
export function peakedMap(py: number, px: number, size = 32, spread = 20): Float32Array {
  const m = new Float32Array(size * size);
  let sum = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) sum += m[y * size + x] = Math.exp(-((y - py) ** 2 + (x - px) ** 2) / spread);
  return m.map((v) => v / sum);
}

export const methods = ['CFG', 'SAG', 'PAG'];
export const gammas = [0, 0.5, 1, 2, 3];

export function gridImages(size = 32): ImageInput[] {
  return methods.flatMap((method, i) => gammas.map((gamma, j) => ({ ...ringImage(i * 5 + j, size), method, gamma })));
}

export function headMaps(): HeadMap[] {
  return ['down.1.attn', 'mid.attn'].flatMap((layer, l) =>
    [0, 1, 2].map((head) => ({
      layer,
      head,
      values: Array.from(peakedMap(2 + 2 * head, 3 + l * 2, 8, 3 + head * 2)),
      height: 8,
      width: 8,
    })),
  );
}

export function spectra(size = 32): Spectrum2D[] {
  const rnd = uniform(7);
  const c = Math.floor(size / 2);
  return ['unguided', 'CFG γ=3'].map((label, k) => {
    const values = new Float32Array(size * size);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) values[y * size + x] = (100 / (1 + Math.hypot(y - c, x - c) ** (1.5 + k * 0.5))) * (0.7 + 0.6 * rnd());
    return { label, values: Array.from(values), height: size, width: size };
  });
}

export function radialCurves(): RadialCurve[] {
  const rnd = uniform(11);
  const frequency = Array.from({ length: 17 }, (_, i) => i / 32);
  return ['real', 'CFG γ=1', 'SAG γ=1'].flatMap((group, g) =>
    [0, 1, 2].map(() => ({ group, frequency, power: frequency.map((f) => (50 / (1 + 40 * f) ** (2 + g * 0.4)) * (0.8 + 0.4 * rnd())) })),
  );
}

export function metricRows(): MetricRow[] {
  const rnd = uniform(3);
  return methods.flatMap((method, m) =>
    gammas.flatMap((gamma) =>
      [0, 1, 2].map((seed) => ({ method, gamma, seed, value: 40 - 12 * gamma + (3 + m) * gamma * gamma + 2 * rnd() })),
    ),
  );
}

export function differenceRows(): DifferenceRow[] {
  return [
    { method: 'CFG γ = 1', estimate: -2.1, lo: -2.6, hi: -1.7, verdict: 'better' },
    { method: 'PAG γ = 3', estimate: -0.21, lo: -0.35, hi: -0.08, verdict: 'better' },
    { method: 'autoguidance γ = 2', estimate: 0.05, lo: -0.2, hi: 0.31, verdict: 'tie' },
    { method: 'SEG γ = 10', estimate: 1.4, lo: 0.9, hi: 1.8, verdict: 'worse' },
  ];
}

export function gridRows(): GridRow[] {
  const emas = [0.05, 0.1, 0.15, 0.2];
  return emas.flatMap((x, i) => emas.map((y, j) => ({ x, y, value: 8 + Math.abs(i - 1) * 1.3 + Math.abs(j - 2) * 0.9 + 0.1 * i * j })));
}

export function variantRows(): VariantRow[] {
  const rnd = uniform(5);
  const base: Record<string, number> = {
    'global blur': 14.2,
    'high-frequency': 13.1,
    random: 15.8,
    square: 15.1,
    'SAG mask': 11.9,
    'classifier attention': 12.6,
  };
  return Object.entries(base).flatMap(([variant, v]) => [0, 1, 2].map((seed) => ({ variant, seed, value: v + rnd() - 0.5 })));
}
