/**
 * A DiT-style transformer denoiser network: patch embedding, learned positions, blocks with
 * adaLN-Zero conditioning on (σ, class), and a linear un-patchify head. Three options bring in what a
 * plain DiT learns slowly on little data: a depthwise 3×3 convolution at each MLP's input
 * (`localMlp`), U-ViT's long skips between the first and second half of the blocks (`skips`), and
 * pixel-level 3×3 convolutions before the patches and after the head (`convChannels`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SelfAttention } from './attention/layer';
import type { AttentionLayerInfo } from './attention/processors';
import { BlockInfo, runBlock } from './blocks';
import type { Conditioning, DitConfig, ForwardOptions, Network } from './denoiser';
import { ConditionEmbedding } from './embedding';
import { Conv2d, DepthwiseConv3x3, Linear, layerNorm, silu } from './layers';
import { Params, Scope } from './params';

/** Returns x·(1+scale)+shift with per-row modulation `[batch, width]` over tokens `[batch, tokens, width]`. */
function modulate(x: tf.Tensor, shift: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(x, tf.add(tf.expandDims(scale, 1), 1)), tf.expandDims(shift, 1));
}

/**
 * One DiT block: adaLN-Zero modulated attention and MLP over tokens `[batch, tokens, width]`. Block hooks can name the
 * whole block (`blocks.i`) or its attention branch x + g·attn(…) (`blocks.i.attn`, the attention layer's own name).
 */
export class DitBlock {
  readonly attn: SelfAttention;
  /** The whole block, then its attention branch. */
  readonly blocks: [BlockInfo, BlockInfo];
  private readonly mod: Linear;
  private readonly fc1: Linear;
  private readonly fc2: Linear;
  private readonly local: DepthwiseConv3x3 | null;

  constructor(
    s: Scope,
    name: string,
    width: number,
    heads: number,
    private readonly grid: [number, number],
    localMlp: boolean,
  ) {
    this.attn = new SelfAttention(s.scope('attn'), `${name}.attn`, width, heads, grid, false);
    this.blocks = [
      { name, residual: true },
      { name: `${name}.attn`, residual: true },
    ];
    this.mod = new Linear(s.scope('adaLN'), width, 6 * width, 'zeros');
    this.fc1 = new Linear(s.scope('mlp.fc1'), width, 4 * width);
    this.local = localMlp ? new DepthwiseConv3x3(s.scope('mlp.local'), width, 'zeros') : null;
    this.fc2 = new Linear(s.scope('mlp.fc2'), 4 * width, width);
  }

  /** Returns the updated tokens `[batch, tokens, width]` given the conditioning `[batch, width]`. */
  apply(x: tf.Tensor3D, c: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
    return runBlock(this.blocks[0], x, (h) => this.forward(h, c, opts), opts.blocks);
  }

  private forward(x: tf.Tensor3D, c: tf.Tensor2D, opts: ForwardOptions): tf.Tensor3D {
    const [sh1, sc1, g1, sh2, sc2, g2] = tf.split(this.mod.apply(c), 6, 1);
    const attend = (t: tf.Tensor3D): tf.Tensor3D => {
      const a = this.attn.apply(modulate(layerNorm(t), sh1, sc1) as tf.Tensor3D, opts.processors);
      return tf.add(t, tf.mul(tf.expandDims(g1, 1), a)) as tf.Tensor3D;
    };
    x = runBlock(this.blocks[1], x, attend, opts.blocks);
    let h = modulate(layerNorm(x), sh2, sc2);
    if (this.local) {
      const [b, t, w] = h.shape;
      h = tf.add(h, this.local.apply(h.reshape([b, this.grid[0], this.grid[1], w])).reshape([b, t, w]));
    }
    const m = this.fc2.apply(silu(this.fc1.apply(h)));
    return tf.add(x, tf.mul(tf.expandDims(g2, 1), m)) as tf.Tensor3D;
  }
}

/**
 * Returns DiT's fixed 2-D sine-cosine position table `[grid·grid·width]` (row-major tokens): the first
 * half of the channels encodes the row, the second the column, each as sines then cosines of
 * position·10000^(−k/(width/4)). The table starts the learned positions, so each token knows where it is
 * from the first step (small random positions left samples as scrambled 4×4 patches after 40k images).
 */
export function sinCosPositions(grid: number, width: number): Float32Array {
  if (width % 4 !== 0) throw new Error(`DiT: width ${width} must be a multiple of 4 for 2-D sine-cosine positions`);
  const quarter = width / 4;
  const out = new Float32Array(grid * grid * width);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const base = (r * grid + c) * width;
      for (let k = 0; k < quarter; k++) {
        const omega = Math.pow(10000, -k / quarter);
        out[base + k] = Math.sin(r * omega);
        out[base + quarter + k] = Math.cos(r * omega);
        out[base + 2 * quarter + k] = Math.sin(c * omega);
        out[base + 3 * quarter + k] = Math.cos(c * omega);
      }
    }
  }
  return out;
}

