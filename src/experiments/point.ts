/**
 * One sweep point: sample N images with the point's guidance, then measure them against the
 * reference features (FID, KID, precision/recall; FID and KID also in the second space when the sweep
 * has one) and the intended labels (class accuracy).
 */
import * as tf from '@tensorflow/tfjs-core';
import { threadId } from 'node:worker_threads';
import { guidanceTerm, modelParam } from '../guidance/registry';
import type { GuidanceTerm } from '../guidance/term';
import { NonFiniteSampleError, sample } from '../guidance/sample';
import { type Denoiser, NULL_LABEL } from '../model/denoiser';
import type { Featurizer } from '../metrics/featurizer';
import { type MeasureReference, type MeasureSpace, type SampleMetrics, measureSamples } from '../metrics/measure';
import { SweepPoint, pointLabels } from './grid';
import { RowDigests, pointDigests, pointKey } from './key';
import { type PointSamples, pointSamples } from './samples';

/** What every point of a sweep shares: loaded models by name, the featurizer, the reference set. */
export interface PointContext {
  models: Record<string, Denoiser>;
  featurizer: Featurizer;
  reference: MeasureReference;
  /** The second feature space (the feature autoencoder's) FID and KID are also measured in; none when absent. */
  second?: MeasureSpace;
  digests: RowDigests;
  batchSize: number;
}

/** One row of a sweep's results: the point, its metrics, timing and what it was computed with. */
export interface SweepRow {
  key: string;
  point: SweepPoint;
  metrics: SampleMetrics;
  /** Seconds sampling and measuring, throughput, finish time, and the worker thread's id (0: main thread). */
  timing: { sampleSeconds: number; metricSeconds: number; samplesPerSecond: number; finishedAt: string; thread: number };
  digests: RowDigests;
  /** Per-sample features and correctness (src/experiments/samples.ts), for bootstrap intervals and paired differences. */
  samples?: PointSamples;
}

/** A point that could not be computed (its samples went non-finite): recorded, never cached as a row. */
export interface PointFailure {
  key: string;
  point: SweepPoint;
  /** What went wrong, with the method, γ, step and σ. */
  reason: string;
  failedAt: string;
}

/** What running a point gives: its row, or its failure. */
export type PointOutcome = { type: 'row'; row: SweepRow } | { type: 'failed'; failure: PointFailure };

/** Returns the guidance term of `point` with its models (the positive, its method's other model) looked up in `models`. */
export function pointTerm(point: SweepPoint, models: Record<string, Denoiser>): GuidanceTerm {
  const role = modelParam(point.method);
  const name = role === undefined ? undefined : point[role];
  const other = role !== undefined && typeof name === 'string' ? { [role]: model(models, name) } : {};
  return guidanceTerm(point.method, { ...point.params, gamma: point.gamma, ...other });
}

/** Returns the point's row (samples, metrics and timing), or its failure when its samples went non-finite. */
export async function runPoint(point: SweepPoint, ctx: PointContext): Promise<PointOutcome> {
  const positive = model(ctx.models, point.model);
  const term = pointTerm(point, ctx.models);
  const labels = pointLabels(point, positive.config.classes);
  const t0 = Date.now();
  let images: tf.Tensor4D;
  try {
    const { steps, sampler, seed, n } = point;
    // workers: 1: a sweep spreads its points over the cores already.
    images = await sample({ model: positive, guidance: [term], steps, sampler, seed, n, labels, batchSize: ctx.batchSize, workers: 1 });
  } catch (e) {
    if (!(e instanceof NonFiniteSampleError)) throw e;
    return { type: 'failed', failure: { key: pointKey(point, ctx.digests), point, reason: e.message, failedAt: new Date().toISOString() } };
  }
  const t1 = Date.now();
  let metrics: SampleMetrics;
  let samples: PointSamples;
  try {
    metrics = measureSamples(images, labels, point.metrics, ctx.featurizer, ctx.reference, point.model, ctx.second);
    const indices = Array.from({ length: point.n }, (_, i) => i);
    const conditional = labels.includes(NULL_LABEL) ? undefined : labels;
    samples = pointSamples(images, conditional, ctx.featurizer, point.seed, indices, ctx.second?.featurizer);
  } finally {
    images.dispose();
  }
  const t2 = Date.now();
  const sampleSeconds = (t1 - t0) / 1000;
  const row: SweepRow = {
    key: pointKey(point, ctx.digests),
    point,
    metrics,
    timing: {
      sampleSeconds,
      metricSeconds: (t2 - t1) / 1000,
      samplesPerSecond: point.n / Math.max((t2 - t0) / 1000, 1e-9),
      finishedAt: new Date(t2).toISOString(),
      thread: threadId,
    },
    digests: pointDigests(point, ctx.digests),
    samples,
  };
  return { type: 'row', row };
}

function model(models: Record<string, Denoiser>, name: string): Denoiser {
  const m = models[name];
  if (!m) throw new Error(`model "${name}" is not loaded; loaded: ${Object.keys(models).join(', ')}`);
  return m;
}
