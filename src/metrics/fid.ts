/**
 * Fréchet distance between Gaussians fitted to two feature sets (FID when the features come from an
 * image network): |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr √(Σ₁Σ₂), covariances with the N − 1 denominator.
 * tr √(Σ₁Σ₂) = Σ √eig(Fᵀ Σ₂ F) with Σ₁ = F Fᵀ, F from Σ₁'s symmetric eigendecomposition (no sqrtm).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { FeatureInput, FeatureMatrix, checkSameWidth, featureMatrix } from './feature-matrix';
import { multiplyTransposed, transpose } from './gram';

/** Mean and covariance of a feature set, plain arrays so they can be cached as JSON and reused. */
export interface FeatureStats {
  /** Mean `[d]`. */
  mu: number[];
  /** Covariance `[d, d]`, N − 1 denominator. */
  sigma: number[][];
  /** Number of samples the statistics came from. */
  n: number;
}

export interface FidResult {
  fid: number;
  /** Reasons to distrust the value (e.g. fewer samples than feature dimensions). */
  warnings: string[];
}

export interface FidOptions {
  /** Receives each warning as it is found (default console.warn); warnings are also returned. */
  warn?: (message: string) => void;
}

/** Returns the mean `[d]` and covariance `[d, d]` (N − 1) of features `[n, d]`; `name` names the set in errors. */
export function featureStats(features: FeatureInput, name = 'featureStats'): FeatureStats {
  const x = featureMatrix(features, name);
  const mu = columnMeans(x);
  const cov = covariance(x, mu);
  return { mu: Array.from(mu), sigma: Array.from({ length: x.d }, (_, i) => Array.from(cov.subarray(i * x.d, (i + 1) * x.d))), n: x.n };
}

/**
 * Relative tolerance for covariance statistics: |σ_ij − σ_ji| ≤ tol·max|σ| and λ_min ≥ −tol·max|λ|. Real
 * covariances are off only by rounding (~1e-13 relative in float64, ~1e-7·d when summed in float32).
 */
export const COVARIANCE_TOLERANCE = 1e-6;

/**
 * Returns the Fréchet distance of two Gaussians given by their statistics; throws unless μ and Σ are
 * finite and each Σ is symmetric and positive semi-definite within COVARIANCE_TOLERANCE.
 */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  checkStats(a, 'first');
  const toB = frechetTo(b, 'second');
  checkSameWidth({ d: a.mu.length }, { d: b.mu.length }, ['first', 'second']);
  psdEigen(Float64Array.from(a.sigma.flat()), a.mu.length, 'first');
  return toB(a);
}

/**
 * Returns a function giving the Fréchet distance of statistics to `reference`, whose Σ is checked and
 * decomposed once (for many evaluations against one reference, e.g. bootstrap replicates). The returned
 * function checks shape, finiteness and symmetry of its argument, not positive semi-definiteness.
 */
export function frechetTo(reference: FeatureStats, name = 'reference'): (s: FeatureStats) => number {
  checkStats(reference, name);
  const d = reference.mu.length;
  const sRef = Float64Array.from(reference.sigma.flat());
  const eRef = psdEigen(sRef, d, name);
  const trace = (s: Float64Array) => Array.from({ length: d }, (_, i) => s[i * d + i]).reduce((x, y) => x + y, 0);
  const traceRef = trace(sRef);
  return (a: FeatureStats): number => {
    checkStats(a, 'first');
    checkSameWidth({ d: a.mu.length }, { d }, ['first', name]);
    const s1 = Float64Array.from(a.sigma.flat());
    const meanTerm = a.mu.reduce((s, m, i) => s + (m - reference.mu[i]) ** 2, 0);
    return meanTerm + trace(s1) + traceRef - 2 * traceSqrtProduct(eRef, s1, d);
  };
}

/** Returns the FID between two feature sets `[n, d]` (or cached statistics), with warnings. */
export function fid(a: FeatureInput | FeatureStats, b: FeatureInput | FeatureStats, options: FidOptions = {}): FidResult {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const warnings: string[] = [];
  const stats = [a, b].map((x, i) => {
    const s = isStats(x) ? x : featureStats(x, `set ${i + 1}`);
    if (s.n < s.mu.length) {
      const message = `FID: set ${i + 1} has ${s.n} samples for ${s.mu.length} feature dims, so its covariance is singular and FID is biased; use more samples or KID (kid()), which is unbiased for small sets`;
      warnings.push(message);
      warn(message);
    }
    return s;
  });
  return { fid: frechetDistance(stats[0], stats[1]), warnings };
}

function isStats(x: FeatureInput | FeatureStats): x is FeatureStats {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'mu' in x && 'sigma' in x;
}

