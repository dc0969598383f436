/**
 * The denoiser interface shared by both architectures, and EDM preconditioning (Karras et al. 2022):
 * D(x; σ, c) = c_skip·x + c_out·F(c_in·x; c_noise, c), σ_data = 0.5.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionLayerInfo, ProcessorMap } from './attention/processors';
import type { BlockHookMap, BlockInfo } from './blocks';
import type { Params } from './params';

/** The label that means "no class" (the learned null class of classifier-free guidance). */
export const NULL_LABEL = -1;

export const SIGMA_DATA = 0.5;

/** Architecture and size of a denoiser; stored in every checkpoint. */
export type ModelConfig = DitConfig | UnetConfig | MlpConfig;

export interface DitConfig {
  arch: 'dit';
  imageSize: number;
  channels: number;
  /** Number of classes (0 for an unconditional model); the null class is extra. */
  classes: number;
  patch: number;
  width: number;
  depth: number;
  heads: number;
  /** A depthwise 3×3 convolution over the token grid at each MLP's input (residual, zero-initialised): locality a patch embedding lacks. */
  localMlp?: boolean;
  /** U-ViT long skips: block depth−1−i takes the input of block i, concatenated and projected back to the width. */
  skips?: boolean;
  /**
   * Channels of a pixel-level 3×3 convolution stem (image → this many channels, SiLU, then patches)
   * and head (patches of this many channels → 3×3 convolution → image), so neighbouring patches see
   * each other's pixels; absent: plain linear patch embedding and head.
   */
  convChannels?: number;
}

/** A residual MLP on points `[batch, 1, 1, channels]` (the 2-D toy): imageSize 1, channels 2. */
export interface MlpConfig {
  arch: 'mlp';
  imageSize: 1;
  channels: number;
  classes: number;
  /** Hidden units per layer. */
  width: number;
  /** Residual hidden layers. */
  depth: number;
  /** Width of the noise-level and class embedding (even). */
  embDim: number;
}

export interface UnetConfig {
  arch: 'unet';
  imageSize: number;
  channels: number;
  classes: number;
  /** Feature channels per resolution level (32, 16, 8 for three levels at 32×32). */
  widths: number[];
  /** Levels (indices into widths) whose last block has self-attention; the middle block always has. */
  attentionLevels: number[];
  heads: number;
  /** Residual blocks per level on the way down (the way up has one more). */
  blocks: number;
}

/** The condition of one forward pass. */
export interface Conditioning {
  /** A class per batch row, 0 … classes−1, or NULL_LABEL. */
  labels: ArrayLike<number>;
  /**
   * Optional additive perturbation of the noise-level embedding `[batch, embDim]` (TSG);
   * `embDim` is `Denoiser.noiseEmbDim`.
   */
  noiseEmbOffset?: tf.Tensor2D;
  /** Optional replacement of the class embedding `[batch, embDim]` (ICG's Gaussian variant). */
  classEmb?: tf.Tensor2D;
}

/** Options of one forward pass. */
export interface ForwardOptions {
  processors?: ProcessorMap;
  /** Hooks on whole residual blocks by block name (`Network.blocks`), e.g. a skip on some rows. */
  blocks?: BlockHookMap;
}

/** The raw network F(c_in·x; c_noise, c) of an architecture. */
export interface Network {
  readonly config: ModelConfig;
  readonly params: Params;
  readonly noiseEmbDim: number;
  /** Every attention layer, in forward order. */
  readonly attention: AttentionLayerInfo[];
  /** Every block a hook can name, in forward order. */
  readonly blocks: BlockInfo[];
  /**
   * Returns F `[batch, h, w, channels]` for scaled input `[batch, h, w, channels]`, c_noise `[batch]` and class one-hots `[batch,
   * classes+1]`.
   */
  apply(xIn: tf.Tensor4D, cNoise: tf.Tensor1D, classOneHot: tf.Tensor2D, cond: Conditioning, opts: ForwardOptions): tf.Tensor4D;
}

