/** The hierarchical bootstrap draw: seeds with replacement, then samples with replacement within each drawn seed. */
import { Rng } from '../../random';

/**
 * Returns one replicate's multiplicity per pooled row `[Σ groups]` (pool order: group 0's rows, then group 1's, …):
 * draw as many groups as there are, with replacement; for each drawn group draw its own row count of rows from it,
 * with replacement. Deterministic in (seed, replicate).
 */
export function hierarchicalWeights(groups: readonly number[], seed: number, replicate: number): Float64Array {
  const rng = new Rng(seed, replicate);
  const offsets = groups.map((_, g) => groups.slice(0, g).reduce((s, v) => s + v, 0));
  const weights = new Float64Array(groups.reduce((s, v) => s + v, 0));
  for (let k = 0; k < groups.length; k++) {
    const g = rng.int(groups.length);
    for (let j = 0; j < groups[g]; j++) weights[offsets[g] + rng.int(groups[g])] += 1;
  }
  return weights;
}

/** Returns one replicate's multiplicities `[Σ groups]`: hierarchical, or 'within-seed' (every group kept, its rows drawn again). */
export function resampleWeights(
  groups: readonly number[],
  seed: number,
  replicate: number,
  scheme: 'hierarchical' | 'within-seed',
): Float64Array {
  if (scheme === 'hierarchical') return hierarchicalWeights(groups, seed, replicate);
  const rng = new Rng(seed, replicate);
  const weights = new Float64Array(groups.reduce((s, v) => s + v, 0));
  let offset = 0;
  for (const size of groups) {
    for (let j = 0; j < size; j++) weights[offset + rng.int(size)] += 1;
    offset += size;
  }
  return weights;
}

/** Returns the `q`-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics (type 7). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}
