/**
 * The batched evaluator: model evaluations that share a model run as one `denoise` call (rows
 * concatenated, each request's processors bound to its rows), then are split back.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../model/denoiser';
import { AttentionProcessor, ProcessorBinding, ProcessorMap, defaultProcessor } from '../model/attention/processors';
import type { BlockHookBinding, BlockHookMap } from '../model/blocks';
import type { EvalRequest } from './term';

/** Returns D for each request `[rows, h, w, c]`, in order; one `denoise` call per (model, class-embedding use). */
export function evaluateRequests(requests: EvalRequest[], sigma: number): tf.Tensor4D[] {
  const out = new Array<tf.Tensor4D>(requests.length);
  const groups = new Map<Denoiser, Map<boolean, number[]>>();
  requests.forEach((r, i) => {
    if (r.labels.length !== r.x.shape[0]) throw new Error(`${r.labels.length} labels for ${r.x.shape[0]} rows`);
    const byEmb = groups.get(r.model) ?? new Map<boolean, number[]>();
    groups.set(r.model, byEmb);
    byEmb.set(r.classEmb !== undefined, [...(byEmb.get(r.classEmb !== undefined) ?? []), i]);
  });
  for (const [model, byEmb] of groups) {
    for (const members of byEmb.values()) {
      const parts = members.map((i) => requests[i]);
      const d = evaluateGroup(model, parts, sigma);
      let row = 0;
      members.forEach((i, j) => {
        const n = parts[j].x.shape[0];
        out[i] = parts.length === 1 ? d : (tf.slice(d, [row, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D);
        row += n;
      });
    }
  }
  return out;
}

function evaluateGroup(model: Denoiser, parts: EvalRequest[], sigma: number): tf.Tensor4D {
  if (parts.length === 1) {
    const [r] = parts;
    return model.denoise(
      r.x,
      sigma,
      { labels: r.labels, noiseEmbOffset: r.noiseEmbOffset, classEmb: r.classEmb },
      { processors: r.processors, blocks: r.blocks },
    );
  }
  const bindings = new Map<string, ProcessorBinding[]>();
  const blocks: BlockHookMap = {};
  let row = 0;
  for (const r of parts) {
    const n = r.x.shape[0];
    for (const [layer, processor] of Object.entries(r.processors ?? {})) {
      bindings.set(layer, [...(bindings.get(layer) ?? []), { processor, rows: [row, row + n] }]);
    }
    for (const [block, hook] of Object.entries(r.blocks ?? {})) {
      blocks[block] = [...((blocks[block] ?? []) as BlockHookBinding[]), { hook, rows: [row, row + n] }];
    }
    row += n;
  }
  const processors: ProcessorMap = {};
  for (const [layer, list] of bindings) processors[layer] = list.length === 1 ? list[0] : { processor: rowSplitProcessor(layer, list) };
  const anyOffset = parts.some((r) => r.noiseEmbOffset);
  return model.denoise(
    tf.concat(parts.map((r) => r.x)) as tf.Tensor4D,
    sigma,
    {
      labels: parts.flatMap((r) => r.labels),
      noiseEmbOffset: anyOffset
        ? (tf.concat(parts.map((r) => r.noiseEmbOffset ?? tf.zeros([r.x.shape[0], model.noiseEmbDim]))) as tf.Tensor2D)
        : undefined,
      classEmb: parts[0].classEmb ? (tf.concat(parts.map((r) => r.classEmb as tf.Tensor2D)) as tf.Tensor2D) : undefined,
    },
    { processors, blocks },
  );
}

/** Returns a processor running each binding on its (disjoint) rows and the default processor elsewhere. */
export function rowSplitProcessor(layer: string, bindings: ProcessorBinding[]): AttentionProcessor {
  const sorted = [...bindings].sort((a, b) => (a.rows?.[0] ?? 0) - (b.rows?.[0] ?? 0));
  sorted.forEach((b, i) => {
    const prev = sorted[i - 1]?.rows;
    if (!b.rows || (prev && prev[1] > b.rows[0])) throw new Error(`two processors on layer ${layer} overlap on rows [${b.rows ?? 'all'}]`);
  });
  return (q, k, v, info) =>
    tf.tidy(() => {
      const part = (t: tf.Tensor4D, a: number, b: number): tf.Tensor4D => tf.slice(t, [a, 0, 0, 0], [b - a, -1, -1, -1]);
      const run = (p: AttentionProcessor, a: number, b: number): tf.Tensor4D => p(part(q, a, b), part(k, a, b), part(v, a, b), info);
      const pieces: tf.Tensor4D[] = [];
      let row = 0;
      for (const { processor, rows } of sorted) {
        const [r0, r1] = rows as [number, number];
        if (r0 > row) pieces.push(run(defaultProcessor, row, r0));
        if (r1 > r0) pieces.push(run(processor, r0, r1));
        row = r1;
      }
      if (q.shape[0] > row) pieces.push(run(defaultProcessor, row, q.shape[0]));
      return tf.concat(pieces, 0) as tf.Tensor4D;
    });
}
