/**
 * An ADM-style UNet denoiser network: residual blocks with scale-shift conditioning, self-attention
 * at the chosen resolutions and in the middle block, average-pool down and nearest up sampling.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SelfAttention } from './attention/layer';
import type { AttentionLayerInfo, ProcessorMap } from './attention/processors';
import { BlockHookMap, BlockInfo, runBlock } from './blocks';
import type { Conditioning, ForwardOptions, Network, UnetConfig } from './denoiser';
import { ConditionEmbedding } from './embedding';
import { Conv2d, GroupNorm, Linear, downsample2x, silu, upsample2x } from './layers';
import { Params, Scope } from './params';

class ResBlock {
  readonly info: BlockInfo;
  private readonly norm1: GroupNorm;
  private readonly conv1: Conv2d;
  private readonly emb: Linear;
  private readonly norm2: GroupNorm;
  private readonly conv2: Conv2d;
  private readonly skip: Conv2d | null;

  constructor(
    s: Scope,
    name: string,
    inCh: number,
    readonly outCh: number,
    embDim: number,
  ) {
    this.info = { name, residual: inCh === outCh };
    this.norm1 = new GroupNorm(s.scope('norm1'), inCh);
    this.conv1 = new Conv2d(s.scope('conv1'), inCh, outCh);
    this.emb = new Linear(s.scope('emb'), embDim, 2 * outCh);
    this.norm2 = new GroupNorm(s.scope('norm2'), outCh);
    this.conv2 = new Conv2d(s.scope('conv2'), outCh, outCh, 3, 'zeros');
    this.skip = inCh === outCh ? null : new Conv2d(s.scope('skip'), inCh, outCh, 1);
  }

  apply(x: tf.Tensor4D, emb: tf.Tensor2D, hooks?: BlockHookMap): tf.Tensor4D {
    return runBlock(this.info, x, (h) => this.forward(h, emb), hooks);
  }

  private forward(x: tf.Tensor4D, emb: tf.Tensor2D): tf.Tensor4D {
    const b = x.shape[0];
    let h = this.conv1.apply(silu(this.norm1.apply(x)) as tf.Tensor4D);
    const [scale, shift] = tf.split(this.emb.apply(emb).reshape([b, 1, 1, 2 * this.outCh]), 2, 3);
    h = tf.add(tf.mul(this.norm2.apply(h), tf.add(scale, 1)), shift) as tf.Tensor4D;
    h = this.conv2.apply(silu(h) as tf.Tensor4D);
    return tf.add(this.skip ? this.skip.apply(x) : x, h) as tf.Tensor4D;
  }
}

class AttnBlock {
  readonly attn: SelfAttention;
  readonly info: BlockInfo;
  private readonly norm: GroupNorm;

  constructor(s: Scope, name: string, ch: number, heads: number, size: number) {
    this.norm = new GroupNorm(s.scope('norm'), ch);
    this.attn = new SelfAttention(s, name, ch, heads, [size, size], true);
    this.info = { name, residual: true };
  }

  apply(x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor4D {
    return runBlock(this.info, x, (h) => this.forward(h, opts.processors), opts.blocks);
  }

  private forward(x: tf.Tensor4D, processors?: ProcessorMap): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const a = this.attn.apply(this.norm.apply(x).reshape([b, h * w, c]) as tf.Tensor3D, processors);
    return tf.add(x, a.reshape([b, h, w, c])) as tf.Tensor4D;
  }
}

interface Level {
  blocks: ResBlock[];
  attn: AttnBlock | null;
}

/** The UNet network F. */
export class UnetNetwork implements Network {
  readonly params: Params;
  readonly noiseEmbDim: number;
  readonly attention: AttentionLayerInfo[];
  readonly blocks: BlockInfo[];
  private readonly embed: ConditionEmbedding;
  private readonly convIn: Conv2d;
  private readonly down: Level[];
  private readonly mid: [ResBlock, AttnBlock, ResBlock];
  private readonly up: Level[];
  private readonly upConv: Conv2d[];
  private readonly normOut: GroupNorm;
  private readonly convOut: Conv2d;

