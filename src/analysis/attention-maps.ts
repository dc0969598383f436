/**
 * Attention maps: capture the attention probabilities `[batch, heads, queries, keys]` of chosen
 * layers during a sampling run, averaged on the fly (one running sum per layer, so memory does not
 * grow with the number of steps), and turn them into maps on the token grid or the image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { captureProcessor, type AttentionLayerInfo, type ProcessorMap } from '../model/attention/processors';
import { resizeMaps, type ResampleMethod } from './resample';

/** How heads are kept: every head, their mean, or one head by index. */
export type HeadReduction = 'all' | 'mean' | number;

/**
 * Which calls are captured: those at σ in `sigmas` (relative tolerance 1e-6) and/or call index in `steps`; every call when neither is set.
 */
export interface CaptureSchedule {
  sigmas?: number[];
  steps?: number[];
}

/** Options of `createAttentionRecorder`. */
export interface AttentionRecorderOptions {
  /** The model's attention layers (a `Denoiser` has them as `attentionLayers`). */
  model: { attentionLayers: AttentionLayerInfo[] };
  /** Exact layer names, or 'all'. */
  layers: string[] | 'all';
  at?: CaptureSchedule;
  /** Default 'mean'. */
  heads?: HeadReduction;
  /** Capture only batch rows [rows[0], rows[1]) (e.g. the conditional half of a guided batch); the others run the default. */
  rows?: [number, number];
}

/** A layer's attention averaged over the captured calls. */
export interface LayerAttention {
  layer: AttentionLayerInfo;
  /** Mean probabilities `[batch, heads or 1, queries, keys]` (the caller disposes it). */
  probs: tf.Tensor4D;
  /** How many calls the mean is over. */
  captures: number;
}

/** Records attention during a run: pass `processors(σ, step)` to each denoiser call. */
export interface AttentionRecorder {
  /** Returns the processors for the call at `sigma` with index `step` (empty when this call is not captured). */
  processors(sigma: number, step: number): ProcessorMap;
  /** Returns each recorded layer's mean attention so far, in the order of `layers`. */
  maps(): LayerAttention[];
  /** Frees the running sums. */
  dispose(): void;
}

/** Returns a recorder of the attention of `layers`, reduced over heads per `heads` and averaged over the captured calls. */
export function createAttentionRecorder(options: AttentionRecorderOptions): AttentionRecorder {
  const { model, at = {}, heads = 'mean', rows } = options;
  const layers = pickLayers(model.attentionLayers, options.layers);
  if (typeof heads === 'number') {
    for (const l of layers) {
      if (!Number.isInteger(heads) || heads < 0 || heads >= l.heads)
        throw new Error(`head ${heads} does not exist in layer ${l.name}; heads: 0…${l.heads - 1}, 'mean' or 'all'`);
    }
  } else if (heads !== 'all' && heads !== 'mean') {
    throw new Error(`unknown head reduction "${heads}"; use 'mean', 'all' or a head index`);
  }
  const sums = new Map<string, tf.Tensor4D>();
  const counts = new Map<string, number>();
  const sink = (probs: tf.Tensor4D, layer: AttentionLayerInfo): void => {
    const reduced =
      heads === 'all'
        ? probs
        : heads === 'mean'
          ? (probs.mean(1, true) as tf.Tensor4D)
          : (probs.slice([0, heads, 0, 0], [-1, 1, -1, -1]) as tf.Tensor4D);
    const old = sums.get(layer.name);
    if (old && old.shape[0] !== reduced.shape[0]) {
      throw new Error(
        `layer ${layer.name}: captured a batch of ${reduced.shape[0]} rows after batches of ${old.shape[0]}; a recorder averages one batch`,
      );
    }
    sums.set(layer.name, tf.keep(old ? (tf.add(old, reduced) as tf.Tensor4D) : reduced.clone()));
    old?.dispose();
    counts.set(layer.name, (counts.get(layer.name) ?? 0) + 1);
  };
  const capture = captureProcessor(sink);
  return {
    processors(sigma, step) {
      if (!matches(at, sigma, step)) return {};
      return Object.fromEntries(layers.map((l) => [l.name, rows ? { processor: capture, rows } : capture]));
    },
    maps() {
      const missing = layers.filter((l) => !sums.has(l.name)).map((l) => l.name);
      if (missing.length)
        throw new Error(
          `no attention captured for ${missing.join(', ')}: no call matched ${JSON.stringify(at)} or the model never ran these layers`,
        );
      return layers.map((l) => {
        const captures = counts.get(l.name) as number;
        return { layer: l, probs: tf.tidy(() => tf.div(sums.get(l.name) as tf.Tensor4D, captures) as tf.Tensor4D), captures };
      });
    },
    dispose() {
      for (const t of sums.values()) t.dispose();
      sums.clear();
      counts.clear();
    },
  };
}

