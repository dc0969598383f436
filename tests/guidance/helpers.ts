import * as tf from '@tensorflow/tfjs-core';
import { createDenoiser } from '../../src/model/factory';
import type { Denoiser, ModelConfig } from '../../src/model/denoiser';
import { Rng } from '../../src/random';

export const TINY_DIT: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 32, depth: 2, heads: 2 };
export const TINY_UNET: ModelConfig = {
  arch: 'unet',
  imageSize: 32,
  channels: 1,
  classes: 10,
  widths: [8, 16, 16],
  attentionLevels: [1, 2],
  heads: 2,
  blocks: 1,
};

/** Returns a tiny denoiser whose every parameter is perturbed (so zero-initialised outputs depend on the input). */
export function tinyModel(config: ModelConfig = TINY_DIT, seed = 1): Denoiser {
  const model = createDenoiser(config, seed);
  const rng = new Rng(seed, 99);
  for (const v of model.net.params.vars.values()) {
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(rng.normals(v.size), v.shape).mul(0.2))));
  }
  return model;
}

/** Returns a seeded input `[n, 32, 32, 1]` at scale `scale`. */
export function input(n: number, scale = 1, seed = 5): tf.Tensor4D {
  return tf.tensor4d(
    new Rng(seed).normals(n * 32 * 32).map((v) => v * scale),
    [n, 32, 32, 1],
  );
}

/** Returns the largest absolute difference between two tensors. */
export function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