/** The DiT network F. */
export class DitNetwork implements Network {
  readonly params: Params;
  readonly noiseEmbDim: number;
  readonly attention: AttentionLayerInfo[];
  readonly blocks: BlockInfo[];
  private readonly embed: ConditionEmbedding;
  private readonly patchIn: Linear;
  private readonly pos: tf.Variable;
  private readonly layers: DitBlock[];
  /** Projections `[2·width → width]` of the long skips into the second half's blocks (empty without skips). */
  private readonly skipIn: Linear[];
  private readonly finalMod: Linear;
  private readonly head: Linear;
  private readonly grid: number;
  /** Channels per pixel between the convolutions and the patches (the image's channels without them). */
  private readonly pixelChannels: number;
  private readonly stem: Conv2d | null;
  private readonly outConv: Conv2d | null;

  constructor(
    readonly config: DitConfig,
    seed: number,
  ) {
    const { imageSize, patch, width, depth, heads, channels, classes } = config;
    if (imageSize % patch !== 0) throw new Error(`DiT: image size ${imageSize} is not a multiple of patch ${patch}`);
    this.params = new Params(seed);
    const root = this.params.scope('dit');
    this.grid = imageSize / patch;
    this.noiseEmbDim = width;
    this.embed = new ConditionEmbedding(root.scope('embed'), width, classes);
    const conv = config.convChannels;
    if (conv !== undefined && !(Number.isInteger(conv) && conv > 0))
      throw new Error(`DiT: convChannels must be a positive integer; got ${conv}`);
    this.pixelChannels = conv ?? channels;
    this.stem = conv ? new Conv2d(root.scope('stem'), channels, conv) : null;
    this.outConv = conv ? new Conv2d(root.scope('out.conv'), conv, channels, 3, 'zeros') : null;
    this.patchIn = new Linear(root.scope('patch'), patch * patch * this.pixelChannels, width);
    this.pos = root.create('pos', [1, this.grid * this.grid, width], { values: sinCosPositions(this.grid, width) });
    this.layers = Array.from(
      { length: depth },
      (_, i) => new DitBlock(root.scope(`blocks.${i}`), `blocks.${i}`, width, heads, [this.grid, this.grid], config.localMlp ?? false),
    );
    const half = Math.floor(depth / 2);
    this.skipIn = config.skips
      ? Array.from({ length: half }, (_, i) => new Linear(root.scope(`blocks.${depth - 1 - i}.skip`), 2 * width, width))
      : [];
    this.finalMod = new Linear(root.scope('final.adaLN'), width, 2 * width, 'zeros');
    this.head = new Linear(root.scope('final.linear'), width, patch * patch * this.pixelChannels, conv ? 'default' : 'zeros');
    this.attention = this.layers.map((b) => b.attn.info);
    this.blocks = this.layers.flatMap((b) => b.blocks);
  }

  apply(xIn: tf.Tensor4D, cNoise: tf.Tensor1D, classOneHot: tf.Tensor2D, cond: Conditioning, opts: ForwardOptions): tf.Tensor4D {
    const { patch } = this.config;
    const channels = this.pixelChannels;
    const [b] = xIn.shape;
    const g = this.grid;
    const c = silu(this.embed.apply(cNoise, classOneHot, cond)) as tf.Tensor2D;
    const pixels = this.stem ? (silu(this.stem.apply(xIn)) as tf.Tensor4D) : xIn;
    const tokens = pixels
      .reshape([b, g, patch, g, patch, channels])
      .transpose([0, 1, 3, 2, 4, 5])
      .reshape([b, g * g, patch * patch * channels]);
    let x = tf.add(this.patchIn.apply(tokens), this.pos) as tf.Tensor3D;
    // Long skips: block depth−1−i receives the input of block i (i < depth/2), concatenated and projected.
    const depth = this.layers.length;
    const saved: tf.Tensor3D[] = [];
    this.layers.forEach((block, i) => {
      if (i < this.skipIn.length) saved.push(x);
      const from = depth - 1 - i;
      if (from < this.skipIn.length) x = this.skipIn[from].apply(tf.concat([x, saved[from]], 2)) as tf.Tensor3D;
      x = block.apply(x, c, opts);
    });
    const [shift, scale] = tf.split(this.finalMod.apply(c), 2, 1);
    const out = this.head.apply(modulate(layerNorm(x), shift, scale));
    const image = out
      .reshape([b, g, g, patch, patch, channels])
      .transpose([0, 1, 3, 2, 4, 5])
      .reshape([b, g * patch, g * patch, channels]) as tf.Tensor4D;
    return this.outConv ? this.outConv.apply(silu(image) as tf.Tensor4D) : image;
  }
}