/** Throws, naming the set and the entry, unless μ `[d]` and Σ `[d, d]` have matching shapes, are finite and Σ is symmetric. */
function checkStats(s: FeatureStats, name: string): void {
  const d = s.mu.length;
  if (s.sigma.length !== d || s.sigma.some((row) => row.length !== d)) {
    throw new Error(`${name} statistics: sigma must be [${d}, ${d}] to match mu [${d}]; got ${s.sigma.length} rows`);
  }
  const badMu = s.mu.findIndex((v) => !Number.isFinite(v));
  if (badMu >= 0) throw new Error(`${name} statistics: mu[${badMu}] is ${s.mu[badMu]}; statistics must be finite numbers`);
  let largest = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const v = s.sigma[i][j];
      if (!Number.isFinite(v)) throw new Error(`${name} statistics: sigma[${i}][${j}] is ${v}; statistics must be finite numbers`);
      largest = Math.max(largest, Math.abs(v));
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      if (Math.abs(s.sigma[i][j] - s.sigma[j][i]) > COVARIANCE_TOLERANCE * largest) {
        const allowed = `allowed difference ${COVARIANCE_TOLERANCE} × max |sigma| = ${COVARIANCE_TOLERANCE * largest}`;
        const pair = `sigma[${i}][${j}] = ${s.sigma[i][j]} but sigma[${j}][${i}] = ${s.sigma[j][i]}`;
        throw new Error(`${name} statistics: sigma is not symmetric: ${pair} (${allowed})`);
      }
    }
  }
}

/** Returns the symmetric eigendecomposition of Σ `[d, d]`; throws, naming the set, when an eigenvalue is below −tol·max|λ|. */
function psdEigen(sigma: Float64Array, d: number, name: string): EigenvalueDecomposition {
  const e = new EigenvalueDecomposition(symmetricMatrix(sigma, d), { assumeSymmetric: true });
  const lambdas = e.realEigenvalues;
  const scale = lambdas.reduce((m, l) => Math.max(m, Math.abs(l)), 0);
  const smallest = Math.min(...lambdas);
  if (smallest < -COVARIANCE_TOLERANCE * scale) {
    const bound = `−${COVARIANCE_TOLERANCE} × largest |eigenvalue| ${scale}`;
    const what = 'sigma is not positive semi-definite (not a covariance)';
    throw new Error(`${name} statistics: ${what}: smallest eigenvalue ${smallest} < ${bound}`);
  }
  return e;
}

function columnMeans(x: FeatureMatrix): Float64Array {
  const mu = new Float64Array(x.d);
  for (let r = 0; r < x.n; r++) for (let k = 0, p = r * x.d; k < x.d; k++) mu[k] += x.data[p + k];
  return mu.map((v) => v / x.n);
}

/** Covariance `[d, d]` row-major with the N − 1 denominator: Xcᵀ·Xc from the centred columns. */
function covariance(x: FeatureMatrix, mu: Float64Array): Float64Array {
  const { n, d, data } = x;
  const columns = new Float64Array(d * n); // centred, one row per feature dimension
  for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) columns[k * n + r] = data[r * d + k] - mu[k];
  return multiplyTransposed(columns, d, columns, d, n, true).map((v) => v / (n - 1));
}

/**
 * Returns Σ √λ over the eigenvalues of Σ₁Σ₂ (= tr √(Σ₁Σ₂)) for symmetric PSD `[d, d]` matrices, given Σ₁'s
 * symmetric eigendecomposition `e`: Σ₁ = F·Fᵀ with F = V·√Λ (robust to singular Σ₁), and Σ₁Σ₂ has
 * the eigenvalues of the symmetric Fᵀ·Σ₂·F.
 */
function traceSqrtProduct(e: EigenvalueDecomposition, s2: Float64Array, d: number): number {
  const v = e.eigenvectorMatrix;
  const roots = e.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  const ft = new Float64Array(d * d); // Fᵀ: row j is √λ_j · v_jᵀ
  for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) ft[j * d + i] = roots[j] * v.get(i, j);
  const s2f = multiplyTransposed(s2, d, ft, d, d); // Σ₂·F
  const inner = multiplyTransposed(ft, d, transpose(s2f, d, d), d, d, true); // Fᵀ·Σ₂·F
  const lambdas = new EigenvalueDecomposition(symmetricMatrix(inner, d), { assumeSymmetric: true }).realEigenvalues;
  return lambdas.reduce((s, l) => s + Math.sqrt(Math.max(l, 0)), 0);
}

/** Returns the ml-matrix of (A + Aᵀ)/2 for row-major A `[d, d]`. */
function symmetricMatrix(a: Float64Array, d: number): Matrix {
  return new Matrix(Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (a[i * d + j] + a[j * d + i]) / 2)));
}
