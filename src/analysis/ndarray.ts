/**
 * Conversions between tfjs tensors, flat typed arrays, nested number arrays and `ndarray`, the
 * interchange type for maps and spectra outside tfjs. Every conversion copies, so the result never
 * aliases a tensor's backing store.
 */
import * as tf from '@tensorflow/tfjs-core';
import ndarray = require('ndarray');

/** Anything the conversions accept as an array of numbers with a shape. */
export type ArrayInput = tf.Tensor | ndarray.NdArray | number[] | number[][];

/** Returns a copy of `t`'s values as a float32 ndarray of the same shape. */
export function tensorToNdarray(t: tf.Tensor): ndarray.NdArray<Float32Array> {
  const data = t.dtype === 'float32' ? (t.dataSync() as Float32Array).slice() : Float32Array.from(t.dataSync());
  return ndarray(data, t.shape.slice());
}

/** Returns a float32 tensor of `a`'s shape holding its values (row-major, any strides). */
export function ndarrayToTensor(a: ndarray.NdArray): tf.Tensor {
  return tf.tensor(ndarrayToFloat32Array(a), a.shape.slice(), 'float32');
}

/** Returns `a`'s values in row-major order as a new Float32Array of length `a.size`. */
export function ndarrayToFloat32Array(a: ndarray.NdArray): Float32Array {
  return copyRowMajor(a, new Float32Array(a.size));
}

/** Returns `a`'s values in row-major order as a new Float64Array of length `a.size`. */
export function ndarrayToFloat64Array(a: ndarray.NdArray): Float64Array {
  return copyRowMajor(a, new Float64Array(a.size));
}

/** Returns an ndarray of `shape` over a copy of `data`; throws when the sizes differ. */
export function float32ArrayToNdarray(data: Float32Array, shape: number[]): ndarray.NdArray<Float32Array> {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) {
    throw new Error(`Float32Array of length ${data.length} does not fit shape [${shape.join(', ')}] (size ${size})`);
  }
  return ndarray(data.slice(), shape.slice());
}

/**
 * Returns a contiguous float64 ndarray copy of a tensor, an ndarray, or a (nested) number array;
 * nested arrays must be rectangular.
 */
export function toFloat64Ndarray(x: ArrayInput): ndarray.NdArray<Float64Array> {
  if (x instanceof tf.Tensor) return ndarray(Float64Array.from(x.dataSync()), x.shape.slice());
  if (Array.isArray(x)) return nestedToNdarray(x);
  return ndarray(ndarrayToFloat64Array(x), x.shape.slice());
}

function nestedToNdarray(x: number[] | number[][]): ndarray.NdArray<Float64Array> {
  if (x.length === 0 || !Array.isArray(x[0])) return ndarray(Float64Array.from(x as number[]), [x.length]);
  const rows = x as number[][];
  const cols = rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new Error(
        `nested array is not rectangular: row ${i} has length ${Array.isArray(row) ? row.length : typeof row}, row 0 has ${cols}`,
      );
    }
    data.set(row, i * cols);
  });
  return ndarray(data, [rows.length, cols]);
}

function copyRowMajor<T extends Float32Array | Float64Array>(a: ndarray.NdArray, out: T): T {
  const read = elementReader(a.data);
  const { shape, stride } = a;
  const dims = shape.length;
  const idx = new Array<number>(dims).fill(0);
  for (let i = 0; i < a.size; i++) {
    let p = a.offset;
    for (let d = 0; d < dims; d++) p += idx[d] * stride[d];
    out[i] = read(p);
    for (let d = dims - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function elementReader(data: ndarray.Data): (p: number) => number {
  const generic = data as ndarray.GenericArray<number>;
  if (!Array.isArray(data) && typeof generic.get === 'function') return (p) => Number(generic.get(p));
  const indexed = data as ArrayLike<number>;
  return (p) => Number(indexed[p]);
}
