/**
 * Feature sets for the metrics: rows are samples, columns are feature dimensions, held as one
 * row-major Float64Array (metrics accumulate in float64 whatever the input precision).
 */
import { ArrayInput, toFloat64Ndarray } from '../analysis/ndarray';

/** Features `[n, d]` as a tensor, a 2D ndarray or rows of numbers. */
export type FeatureInput = ArrayInput;

/** A row-major float64 feature matrix `[n, d]`. */
export interface FeatureMatrix {
  data: Float64Array;
  n: number;
  d: number;
}

/** Returns `x` as a float64 matrix `[n, d]`; throws, naming `name`, unless it is 2D, finite, with at least 2 rows. */
export function featureMatrix(x: FeatureInput, name: string): FeatureMatrix {
  const a = toFloat64Ndarray(x);
  if (a.dimension !== 2) throw new Error(`${name} features must be 2D [samples, dims]; got shape [${a.shape.join(', ')}]`);
  const [n, d] = a.shape;
  if (n < 2) throw new Error(`${name} features need at least 2 samples; got ${n}`);
  if (d < 1) throw new Error(`${name} features need at least 1 dimension; got ${d}`);
  checkFinite(a.data, d, name);
  return { data: a.data, n, d };
}

/** Throws, naming the first bad entry [row, column] and how many there are, unless every value of `data` (rows of `d`) is finite. */
function checkFinite(data: Float64Array, d: number, name: string): void {
  const first = data.findIndex((v) => !Number.isFinite(v));
  if (first < 0) return;
  const count = data.reduce((c, v) => c + (Number.isFinite(v) ? 0 : 1), 0);
  const where = `[${Math.floor(first / d)}, ${first % d}]`;
  throw new Error(`${name} features must be finite numbers; ${where} is ${data[first]} (${count} non-finite of ${data.length})`);
}

/** Throws, naming both sets and their widths, unless the two feature sets have the same width. */
export function checkSameWidth(a: { d: number }, b: { d: number }, names: [string, string]): void {
  if (a.d !== b.d) throw new Error(`feature sets of different widths: ${names[0]} has ${a.d} dims, ${names[1]} has ${b.d}`);
}
