/** The reference images of a spec: n images spread over a data set split (the classifier's split). */
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset, splitDataset, spreadSubset, toTensor } from '../data';
import { CLASSIFIER_SPLIT } from '../metrics/classifier';
import type { SweepSpec } from './spec';

/** Returns `ref.n` images `[n, 32, 32, 1]` of split `ref.split` of `ref.dataset` (all of it, or a seeded subset over every class). */
export async function referenceImages(ref: SweepSpec['reference']): Promise<tf.Tensor4D> {
  const ds = await loadDataset(ref.dataset);
  const indices = splitDataset(ds, CLASSIFIER_SPLIT)[ref.split];
  if (ref.n > indices.length) throw new Error(`reference.n = ${ref.n}, but ${ref.dataset} ${ref.split} has ${indices.length} images`);
  const { images, labels } = toTensor(ds, spreadSubset(indices, ref.n));
  labels.dispose();
  return images;
}
