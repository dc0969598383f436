/** A cheap featurizer for sweep tests: a fixed random projection of the pixels (first 10 columns as logits). */
import * as tf from '@tensorflow/tfjs-core';
import type { Featurizer } from '../../src/metrics';
import { Rng } from '../../src/random';

/** Options: feature width, projection seed, and an optional busy wait per call (to make points slow). */
export interface ProjectionOptions {
  dims: number;
  seed: number;
  delayMs?: number;
}

/** Returns the projection featurizer; its digest names dims and seed. */
export function projectionFeaturizer(o: ProjectionOptions): Required<Featurizer> {
  const w = tf.tensor2d(
    new Rng(o.seed, 7).normals(32 * 32 * o.dims).map((v) => v / 32),
    [32 * 32, o.dims],
  );
  const features = (images: tf.Tensor4D): tf.Tensor2D => {
    const until = Date.now() + (o.delayMs ?? 0);
    while (Date.now() < until);
    return tf.tidy(() => tf.matMul(tf.reshape(images, [images.shape[0], 32 * 32]), w));
  };
  return {
    digest: `projection-${o.dims}-${o.seed}`,
    features,
    logits: (images) =>
      tf.tidy(() => {
        const f = features(images);
        return tf.slice(f, [0, 0], [-1, 10]);
      }),
  };
}
