/**
 * Attention processors: what happens inside one self-attention layer, given q, k, v
 * `[batch, heads, tokens, headDim]`. A layer runs the default processor unless the forward pass
 * names another one for it, optionally on a range of batch rows only (so the positive and
 * negative branches of guidance share one batched pass).
 */
import * as tf from '@tensorflow/tfjs-core';

/** What a processor knows about the layer it runs in. */
export interface AttentionLayerInfo {
  /** Exact, stable name, e.g. `mid.attn`, `down.1.attn`, `blocks.3.attn`. */
  name: string;
  /** Token grid `[h, w]`; tokens index it row-major. */
  grid: [number, number];
  heads: number;
  headDim: number;
}

/** Computes the attention output `[batch, heads, tokens, headDim]` from q, k, v of that shape. */
export type AttentionProcessor = (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, layer: AttentionLayerInfo) => tf.Tensor4D;

/** A processor limited to batch rows [rows[0], rows[1]); the other rows run the default. */
export interface ProcessorBinding {
  processor: AttentionProcessor;
  rows?: [number, number];
}

/** Processors by exact layer name. */
export type ProcessorMap = Record<string, AttentionProcessor | ProcessorBinding>;

/** Returns softmax(q·kᵀ/(τ√d)) `[batch, heads, queries, keys]` (temperature τ, default 1: the plain attention). */
export function attentionProbs(q: tf.Tensor4D, k: tf.Tensor4D, temperature = 1): tf.Tensor4D {
  return tf.tidy(() => {
    const scale = 1 / Math.sqrt(q.shape[3]);
    return tf.softmax(tf.matMul(tf.mul(q, scale / temperature), k, false, true)) as tf.Tensor4D;
  });
}

/** The default processor: softmax(q·kᵀ/√d)·v, `[batch, heads, tokens, headDim]`. */
export const defaultProcessor: AttentionProcessor = (q, k, v) => tf.tidy(() => tf.matMul(attentionProbs(q, k), v) as tf.Tensor4D);

/**
 * Returns a processor that computes the default output and hands the probabilities
 * `[batch, heads, queries, keys]` to `sink` (which must `tf.keep` or reduce what it wants to keep).
 */
export function captureProcessor(sink: (probs: tf.Tensor4D, layer: AttentionLayerInfo) => void): AttentionProcessor {
  return (q, k, v, layer) =>
    tf.tidy(() => {
      const p = attentionProbs(q, k);
      sink(p, layer);
      return tf.matMul(p, v) as tf.Tensor4D;
    });
}

/** PAG's perturbation: the attention map replaced by the identity, so the output is v itself. */
export const identityProcessor: AttentionProcessor = (_q, _k, v) => tf.clone(v);

/**
 * Returns a processor that transforms the queries before the default attention (SEG blurs them
 * over the token grid); `map` takes and returns `[batch, heads, tokens, headDim]`.
 */
export function queryMapProcessor(map: (q: tf.Tensor4D, layer: AttentionLayerInfo) => tf.Tensor4D): AttentionProcessor {
  return (q, k, v, layer) => tf.tidy(() => defaultProcessor(map(q, layer), k, v, layer));
}

/**
 * Returns the processor softmax(q·kᵀ/(τ√d))·v: attention logits at temperature τ > 0 (τ > 1 flattens each row of the
 * map towards the mean of v, τ < 1 sharpens it; τ = 1 is the default processor exactly).
 */
export function temperatureProcessor(temperature: number): AttentionProcessor {
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new Error(`attention temperature must be a finite number > 0; got ${temperature}`);
  return (q, k, v) => tf.tidy(() => tf.matMul(attentionProbs(q, k, temperature), v) as tf.Tensor4D);
}

/**
 * Returns a processor whose output token t of batch row r is the default output's token `orders[r][t]` (each order a
 * permutation of 0…tokens−1, one per row it runs on): the layer's contribution lands on shuffled positions.
 */
export function permutedOutputProcessor(orders: readonly (readonly number[])[]): AttentionProcessor {
  return (q, k, v, layer) =>
    tf.tidy(() => {
      const [b, heads, t, d] = q.shape;
      if (orders.length !== b) throw new Error(`permuted output on ${layer.name}: ${orders.length} token orders for a batch of ${b} rows`);
      const index = new Int32Array(b * t);
      orders.forEach((order, r) => {
        if (!isPermutation(order, t))
          throw new Error(`permuted output on ${layer.name}: row ${r}'s order is not a permutation of 0…${t - 1}`);
        order.forEach((from, to) => (index[r * t + to] = r * t + from));
      });
      const rows = defaultProcessor(q, k, v, layer)
        .transpose([0, 2, 1, 3])
        .reshape([b * t, heads * d]);
      return tf.gather(rows, tf.tensor1d(index, 'int32')).reshape([b, t, heads, d]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
    });
}

/** Returns whether `order` holds each of 0…n−1 exactly once. */
function isPermutation(order: readonly number[], n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of order) {
    if (!Number.isInteger(i) || i < 0 || i >= n || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}

/** Returns the processor output for all rows, applying `binding` only on its row range. */
export function runBinding(
  binding: ProcessorBinding,
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  layer: AttentionLayerInfo,
): tf.Tensor4D {
  const batch = q.shape[0];
  const [r0, r1] = binding.rows ?? [0, batch];
  if (!(Number.isInteger(r0) && Number.isInteger(r1) && 0 <= r0 && r0 <= r1 && r1 <= batch)) {
    throw new Error(`processor rows [${r0}, ${r1}) on layer ${layer.name} are outside the batch [0, ${batch})`);
  }
  if (r0 === 0 && r1 === batch) return binding.processor(q, k, v, layer);
  return tf.tidy(() => {
    const part = (t: tf.Tensor4D, a: number, b: number): tf.Tensor4D => tf.slice(t, [a, 0, 0, 0], [b - a, -1, -1, -1]);
    const pieces: tf.Tensor4D[] = [];
    if (r0 > 0) pieces.push(defaultProcessor(part(q, 0, r0), part(k, 0, r0), part(v, 0, r0), layer));
    if (r1 > r0) pieces.push(binding.processor(part(q, r0, r1), part(k, r0, r1), part(v, r0, r1), layer));
    if (batch > r1) pieces.push(defaultProcessor(part(q, r1, batch), part(k, r1, batch), part(v, r1, batch), layer));
    return pieces.length === 1 ? pieces[0] : (tf.concat(pieces, 0) as tf.Tensor4D);
  });
}

/** Returns `p` as a binding (a bare processor applies to every row). */
export function asBinding(p: AttentionProcessor | ProcessorBinding): ProcessorBinding {
  return typeof p === 'function' ? { processor: p } : p;
}
