/** tfjs tensors from a data set: one batch for given indices, or an epoch of batches. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random';
import { IMAGE_SIZE, type Dataset } from './dataset';

/** A batch: images `[n, 32, 32, 1]` float32, labels `[n]` int32, and the data set indices used. */
export interface Batch {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
  indices: Int32Array;
}

/** Returns images `[n, 32, 32, 1]` and labels `[n]` of `ds` at `indices` (the caller disposes them). */
export function toTensor(ds: Dataset, indices: ArrayLike<number>): Batch {
  const per = IMAGE_SIZE * IMAGE_SIZE;
  const n = indices.length;
  const images = new Float32Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const idx = indices[i];
    if (!Number.isInteger(idx) || idx < 0 || idx >= ds.count) throw new Error(`index ${idx} out of range for ${ds.name}; expected 0..${ds.count - 1}`);
    images.set(ds.images.subarray(idx * per, (idx + 1) * per), i * per);
    labels[i] = ds.labels[idx];
  }
  return {
    images: tf.tensor4d(images, [n, IMAGE_SIZE, IMAGE_SIZE, 1], 'float32'),
    labels: tf.tensor1d(labels, 'int32'),
    indices: Int32Array.from(indices),
  };
}

/**
 * Yields one epoch of `toTensor` batches of `batchSize` over `indices`: in the given order, or
 * shuffled by (seed, epoch) when `seed` is set; the last short batch is dropped with `dropRemainder`.
 */
export function* batchIterator(
  ds: Dataset,
  indices: ArrayLike<number>,
  options: { batchSize: number; seed?: number; epoch?: number; dropRemainder?: boolean },
): Generator<Batch> {
  const { batchSize, seed, epoch = 0, dropRemainder = false } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batchSize must be a positive integer; got ${batchSize}`);
  const order = seed === undefined ? Array.from(indices) : new Rng(seed, epoch).permutation(indices.length).map((i) => indices[i]);
  const end = dropRemainder ? order.length - (order.length % batchSize) : order.length;
  for (let start = 0; start < end; start += batchSize) yield toTensor(ds, order.slice(start, start + batchSize));
}
