/**
 * Tensor → plain image conversion for the viz builders. The viz module stays tfjs-free (its inputs
 * are plain arrays), so the one place that reads tensors into `ImageInput`s lives here.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ImageInput } from '../viz';

/**
 * Returns one `ImageInput` per row of a batch `[n, h, w, 1]` (pixels row-major, h·w each, values as
 * in the tensor), each merged with `caption(i)` (label, method, γ, …).
 */
export function toImages(x: tf.Tensor4D, caption: (i: number) => Partial<ImageInput> = () => ({})): ImageInput[] {
  const [n, h, w] = x.shape;
  const data = x.dataSync() as Float32Array;
  return Array.from({ length: n }, (_, i) => ({ pixels: data.slice(i * h * w, (i + 1) * h * w), height: h, width: w, ...caption(i) }));
}