/** Returns the mean over layers of `captures` `[batch, heads, queries, keys]`; every layer must share the grid and head count. */
export function meanOverLayers(captures: LayerAttention[]): tf.Tensor4D {
  if (captures.length === 0) throw new Error('meanOverLayers needs at least one layer');
  const first = captures[0];
  for (const c of captures) {
    if (c.probs.shape.join() !== first.probs.shape.join()) {
      throw new Error(
        `cannot average layers ${first.layer.name} [${first.probs.shape}] and ${c.layer.name} [${c.probs.shape}]: shapes differ (grids ${first.layer.grid.join('×')} and ${c.layer.grid.join('×')})`,
      );
    }
  }
  return tf.tidy(() => tf.div(tf.addN(captures.map((c) => c.probs)), captures.length) as tf.Tensor4D);
}

/** A query token: its index in the row-major grid, or `[row, col]`. */
export type QueryToken = number | [number, number];

/** Returns where `query` looks, mean over heads, `[batch, h, w]` on the key grid. */
export function queryMap(probs: tf.Tensor4D, query: QueryToken, grid?: [number, number]): tf.Tensor3D {
  return tf.tidy(() => headMaps(probs, { query, grid }).mean(1) as tf.Tensor3D);
}

/** Returns the attention each key receives (SAG's view: mean over heads, sum over queries), `[batch, h, w]`. */
export function receivedAttention(probs: tf.Tensor4D, grid?: [number, number]): tf.Tensor3D {
  return tf.tidy(() => headMaps(probs, { grid }).mean(1) as tf.Tensor3D);
}

/**
 * Returns per-head maps `[batch, heads, h, w]` on the key grid: where `query` looks, or (no query)
 * the attention each key receives summed over queries.
 */
export function headMaps(probs: tf.Tensor4D, options: { query?: QueryToken; grid?: [number, number] } = {}): tf.Tensor4D {
  if (probs.rank !== 4)
    throw new Error(`attention maps take probabilities [batch, heads, queries, keys]; got shape [${probs.shape.join(', ')}]`);
  const [batch, heads, queries, keys] = probs.shape;
  if (queries !== keys) throw new Error(`attention maps need self-attention (queries = keys); got ${queries} queries and ${keys} keys`);
  const [h, w] = checkGrid(options.grid, keys);
  return tf.tidy(() => {
    const picked = options.query === undefined ? probs.sum(2) : probs.slice([0, 0, queryIndex(options.query, [h, w]), 0], [-1, -1, 1, -1]);
    return picked.reshape([batch, heads, h, w]) as tf.Tensor4D;
  });
}

/** Returns grid maps `[batch, h, w]` or `[batch, heads, h, w]` resized to `size` (`[H, W]` or a square side) with `method`. */
export function mapsToImageSize<T extends tf.Tensor3D | tf.Tensor4D>(
  maps: T,
  size: number | [number, number],
  method: ResampleMethod = 'bilinear',
): T {
  if (maps.rank === 3) return resizeMaps(maps, size, method) as T;
  if (maps.rank !== 4)
    throw new Error(`mapsToImageSize takes [batch, h, w] or [batch, heads, h, w]; got shape [${(maps as tf.Tensor).shape.join(', ')}]`);
  const [b, heads, h, w] = maps.shape as [number, number, number, number];
  return tf.tidy(() => {
    const out = resizeMaps(maps.reshape([b * heads, h, w]), size, method);
    return out.reshape([b, heads, out.shape[1] as number, out.shape[2] as number]) as T;
  });
}

function pickLayers(all: AttentionLayerInfo[], names: string[] | 'all'): AttentionLayerInfo[] {
  const valid = all.map((l) => l.name).join(', ');
  if (names === 'all') return all.slice();
  if (!Array.isArray(names) || names.length === 0) throw new Error(`layers must be 'all' or a non-empty list of names; layers: ${valid}`);
  return names.map((n) => {
    const l = all.find((a) => a.name === n);
    if (!l) throw new Error(`unknown attention layer "${n}"; layers: ${valid}`);
    return l;
  });
}

function matches(at: CaptureSchedule, sigma: number, step: number): boolean {
  if (!at.sigmas && !at.steps) return true;
  const bySigma = at.sigmas?.some((s) => Math.abs(s - sigma) <= 1e-6 * Math.max(Math.abs(s), Math.abs(sigma))) ?? false;
  return bySigma || (at.steps?.includes(step) ?? false);
}

function checkGrid(grid: [number, number] | undefined, tokens: number): [number, number] {
  if (grid === undefined) {
    const side = Math.round(Math.sqrt(tokens));
    if (side * side !== tokens)
      throw new Error(`${tokens} tokens do not form a square grid; pass the layer's grid [h, w] (h·w = ${tokens})`);
    return [side, side];
  }
  const [h, w] = grid;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0) || h * w !== tokens) {
    throw new Error(`grid [${grid.join(', ')}] does not hold the ${tokens} tokens of this attention (need h·w = ${tokens})`);
  }
  return [h, w];
}

function queryIndex(query: QueryToken, [h, w]: [number, number]): number {
  const [r, c]: [number, number] = typeof query === 'number' ? [Math.floor(query / w), query - Math.floor(query / w) * w] : query;
  if (!(Number.isInteger(r) && Number.isInteger(c) && r >= 0 && r < h && c >= 0 && c < w)) {
    throw new Error(`query ${JSON.stringify(query)} is outside the ${h}×${w} grid: use 0…${h * w - 1} or [row 0…${h - 1}, col 0…${w - 1}]`);
  }
  return r * w + c;
}
