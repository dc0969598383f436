/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of
 * balls around its samples with radius the distance to the k-th nearest other sample of the set.
 */
import { FeatureInput, FeatureMatrix, checkSameWidth, featureMatrix } from './feature-matrix';
import { multiplyTransposed } from './gram';

export interface PrecisionRecall {
  /** Share of generated samples inside the real manifold. */
  precision: number;
  /** Share of real samples inside the generated manifold. */
  recall: number;
}

/** Returns improved precision and recall of `generated` `[m, d]` against `real` `[n, d]` with k-NN radii (default k = 3). */
export function precisionRecall(real: FeatureInput, generated: FeatureInput, k = 3): PrecisionRecall {
  const r = featureMatrix(real, 'real');
  const g = featureMatrix(generated, 'generated');
  checkSameWidth(r, g, ['real', 'generated']);
  const smaller = Math.min(r.n, g.n);
  if (!Number.isInteger(k) || k < 1 || k >= smaller) {
    throw new Error(`k must be an integer in [1, ${smaller - 1}] (fewer than the ${smaller} samples of the smaller set); got ${k}`);
  }
  const realRadii = kthNeighbourDistances2(r, k);
  const generatedRadii = kthNeighbourDistances2(g, k);
  return { precision: coverage(g, r, realRadii), recall: coverage(r, g, generatedRadii) };
}

/** Squared distances `[a.n, b.n]` between the rows of a and b, from |a|² + |b|² − 2 a·b. */
function squaredDistances(a: FeatureMatrix, b: FeatureMatrix): Float64Array {
  const norms = (x: FeatureMatrix) =>
    Float64Array.from({ length: x.n }, (_, i) => x.data.subarray(i * x.d, (i + 1) * x.d).reduce((s, v) => s + v * v, 0));
  const na = norms(a);
  const nb = a === b ? na : norms(b);
  const dots = multiplyTransposed(a.data, a.n, b.data, b.n, a.d, a === b);
  return dots.map((v, p) => Math.max(na[Math.floor(p / b.n)] + nb[p % b.n] - 2 * v, 0));
}

/** Squared distance of each row to its k-th nearest other row of the same set. */
function kthNeighbourDistances2(x: FeatureMatrix, k: number): Float64Array {
  const d2 = squaredDistances(x, x);
  return Float64Array.from({ length: x.n }, (_, i) => {
    const others = Array.from(d2.subarray(i * x.n, (i + 1) * x.n)).filter((_, j) => j !== i);
    return others.sort((p, q) => p - q)[k - 1];
  });
}

/** Share of rows of `points` within radius of at least one row of `centres` (squared radii `radii2`). */
function coverage(points: FeatureMatrix, centres: FeatureMatrix, radii2: Float64Array): number {
  const d2 = squaredDistances(points, centres);
  let inside = 0;
  for (let i = 0; i < points.n; i++) {
    for (let j = 0; j < centres.n; j++) {
      if (d2[i * centres.n + j] <= radii2[j]) {
        inside++;
        break;
      }
    }
  }
  return inside / points.n;
}
