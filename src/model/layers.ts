/**
 * The building blocks of the denoisers, as small classes holding their parameters and a pure
 * `apply`. Images are NHWC; token sequences are [batch, tokens, channels].
 */
import * as tf from '@tensorflow/tfjs-core';
import { groupNorm } from '../backend/fused';
import type { Scope } from './params';

/** y = x·W + b over the last axis. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    s: Scope,
    readonly inDim: number,
    readonly outDim: number,
    init: 'default' | 'zeros' = 'default',
  ) {
    this.weight = s.create('weight', [inDim, outDim], init === 'zeros' ? 'zeros' : { std: 1 / Math.sqrt(inDim) });
    this.bias = s.create('bias', [outDim], 'zeros');
  }

  /** Returns x·W + b with the shape of x and the last axis `outDim`. */
  apply(x: tf.Tensor): tf.Tensor {
    const lead = x.shape.slice(0, -1);
    const flat = x.reshape([-1, this.inDim]);
    return tf.add(tf.matMul(flat, this.weight), this.bias).reshape([...lead, this.outDim]);
  }
}

/** A 3×3 (or k×k) 'same' convolution with bias, NHWC. */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(s: Scope, inCh: number, outCh: number, kernel = 3, init: 'default' | 'zeros' = 'default') {
    this.weight = s.create(
      'weight',
      [kernel, kernel, inCh, outCh],
      init === 'zeros' ? 'zeros' : { std: 1 / Math.sqrt(inCh * kernel * kernel) },
    );
    this.bias = s.create('bias', [outCh], 'zeros');
  }

  /** Returns conv(x) + b, `[batch, h, w, outCh]`. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.add(tf.conv2d(x, this.weight as tf.Tensor4D, 1, 'same'), this.bias) as tf.Tensor4D;
  }
}

/**
 * A depthwise 3×3 'same' convolution with bias, NHWC, written as nine shifted, per-channel scaled
 * copies: every op has a fast wasm gradient (tfjs-backend-wasm registers no depthwise backprop kernels).
 */
export class DepthwiseConv3x3 {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(
    s: Scope,
    readonly channels: number,
    init: 'default' | 'zeros' = 'default',
  ) {
    this.weight = s.create('weight', [9, channels], init === 'zeros' ? 'zeros' : { std: 1 / 3 });
    this.bias = s.create('bias', [channels], 'zeros');
  }

  /** Returns the per-channel convolution of x plus bias, `[batch, h, w, channels]`. */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const padded = tf.pad(x, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const taps = tf.unstack(this.weight);
    let out: tf.Tensor = this.bias;
    for (let dy = 0; dy < 3; dy++) {
      for (let dx = 0; dx < 3; dx++) out = tf.add(out, tf.mul(tf.slice(padded, [0, dy, dx, 0], [b, h, w, c]), taps[dy * 3 + dx]));
    }
    return out as tf.Tensor4D;
  }
}

/** Group normalisation over NHWC feature maps, with learned scale and shift. */
export class GroupNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  constructor(
    s: Scope,
    readonly channels: number,
    readonly groups = 8,
  ) {
    if (channels % groups !== 0) throw new Error(`GroupNorm: ${channels} channels do not split into ${groups} groups`);
    this.gamma = s.create('weight', [channels], 'ones');
    this.beta = s.create('bias', [channels], 'zeros');
  }

  /** Returns the normalised map, `[batch, h, w, channels]` (one fused kernel on wasm). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return groupNorm(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.groups);
  }
}

/** Returns layer normalisation over the last axis without learned parameters (adaLN supplies them). */
export function layerNorm(x: tf.Tensor, eps = 1e-6): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
}

/** Returns x·sigmoid(x), same shape. */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * Returns Fourier features of the noise level `[batch, dim]`: cos and sin of c_noise = ln(σ)/4
 * times fixed frequencies spaced geometrically from 1 to 100 (c_noise spans about −1.6 … 1.1).
 */
export function noiseFeatures(cNoise: tf.Tensor1D, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const freqs = new Float32Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.pow(100, i / Math.max(half - 1, 1));
  const args = tf.mul(cNoise.reshape([-1, 1]), tf.tensor2d(freqs, [1, half]));
  return tf.concat([tf.cos(args), tf.sin(args)], 1) as tf.Tensor2D;
}

/** Returns nearest 2× upsampling of an NHWC map, `[batch, 2h, 2w, c]` (broadcast, so its gradient is a sum). */
export function upsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const six = x.reshape([b, h, 1, w, 1, c]);
  return tf.add(six, tf.zeros([1, 1, 2, 1, 2, 1])).reshape([b, 2 * h, 2 * w, c]) as tf.Tensor4D;
}

/** Returns 2×2 average pooling of an NHWC map, `[batch, h/2, w/2, c]`. */
export function downsample2x(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.mean(x.reshape([b, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D;
}
