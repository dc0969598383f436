/**
 * The feature classifier's network: a convolutional stem down to a token grid, transformer blocks
 * with self-attention, and a pooled head whose penultimate layer gives the metric features.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SelfAttention } from '../../model/attention/layer';
import type { AttentionLayerInfo, ProcessorMap } from '../../model/attention/processors';
import { Conv2d, GroupNorm, Linear, downsample2x, layerNorm, silu } from '../../model/layers';
import { Params, Scope } from '../../model/params';

/** Size of a classifier; stored in its checkpoint. */
export interface ClassifierConfig {
  arch: 'attn-classifier';
  imageSize: number;
  channels: number;
  classes: number;
  /** Channels of the two stem convolutions (at full and half resolution). */
  stem: [number, number];
  /** Token width of the transformer blocks. */
  width: number;
  depth: number;
  heads: number;
  /** Width of the penultimate (feature) layer. */
  features: number;
}

/** The shipped MNIST classifier's size: 8×8 tokens of width 64, one block of 4 heads, 128 features. */
export const DEFAULT_CLASSIFIER_CONFIG: ClassifierConfig = {
  arch: 'attn-classifier',
  imageSize: 32,
  channels: 1,
  classes: 10,
  stem: [16, 32],
  width: 64,
  depth: 1,
  heads: 4,
  features: 128,
};

/** Logits `[n, classes]` and penultimate features `[n, features]` of one forward pass. */
export interface ClassifierOutput {
  logits: tf.Tensor2D;
  features: tf.Tensor2D;
}

/** Pre-norm transformer block: x + attn(LN(x)), then x + MLP(LN(x)). */
class Block {
  readonly attn: SelfAttention;
  private readonly fc1: Linear;
  private readonly fc2: Linear;

  constructor(s: Scope, name: string, width: number, heads: number, grid: [number, number]) {
    this.attn = new SelfAttention(s.scope('attn'), `${name}.attn`, width, heads, grid, false);
    this.fc1 = new Linear(s.scope('mlp.fc1'), width, 2 * width);
    this.fc2 = new Linear(s.scope('mlp.fc2'), 2 * width, width);
  }

  /** Returns the block output `[batch, tokens, width]`. */
  apply(x: tf.Tensor3D, processors?: ProcessorMap): tf.Tensor3D {
    const h = tf.add(x, this.attn.apply(layerNorm(x) as tf.Tensor3D, processors)) as tf.Tensor3D;
    return tf.add(h, this.fc2.apply(silu(this.fc1.apply(layerNorm(h))))) as tf.Tensor3D;
  }
}

/** The classifier network with its named parameters (`stem.conv1.weight`, `blocks.0.attn.qkv.weight`, …). */
export class ClassifierNet {
  readonly params: Params;
  readonly grid: [number, number];
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly norm2: GroupNorm;
  private readonly embed: Linear;
  private readonly pos: tf.Variable;
  private readonly blocks: Block[];
  private readonly hidden: Linear;
  private readonly out: Linear;

  constructor(
    readonly config: ClassifierConfig,
    seed = 0,
  ) {
    const { imageSize, channels, classes, stem, width, depth, heads, features } = config;
    if (imageSize % 4 !== 0) throw new Error(`classifier imageSize must be a multiple of 4 (two 2× poolings); got ${imageSize}`);
    this.params = new Params(seed);
    const p = this.params;
    const side = imageSize / 4;
    this.grid = [side, side];
    this.conv1 = new Conv2d(p.scope('stem.conv1'), channels, stem[0]);
    this.conv2 = new Conv2d(p.scope('stem.conv2'), stem[0], stem[1]);
    this.norm2 = new GroupNorm(p.scope('stem.norm2'), stem[1], 8);
    this.embed = new Linear(p.scope('embed'), stem[1], width);
    this.pos = p.create('pos', [side * side, width], { std: 0.02 });
    this.blocks = Array.from({ length: depth }, (_, i) => new Block(p.scope(`blocks.${i}`), `blocks.${i}`, width, heads, this.grid));
    this.hidden = new Linear(p.scope('head.hidden'), width, features);
    this.out = new Linear(p.scope('head.out'), features, classes);
  }

  /** Every attention layer, in forward order (the last one is what `attention()` reports). */
  get attention(): AttentionLayerInfo[] {
    return this.blocks.map((b) => b.attn.info);
  }

  /** Returns logits `[n, classes]` and features `[n, features]` for images `[n, size, size, channels]` in [−1, 1]. */
  apply(images: tf.Tensor4D, processors?: ProcessorMap): ClassifierOutput {
    const { imageSize, channels, width } = this.config;
    const [n, h, w, c] = images.shape;
    if (h !== imageSize || w !== imageSize || c !== channels) {
      throw new Error(`classifier: images are ${h}×${w}×${c}, it takes ${imageSize}×${imageSize}×${channels}`);
    }
    return tf.tidy(() => {
      const a = downsample2x(silu(this.conv1.apply(images)) as tf.Tensor4D);
      const b = downsample2x(silu(this.norm2.apply(this.conv2.apply(a))) as tf.Tensor4D);
      let x = tf.add(this.embed.apply(b.reshape([n, this.grid[0] * this.grid[1], -1])), this.pos) as tf.Tensor3D;
      for (const block of this.blocks) x = block.apply(x, processors);
      const pooled = tf.mean(layerNorm(x), 1).reshape([n, width]);
      const features = silu(this.hidden.apply(pooled)) as tf.Tensor2D;
      return { logits: this.out.apply(features) as tf.Tensor2D, features };
    });
  }
}
