/** Precision and recall with equal real and generated counts: the larger set is subsampled to the smaller's size. */
import { precisionRecall, type PrecisionRecall } from '../precision-recall';
import { checkSameSpace } from './runs';
import type { TaggedRows } from './statistics';
import { checkCount, disjointDraws, pickRows } from './subsets';

/** Precision and recall averaged over subsets, with the count per side and the spread over subsets. */
export interface BalancedPrecisionRecall extends PrecisionRecall {
  /** Samples per side. */
  n: number;
  repeats: number;
  precisionRange: [number, number];
  recallRange: [number, number];
}

/**
 * Returns improved precision/recall (k-NN radii, default k = 3) with both sets at min(real, generated) rows:
 * the larger set is subsampled `repeats` times (default 5, seeded) and the results averaged; equal counts
 * keep recall from being inflated by a denser real manifold.
 */
export function balancedPrecisionRecall(
  real: TaggedRows,
  generated: TaggedRows,
  options: { k?: number; repeats?: number; seed?: number } = {},
): BalancedPrecisionRecall {
  const { k = 3, repeats = 5, seed = 0 } = options;
  checkSameSpace(real.space, generated.space, 'balancedPrecisionRecall');
  checkCount('balancedPrecisionRecall: repeats', repeats, 1);
  const n = Math.min(real.rows.n, generated.rows.n);
  const draws = real.rows.n === generated.rows.n ? 1 : repeats;
  const results = Array.from({ length: draws }, (_, r) => {
    const take = (t: TaggedRows) => (t.rows.n === n ? Array.from({ length: n }, (_, i) => i) : disjointDraws(t.rows.n, [n], seed, r)[0]);
    const side = (t: TaggedRows) => pickRows(t.rows, take(t));
    return precisionRecall(side(real), side(generated), k);
  });
  const avg = (f: (p: PrecisionRecall) => number) => results.reduce((s, p) => s + f(p), 0) / draws;
  const range = (f: (p: PrecisionRecall) => number): [number, number] => [Math.min(...results.map(f)), Math.max(...results.map(f))];
  const [precision, recall] = [(p: PrecisionRecall) => p.precision, (p: PrecisionRecall) => p.recall];
  return {
    precision: avg(precision),
    recall: avg(recall),
    n,
    repeats: draws,
    precisionRange: range(precision),
    recallRange: range(recall),
  };
}
