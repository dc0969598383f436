/** Synthetic runs for the statistics tests: rows drawn from a seeded normal, tagged with a space. */
import { Rng } from '../../src/random';
import type { SampleRun } from '../../src/metrics/stats';

/** Returns one run per seed of `perSeed` rows `[perSeed, d]` from `draw(rng, seed, index)`. */
export function makeRuns(
  seeds: number[],
  perSeed: number,
  d: number,
  draw: (rng: Rng, seed: number, index: number) => number[],
  space = 'test-space',
): SampleRun[] {
  return seeds.map((seed) => {
    const data = new Float64Array(perSeed * d);
    for (let i = 0; i < perSeed; i++) data.set(draw(new Rng(1000 + seed, i), seed, i), i * d);
    return { seed, indices: Array.from({ length: perSeed }, (_, i) => i), rows: { data, n: perSeed, d }, space };
  });
}

/** Two-sided Student t quantile t_{0.975, ν} for large ν (Cornish–Fisher expansion; error < 1e-4 for ν ≥ 10). */
export function t975(nu: number): number {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2);
}
