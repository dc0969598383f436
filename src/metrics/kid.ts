/**
 * Kernel inception distance (Bińkowski et al. 2018): unbiased MMD² between two feature sets with
 * the cubic polynomial kernel k(x, y) = (x·y/d + 1)³, over all pairs (no subsets: O((m + n)²·d)); and its
 * class-stratified form for a first set drawn with fixed counts per class (the studies' labels cycling 0…9).
 */
import { FeatureInput, FeatureMatrix, checkSameWidth, featureMatrix } from './feature-matrix';
import { multiplyTransposed } from './gram';

/** Rows of the first set per block of the Gram matrix (bounds memory to BLOCK × n doubles). */
const BLOCK = 256;

/** Returns the unbiased MMD² of features `a` `[m, d]` and `b` `[n, d]` under the cubic kernel. */
export function kid(a: FeatureInput, b: FeatureInput): number {
  const x = featureMatrix(a, 'first (kid)');
  const y = featureMatrix(b, 'second (kid)');
  checkSameWidth(x, y, ['first (kid)', 'second (kid)']);
  const kxx = kernelSum(x, x, true);
  const kyy = kernelSum(y, y, true);
  const kxy = kernelSum(x, y, false);
  return kxx / (x.n * (x.n - 1)) + kyy / (y.n * (y.n - 1)) - (2 * kxy) / (x.n * y.n);
}

/**
 * Returns the unbiased MMD² of features `a` `[m, d]`, drawn with fixed counts per class (`labels[i]` is row i's class),
 * and i.i.d. features `b` `[n, d]` under the cubic kernel. Plain KID averages k over all pairs of `a`, which counts
 * same-class pairs (n_c − 1)/(m − 1) of the time instead of n_c/m as independent draws would, so a balanced set reads
 * lower than an i.i.d. one from the same distribution; here E[k(a, a')] is Σ_c Σ_c' π_c π_c' (mean k between classes c
 * and c', distinct rows within a class) with π_c = n_c/m, unbiased for the mixture with those weights. Every class
 * present needs ≥ 2 rows.
 */
export function kidStratified(a: FeatureInput, labels: ArrayLike<number>, b: FeatureInput): number {
  const where = 'kidStratified';
  const x = featureMatrix(a, `first (${where})`);
  const y = featureMatrix(b, `second (${where})`);
  checkSameWidth(x, y, [`first (${where})`, `second (${where})`]);
  if (labels.length !== x.n) throw new Error(`${where}: ${labels.length} labels for ${x.n} rows of the first set; give one label per row`);
  const classes = [...new Set(Array.from(labels))].sort((p, q) => p - q);
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts = classes.map((c) => Array.from(labels).filter((l) => l === c).length);
  counts.forEach((n, i) => {
    if (n < 2) throw new Error(`${where}: class ${classes[i]} has ${n} row; every class present needs ≥ 2 rows (distinct pairs within it)`);
  });
  const k = classes.length;
  const cls = Int32Array.from(labels, (l) => index.get(l) as number);
  const sums = kernelSums(x, x, true, cls, cls, k);
  let kxx = 0;
  for (let c = 0; c < k; c++) {
    for (let e = 0; e < k; e++) {
      const pairs = c === e ? counts[c] * (counts[c] - 1) : counts[c] * counts[e];
      kxx += ((counts[c] / x.n) * (counts[e] / x.n) * sums[c * k + e]) / pairs;
    }
  }
  return kxx + kernelSum(y, y, true) / (y.n * (y.n - 1)) - (2 * kernelSum(x, y, false)) / (x.n * y.n);
}

/** Σ k(x_i, y_j) over all pairs, leaving out i = j when `offDiagonal` (x and y the same set). */
function kernelSum(x: FeatureMatrix, y: FeatureMatrix, offDiagonal: boolean): number {
  return kernelSums(x, y, offDiagonal, new Int32Array(x.n), new Int32Array(y.n), 1)[0];
}

/**
 * Returns Σ k(x_i, y_j) per pair of groups, `[groups × groups]` row-major at rowGroup[i] · groups + colGroup[j], over all
 * pairs, leaving out i = j when `offDiagonal` (x and y the same set); the Gram matrix is formed BLOCK rows at a time.
 */
function kernelSums(
  x: FeatureMatrix,
  y: FeatureMatrix,
  offDiagonal: boolean,
  rowGroup: Int32Array,
  colGroup: Int32Array,
  groups: number,
): Float64Array {
  const sums = new Float64Array(groups * groups);
  for (let r0 = 0; r0 < x.n; r0 += BLOCK) {
    const rows = Math.min(BLOCK, x.n - r0);
    const dots = multiplyTransposed(x.data.subarray(r0 * x.d, (r0 + rows) * x.d), rows, y.data, y.n, x.d);
    for (let i = 0; i < rows; i++) {
      const g = rowGroup[r0 + i] * groups;
      for (let j = 0; j < y.n; j++) if (!offDiagonal || r0 + i !== j) sums[g + colGroup[j]] += (dots[i * y.n + j] / x.d + 1) ** 3;
    }
  }
  return sums;
}
