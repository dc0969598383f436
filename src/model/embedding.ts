/**
 * The conditioning embedding shared by both architectures: noise-level features (optionally
 * perturbed, for TSG) through a two-layer MLP, plus a learned class embedding (null class included).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear, noiseFeatures, silu } from './layers';
import type { Scope } from './params';
import type { Conditioning } from './denoiser';

/** Maps (c_noise, class) to an embedding `[batch, dim]`. */
export class ConditionEmbedding {
  private readonly fc1: Linear;
  private readonly fc2: Linear;
  private readonly classTable: tf.Variable;

  constructor(
    s: Scope,
    readonly dim: number,
    classes: number,
  ) {
    this.fc1 = new Linear(s.scope('noise.fc1'), dim, dim);
    this.fc2 = new Linear(s.scope('noise.fc2'), dim, dim);
    this.classTable = s.create('class.weight', [classes + 1, dim], { std: 1 });
  }

  /** Returns the embedding `[batch, dim]`; the noise features take `cond.noiseEmbOffset` if given. */
  apply(cNoise: tf.Tensor1D, classOneHot: tf.Tensor2D, cond: Conditioning): tf.Tensor2D {
    let feats: tf.Tensor = noiseFeatures(cNoise, this.dim);
    if (cond.noiseEmbOffset) {
      if (cond.noiseEmbOffset.shape.join() !== feats.shape.join()) {
        throw new Error(`noiseEmbOffset has shape [${cond.noiseEmbOffset.shape}], expected [${feats.shape}]`);
      }
      feats = tf.add(feats, cond.noiseEmbOffset);
    }
    const noise = this.fc2.apply(silu(this.fc1.apply(feats)));
    let cls: tf.Tensor = tf.matMul(classOneHot, this.classTable);
    if (cond.classEmb) {
      if (cond.classEmb.shape.join() !== cls.shape.join())
        throw new Error(`classEmb has shape [${cond.classEmb.shape}], expected [${cls.shape}]`);
      cls = cond.classEmb;
    }
    return tf.add(noise, cls) as tf.Tensor2D;
  }
}
