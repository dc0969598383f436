/**
 * Block hooks: a change to one named residual block of the network (a UNet residual or attention
 * block, a DiT block or its attention branch) on a range of batch rows, so that a guidance negative
 * that skips or alters whole blocks shares one batched pass with the positive, as attention
 * processors do inside a layer. A block without a hook runs exactly as before (no extra operations).
 */
import * as tf from '@tensorflow/tfjs-core';

/** What a hook knows about the block it runs in. */
export interface BlockInfo {
  /** Exact, stable name, e.g. `down.1.res.0`, `mid.attn`, `blocks.3`, `blocks.3.attn`. */
  name: string;
  /** Whether the block's output has its input's shape (only such a block can be skipped). */
  residual: boolean;
}

/**
 * A change to one block: `input` replaces what the block computes on, `output` replaces what it passes on, given the
 * input it computed on and its output (same row count; `[rows, …]` of the block's own layout).
 */
export interface BlockHook {
  input?: (x: tf.Tensor, block: BlockInfo) => tf.Tensor;
  output?: (input: tf.Tensor, output: tf.Tensor, block: BlockInfo) => tf.Tensor;
}

/** A hook limited to batch rows [rows[0], rows[1]); the other rows run the block unchanged. */
export interface BlockHookBinding {
  hook: BlockHook;
  rows?: [number, number];
}

/** Hooks by exact block name: one hook (all rows), or bindings on disjoint row ranges. */
export type BlockHookMap = Record<string, BlockHook | BlockHookBinding | BlockHookBinding[]>;

/** The skip: the block passes its input on unchanged (the residual alone; STG's residual skip). */
export const skipBlock: BlockHook = {
  output: (input, output, block) => {
    if (input.shape.join() !== output.shape.join()) {
      throw new Error(
        `block ${block.name} maps [${input.shape}] to [${output.shape}]; only a block that keeps its input's shape can be skipped`,
      );
    }
    return tf.clone(input);
  },
};

/** Returns the bindings of one map entry, sorted by first row, after checking they are disjoint and inside the batch. */
function bindings(entry: BlockHook | BlockHookBinding | BlockHookBinding[], block: string, batch: number): [BlockHook, number, number][] {
  const list = Array.isArray(entry) ? entry : 'hook' in entry ? [entry] : [{ hook: entry }];
  const out = list.map((b): [BlockHook, number, number] => [b.hook, b.rows?.[0] ?? 0, b.rows?.[1] ?? batch]).sort((a, b) => a[1] - b[1]);
  out.forEach(([, r0, r1], i) => {
    if (!(Number.isInteger(r0) && Number.isInteger(r1) && 0 <= r0 && r0 <= r1 && r1 <= batch)) {
      throw new Error(`block hook rows [${r0}, ${r1}) on block ${block} are outside the batch [0, ${batch})`);
    }
    if (i > 0 && out[i - 1][2] > r0) throw new Error(`two block hooks on ${block} overlap on rows [${r0}, ${out[i - 1][2]})`);
  });
  return out;
}

/** Returns `t` with each hooked row range replaced by `f(hook, range…)`; rows outside every range are `t`'s own. */
function mapRows(
  t: tf.Tensor,
  ranges: [BlockHook, number, number][],
  f: (hook: BlockHook, part: tf.Tensor, r0: number, r1: number) => tf.Tensor,
): tf.Tensor {
  const batch = t.shape[0];
  const part = (a: number, b: number): tf.Tensor => tf.slice(t, a, b - a);
  const pieces: tf.Tensor[] = [];
  let row = 0;
  for (const [hook, r0, r1] of ranges) {
    if (r0 > row) pieces.push(part(row, r0));
    if (r1 > r0) pieces.push(f(hook, part(r0, r1), r0, r1));
    row = r1;
  }
  if (batch > row) pieces.push(part(row, batch));
  return pieces.length === 1 ? pieces[0] : tf.concat(pieces, 0);
}

/**
 * Returns the block's output `compute(x)`, with the hooks that `hooks` names for `block` applied on their rows
 * (their input maps before, their output maps after). Without a hook for this block it is `compute(x)` itself.
 */
export function runBlock<T extends tf.Tensor>(block: BlockInfo, x: T, compute: (x: T) => T, hooks?: BlockHookMap): T {
  const entry = hooks?.[block.name];
  if (!entry) return compute(x);
  return tf.tidy(() => {
    const ranges = bindings(entry, block.name, x.shape[0]);
    const checked = (what: string, got: tf.Tensor, want: tf.Tensor): tf.Tensor => {
      if (got.shape.join() !== want.shape.join()) {
        throw new Error(`block hook ${what} on ${block.name} returned shape [${got.shape}], expected [${want.shape}]`);
      }
      return got;
    };
    const seen = mapRows(x, ranges, (h, part) => (h.input ? checked('input', h.input(part, block), part) : part)) as T;
    const out = compute(seen);
    return mapRows(out, ranges, (h, part, r0, r1) => {
      return h.output ? checked('output', h.output(tf.slice(seen, r0, r1 - r0), part, block), part) : part;
    }) as T;
  });
}
