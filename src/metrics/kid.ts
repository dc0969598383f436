/**
 * Kernel inception distance (Bińkowski et al. 2018): unbiased MMD² between two feature sets with
 * the cubic polynomial kernel k(x, y) = (x·y/d + 1)³, over all pairs (no subsets: O((m + n)²·d)).
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

/** Σ k(x_i, y_j) over all pairs, leaving out i = j when `offDiagonal` (x and y the same set). */
function kernelSum(x: FeatureMatrix, y: FeatureMatrix, offDiagonal: boolean): number {
  let sum = 0;
  for (let r0 = 0; r0 < x.n; r0 += BLOCK) {
    const rows = Math.min(BLOCK, x.n - r0);
    const dots = multiplyTransposed(x.data.subarray(r0 * x.d, (r0 + rows) * x.d), rows, y.data, y.n, x.d);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < y.n; j++) if (!offDiagonal || r0 + i !== j) sum += (dots[i * y.n + j] / x.d + 1) ** 3;
    }
  }
  return sum;
}
