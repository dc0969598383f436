/**
 * A small residual MLP denoiser network for 2-D points (the toy laboratory): points are `[batch, 1, 1, 2]`
 * "images", so the shared EDM preconditioning, loss, guidance terms and checkpoints apply unchanged.
 * F = Linear_out(SiLU(h)), h = Linear_in(c_in·x) + Linear_c(SiLU(emb)) then `depth` residual layers
 * h ← h + Linear(SiLU(h)); emb is the shared noise-level + class embedding (null class included).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionLayerInfo } from './attention/processors';
import type { BlockInfo } from './blocks';
import type { Conditioning, MlpConfig, Network } from './denoiser';
import { ConditionEmbedding } from './embedding';
import { Linear, silu } from './layers';
import { Params } from './params';

/** The point MLP network F(c_in·x; c_noise, c). */
export class MlpNetwork implements Network {
  readonly params: Params;
  readonly noiseEmbDim: number;
  readonly attention: AttentionLayerInfo[] = [];
  readonly blocks: BlockInfo[] = [];
  private readonly embed: ConditionEmbedding;
  private readonly input: Linear;
  private readonly cond: Linear;
  private readonly layers: Linear[];
  private readonly output: Linear;

  constructor(
    readonly config: MlpConfig,
    seed: number,
  ) {
    const { width, depth, embDim, classes, imageSize, channels } = config;
    for (const [k, v] of Object.entries({ width, depth, embDim })) {
      if (!(Number.isInteger(v) && v >= 1)) throw new Error(`mlp: ${k} must be an integer ≥ 1; got ${v}`);
    }
    if (embDim % 2 !== 0) throw new Error(`mlp: embDim must be even (cos and sin features); got ${embDim}`);
    if (imageSize !== 1 || channels < 1) {
      throw new Error(`mlp: points are [batch, 1, 1, channels]; got imageSize ${imageSize}, channels ${channels}`);
    }
    if (!(Number.isInteger(classes) && classes >= 0)) throw new Error(`mlp: classes must be an integer ≥ 0; got ${classes}`);
    this.params = new Params(seed);
    const root = this.params.scope('mlp');
    this.noiseEmbDim = embDim;
    this.embed = new ConditionEmbedding(root.scope('embed'), embDim, classes);
    this.input = new Linear(root.scope('in'), channels, width);
    this.cond = new Linear(root.scope('cond'), embDim, width);
    this.layers = Array.from({ length: depth }, (_, i) => new Linear(root.scope(`layers.${i}`), width, width));
    this.output = new Linear(root.scope('out'), width, channels, 'zeros');
  }

  /** Returns F `[batch, 1, 1, channels]` for scaled points `[batch, 1, 1, channels]`. */
  apply(xIn: tf.Tensor4D, cNoise: tf.Tensor1D, classOneHot: tf.Tensor2D, cond: Conditioning): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, , , c] = xIn.shape;
      const emb = silu(this.embed.apply(cNoise, classOneHot, cond));
      let h = tf.add(this.input.apply(xIn.reshape([b, c])), this.cond.apply(emb));
      for (const layer of this.layers) h = tf.add(h, layer.apply(silu(h)));
      return this.output.apply(silu(h)).reshape([b, 1, 1, c]) as tf.Tensor4D;
    });
  }
}