/** EDM's coefficients c_skip, c_out, c_in, c_noise for one σ. */
export function preconditioning(sigma: number): { cSkip: number; cOut: number; cIn: number; cNoise: number } {
  const s2 = sigma * sigma + SIGMA_DATA * SIGMA_DATA;
  return {
    cSkip: (SIGMA_DATA * SIGMA_DATA) / s2,
    cOut: (sigma * SIGMA_DATA) / Math.sqrt(s2),
    cIn: 1 / Math.sqrt(s2),
    cNoise: Math.log(sigma) / 4,
  };
}

/** A preconditioned denoiser D(x; σ, c) around a network. */
export class Denoiser {
  constructor(readonly net: Network) {}

  get config(): ModelConfig {
    return this.net.config;
  }

  /** Every attention layer (name, grid, heads, head width), in forward order. */
  get attentionLayers(): AttentionLayerInfo[] {
    return this.net.attention;
  }

  /** Every block a block hook can name (name, whether it keeps its input's shape), in forward order. */
  get blocks(): BlockInfo[] {
    return this.net.blocks;
  }

  get noiseEmbDim(): number {
    return this.net.noiseEmbDim;
  }

  /**
   * Returns D(x; σ, c) `[batch, h, w, channels]` for x of that shape and σ per row (a number
   * applies to every row).
   */
  denoise(x: tf.Tensor4D, sigma: number | ArrayLike<number>, cond: Conditioning, opts: ForwardOptions = {}): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const cfg = this.net.config;
    if (h !== cfg.imageSize || w !== cfg.imageSize || c !== cfg.channels) {
      throw new Error(`denoise: images are ${h}×${w}×${c}, the model takes ${cfg.imageSize}×${cfg.imageSize}×${cfg.channels}`);
    }
    const sig = typeof sigma === 'number' ? new Array<number>(b).fill(sigma) : Array.from(sigma);
    if (sig.length !== b) throw new Error(`denoise: ${sig.length} σ values for a batch of ${b}`);
    for (const s of sig) if (!(s > 0) || !Number.isFinite(s)) throw new Error(`denoise: σ must be positive and finite; got ${s}`);
    if (cond.labels.length !== b) throw new Error(`denoise: ${cond.labels.length} labels for a batch of ${b}`);
    this.checkProcessors(opts);
    const k = sig.map(preconditioning);
    const col = (f: (p: ReturnType<typeof preconditioning>) => number): tf.Tensor => tf.tensor(k.map(f), [b, 1, 1, 1]);
    return tf.tidy(() => {
      const cNoise = tf.tensor1d(k.map((p) => p.cNoise));
      const F = this.net.apply(
        tf.mul(
          x,
          col((p) => p.cIn),
        ) as tf.Tensor4D,
        cNoise,
        classOneHot(cond.labels, cfg.classes),
        cond,
        opts,
      );
      return tf.add(
        tf.mul(
          x,
          col((p) => p.cSkip),
        ),
        tf.mul(
          F,
          col((p) => p.cOut),
        ),
      ) as tf.Tensor4D;
    });
  }

  private checkProcessors(opts: ForwardOptions): void {
    const layers = this.net.attention.map((a) => a.name);
    for (const key of Object.keys(opts.processors ?? {})) {
      if (!layers.includes(key)) throw new Error(`unknown attention layer "${key}"; layers: ${layers.join(', ')}`);
    }
    const blocks = this.net.blocks.map((b) => b.name);
    for (const key of Object.keys(opts.blocks ?? {})) {
      if (!blocks.includes(key))
        throw new Error(`unknown block "${key}"; blocks: ${blocks.join(', ') || 'none (this network has no hookable blocks)'}`);
    }
  }
}

/** Returns one-hot rows `[batch, classes+1]`, the last column being the null class. */
export function classOneHot(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const n = labels.length;
  const buf = new Float32Array(n * (classes + 1));
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l === NULL_LABEL) buf[i * (classes + 1) + classes] = 1;
    else if (Number.isInteger(l) && l >= 0 && l < classes) buf[i * (classes + 1) + l] = 1;
    else {
      throw new Error(
        `label ${l} at row ${i} is not a class: use 0…${classes - 1}${classes === 0 ? ' (this model is unconditional)' : ''} or NULL_LABEL (${NULL_LABEL})`,
      );
    }
  }
  return tf.tensor2d(buf, [n, classes + 1]);
}
