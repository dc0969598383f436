/** Reconstruction error of the feature autoencoder, per image and per class. */
import * as tf from '@tensorflow/tfjs-core';
import { toTensor, type Dataset } from '../../data';
import type { Autoencoder } from '../../model/autoencoder';

/** Mean squared error per pixel ([−1, 1] scale): over all images, per class, and the class counts. */
export interface ReconstructionErrors {
  mse: number;
  /** `perClass[c]`: mean over the images of class c (NaN when there are none). */
  perClass: number[];
  counts: number[];
}

/** Images per forward pass. */
const CHUNK = 500;

/** Returns each image's mean squared reconstruction error `[n]` for images `[n, h, w, c]`. */
export function imageErrors(ae: Autoencoder, images: tf.Tensor4D): Float32Array {
  const out = new Float32Array(images.shape[0]);
  for (let start = 0; start < out.length; start += CHUNK) {
    const size = Math.min(CHUNK, out.length - start);
    const e = tf.tidy(() => {
      const x = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      return tf.mean(tf.squaredDifference(ae.reconstruct(x), x), [1, 2, 3]);
    });
    out.set(e.dataSync() as Float32Array, start);
    e.dispose();
  }
  return out;
}

/** Returns the reconstruction error of `indices` of `ds`, overall and per class. */
export function reconstructionErrors(ae: Autoencoder, ds: Dataset, indices: ArrayLike<number>): ReconstructionErrors {
  if (indices.length === 0) throw new Error('reconstructionErrors: no images (indices is empty)');
  const sums = new Array<number>(ds.classes).fill(0);
  const counts = new Array<number>(ds.classes).fill(0);
  let total = 0;
  for (let start = 0; start < indices.length; start += CHUNK) {
    const idx = Array.from(indices).slice(start, start + CHUNK);
    const { images, labels } = toTensor(ds, idx);
    const errors = imageErrors(ae, images);
    const ls = labels.dataSync();
    tf.dispose([images, labels]);
    errors.forEach((e, i) => {
      sums[ls[i]] += e;
      counts[ls[i]]++;
      total += e;
    });
  }
  return { mse: total / indices.length, perClass: sums.map((s, c) => s / counts[c]), counts };
}
