/**
 * A multi-head self-attention layer over a token grid, with a swappable processor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Linear } from '../layers';
import type { Scope } from '../params';
import { AttentionLayerInfo, ProcessorMap, asBinding, defaultProcessor, runBinding } from './processors';

/** Self-attention with fused qkv and output projection; tokens `[batch, tokens, channels]`. */
export class SelfAttention {
  readonly info: AttentionLayerInfo;
  private readonly qkv: Linear;
  private readonly proj: Linear;

  constructor(
    s: Scope,
    name: string,
    readonly channels: number,
    heads: number,
    grid: [number, number],
    zeroOut: boolean,
  ) {
    if (channels % heads !== 0) throw new Error(`attention ${name}: ${channels} channels do not split into ${heads} heads`);
    this.info = { name, grid, heads, headDim: channels / heads };
    this.qkv = new Linear(s.scope('qkv'), channels, 3 * channels);
    this.proj = new Linear(s.scope('proj'), channels, channels, zeroOut ? 'zeros' : 'default');
  }

  /** Returns the attention output `[batch, tokens, channels]` (before any residual). */
  apply(x: tf.Tensor3D, processors?: ProcessorMap): tf.Tensor3D {
    const [b, t, c] = x.shape;
    const { heads, headDim } = this.info;
    if (t !== this.info.grid[0] * this.info.grid[1]) {
      throw new Error(`attention ${this.info.name}: ${t} tokens do not fill its ${this.info.grid.join('×')} grid`);
    }
    // [b, t, 3c] → three [b, heads, t, d]. Split first, then rank-4 transposes: tfjs-backend-wasm has a
    // fast path for rank ≤ 4 only (one rank-5 transpose of the fused qkv took ~18 ms at batch 16, a rank-4 one of the same size 0.1 ms).
    const [q, k, v] = tf
      .split(this.qkv.apply(x), 3, 2)
      .map((m) => m.reshape([b, t, heads, headDim]).transpose([0, 2, 1, 3])) as tf.Tensor4D[];
    const p = processors?.[this.info.name];
    const o = p ? runBinding(asBinding(p), q, k, v, this.info) : defaultProcessor(q, k, v, this.info);
    if (o.shape.join() !== q.shape.join()) {
      throw new Error(`attention processor on ${this.info.name} returned shape [${o.shape}], expected [${q.shape}]`);
    }
    return this.proj.apply(o.transpose([0, 2, 1, 3]).reshape([b, t, c])) as tf.Tensor3D;
  }
}
