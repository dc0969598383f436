/**
 * A convolutional autoencoder of images in [−1, 1], trained without labels: its bottleneck is the
 * metrics' second feature space, independent of the feature classifier. Encoder: per level a 3×3
 * convolution, SiLU and 2× average pooling (32 → 16 → 8 → 4 → 2), then a linear map of the flattened
 * 2×2 grid to the bottleneck. Decoder: the mirror (linear to a 2×2 grid, then per level a 2× nearest
 * upsampling and a 3×3 convolution to the next level's width, SiLU between them; the last maps to the image
 * channels).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Linear, downsample2x, silu, upsample2x } from './layers';
import { Params } from './params';

/** Size of an autoencoder; stored in its checkpoint. */
export interface AutoencoderConfig {
  arch: 'conv-autoencoder';
  imageSize: number;
  channels: number;
  /** Channels of the encoder's levels, highest resolution first (the decoder mirrors them). */
  widths: number[];
  /** Width of the bottleneck (the feature vector). */
  bottleneck: number;
}

/** The MNIST feature autoencoder's size: 4 levels of 16, 32, 64, 64 channels and a 64-d bottleneck. */
export const DEFAULT_AUTOENCODER_CONFIG: AutoencoderConfig = {
  arch: 'conv-autoencoder',
  imageSize: 32,
  channels: 1,
  widths: [16, 32, 64, 64],
  bottleneck: 64,
};

/** The autoencoder with named parameters (`enc.0.weight`, `enc.to_code.weight`, `dec.from_code.weight`, `dec.out.weight`, …). */
export class Autoencoder {
  readonly params: Params;
  /** Side of the smallest grid (imageSize / 2^levels). */
  readonly side: number;
  private readonly down: Conv2d[];
  private readonly toCode: Linear;
  private readonly fromCode: Linear;
  private readonly up: Conv2d[];
  private readonly out: Conv2d;

  constructor(
    readonly config: AutoencoderConfig,
    seed = 0,
  ) {
    const { imageSize, channels, widths, bottleneck } = config;
    if (config.arch !== 'conv-autoencoder') throw new Error(`autoencoder: config.arch is "${String(config.arch)}", not "conv-autoencoder"`);
    if (widths.length < 1 || widths.some((w) => !Number.isInteger(w) || w < 1))
      throw new Error(`autoencoder: widths must be one or more positive integers; got [${widths}]`);
    if (!Number.isInteger(bottleneck) || bottleneck < 1)
      throw new Error(`autoencoder: bottleneck must be a positive integer; got ${bottleneck}`);
    const scale = 2 ** widths.length;
    if (!Number.isInteger(imageSize) || imageSize % scale !== 0)
      throw new Error(`autoencoder: imageSize ${imageSize} must be a multiple of ${scale} (${widths.length} 2× poolings)`);
    this.side = imageSize / scale;
    this.params = new Params(seed);
    const p = this.params;
    const last = widths[widths.length - 1];
    const flat = this.side * this.side * last;
    this.down = widths.map((w, i) => new Conv2d(p.scope(`enc.${i}`), i === 0 ? channels : widths[i - 1], w));
    this.toCode = new Linear(p.scope('enc.to_code'), flat, bottleneck);
    this.fromCode = new Linear(p.scope('dec.from_code'), bottleneck, flat);
    // Decoder level i runs at the resolution of encoder level L−1−i and maps its width to the next level's; the last to the image.
    const rev = [...widths].reverse();
    this.up = rev.slice(0, -1).map((w, i) => new Conv2d(p.scope(`dec.${i}`), w, rev[i + 1]));
    this.out = new Conv2d(p.scope('dec.out'), rev[rev.length - 1], channels);
  }

  /** Returns the bottleneck codes `[n, bottleneck]` of images `[n, size, size, channels]` in [−1, 1]. */
  encode(images: tf.Tensor4D): tf.Tensor2D {
    const { imageSize, channels } = this.config;
    const [n, h, w, c] = images.shape;
    if (h !== imageSize || w !== imageSize || c !== channels)
      throw new Error(`autoencoder: images are ${h}×${w}×${c}, it takes ${imageSize}×${imageSize}×${channels}`);
    return tf.tidy(() => {
      let x = images;
      for (const conv of this.down) x = downsample2x(silu(conv.apply(x)) as tf.Tensor4D);
      return this.toCode.apply(x.reshape([n, -1])) as tf.Tensor2D;
    });
  }

  /** Returns the images `[n, size, size, channels]` decoded from codes `[n, bottleneck]`. */
  decode(codes: tf.Tensor2D): tf.Tensor4D {
    const { bottleneck, widths } = this.config;
    const [n, d] = codes.shape;
    if (d !== bottleneck) throw new Error(`autoencoder: codes have ${d} columns, the bottleneck is ${bottleneck}`);
    return tf.tidy(() => {
      let x = this.fromCode.apply(codes).reshape([n, this.side, this.side, widths[widths.length - 1]]) as tf.Tensor4D;
      for (const conv of this.up) x = silu(conv.apply(upsample2x(x))) as tf.Tensor4D;
      return this.out.apply(upsample2x(x));
    });
  }

  /** Returns the reconstructions `[n, size, size, channels]` of images `[n, size, size, channels]`. */
  reconstruct(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.decode(this.encode(images)));
  }
}