  constructor(
    readonly config: UnetConfig,
    seed: number,
  ) {
    const { widths, attentionLevels, heads, blocks, imageSize, channels, classes } = config;
    if (imageSize % 2 ** (widths.length - 1) !== 0)
      throw new Error(`UNet: image size ${imageSize} does not halve ${widths.length - 1} times`);
    for (const l of attentionLevels)
      if (!(l >= 0 && l < widths.length)) throw new Error(`UNet: attention level ${l} is not one of 0…${widths.length - 1}`);
    this.params = new Params(seed);
    const root = this.params.scope('unet');
    const embDim = 4 * widths[0];
    this.noiseEmbDim = embDim;
    this.embed = new ConditionEmbedding(root.scope('embed'), embDim, classes);
    this.convIn = new Conv2d(root.scope('conv_in'), channels, widths[0]);
    const size = (l: number): number => imageSize / 2 ** l;
    const skipCh: number[] = [widths[0]];
    let ch = widths[0];
    this.down = widths.map((w, l) => {
      const level: Level = {
        blocks: Array.from({ length: blocks }, (_, i) => {
          const r = new ResBlock(root.scope(`down.${l}.res.${i}`), `down.${l}.res.${i}`, ch, w, embDim);
          ch = w;
          skipCh.push(ch);
          return r;
        }),
        attn: attentionLevels.includes(l) ? new AttnBlock(root.scope(`down.${l}.attn`), `down.${l}.attn`, w, heads, size(l)) : null,
      };
      if (l < widths.length - 1) skipCh.push(ch);
      return level;
    });
    const last = widths.length - 1;
    this.mid = [
      new ResBlock(root.scope('mid.res.0'), 'mid.res.0', ch, ch, embDim),
      new AttnBlock(root.scope('mid.attn'), 'mid.attn', ch, heads, size(last)),
      new ResBlock(root.scope('mid.res.1'), 'mid.res.1', ch, ch, embDim),
    ];
    this.up = [];
    this.upConv = [];
    for (let l = last; l >= 0; l--) {
      const w = widths[l];
      this.up.push({
        blocks: Array.from({ length: blocks + 1 }, (_, i) => {
          const r = new ResBlock(root.scope(`up.${l}.res.${i}`), `up.${l}.res.${i}`, ch + skipCh.pop()!, w, embDim);
          ch = w;
          return r;
        }),
        attn: attentionLevels.includes(l) ? new AttnBlock(root.scope(`up.${l}.attn`), `up.${l}.attn`, w, heads, size(l)) : null,
      });
      if (l > 0) this.upConv.push(new Conv2d(root.scope(`up.${l}.upsample`), ch, ch));
    }
    this.normOut = new GroupNorm(root.scope('norm_out'), ch);
    this.convOut = new Conv2d(root.scope('conv_out'), ch, channels, 3, 'zeros');
    this.attention = [...this.down, { attn: this.mid[1] }, ...this.up].flatMap((lv) => (lv.attn ? [lv.attn.attn.info] : []));
    const levelBlocks = (lv: Level): BlockInfo[] => [...lv.blocks.map((r) => r.info), ...(lv.attn ? [lv.attn.info] : [])];
    this.blocks = [...this.down.flatMap(levelBlocks), ...this.mid.map((m) => m.info), ...this.up.flatMap(levelBlocks)];
  }

  apply(xIn: tf.Tensor4D, cNoise: tf.Tensor1D, classOneHot: tf.Tensor2D, cond: Conditioning, opts: ForwardOptions): tf.Tensor4D {
    const emb = silu(this.embed.apply(cNoise, classOneHot, cond)) as tf.Tensor2D;
    let h = this.convIn.apply(xIn);
    const skips: tf.Tensor4D[] = [h];
    this.down.forEach((level, l) => {
      level.blocks.forEach((block, i) => {
        h = block.apply(h, emb, opts.blocks);
        if (level.attn && i === level.blocks.length - 1) h = level.attn.apply(h, opts);
        skips.push(h);
      });
      if (l < this.down.length - 1) {
        h = downsample2x(h);
        skips.push(h);
      }
    });
    h = this.mid[2].apply(this.mid[1].apply(this.mid[0].apply(h, emb, opts.blocks), opts), emb, opts.blocks);
    this.up.forEach((level, j) => {
      level.blocks.forEach((block, i) => {
        h = block.apply(tf.concat([h, skips.pop()!], 3) as tf.Tensor4D, emb, opts.blocks);
        if (level.attn && i === level.blocks.length - 1) h = level.attn.apply(h, opts);
      });
      if (j < this.upConv.length) h = this.upConv[j].apply(upsample2x(h));
    });
    return this.convOut.apply(silu(this.normOut.apply(h)) as tf.Tensor4D);
  }
}
