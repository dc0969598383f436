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

/** Returns `x` as a float64 matrix `[n, d]`; throws, naming `name`, unless it is 2D with at least 2 rows. */
export function featureMatrix(x: FeatureInput, name: string): FeatureMatrix {
  const a = toFloat64Ndarray(x);
  if (a.dimension !== 2) throw new Error(`${name} features must be 2D [samples, dims]; got shape [${a.shape.join(', ')}]`);
  const [n, d] = a.shape;
  if (n < 2) throw new Error(`${name} features need at least 2 samples; got ${n}`);
  if (d < 1) throw new Error(`${name} features need at least 1 dimension; got ${d}`);
  return { data: a.data, n, d };
}

/** Throws, naming both sets and their widths, unless the two feature sets have the same width. */
export function checkSameWidth(a: { d: number }, b: { d: number }, names: [string, string]): void {
  if (a.d !== b.d) throw new Error(`feature sets of different widths: ${names[0]} has ${a.d} dims, ${names[1]} has ${b.d}`);
}

