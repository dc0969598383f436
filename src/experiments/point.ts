/**
 * One sweep point: sample N images with the point's guidance, then measure them against the
 * reference features (FID, KID, precision/recall) and the intended labels (class accuracy).
 */
import * as tf from '@tensorflow/tfjs-core';
import { threadId } from 'node:worker_threads';
import { guidanceTerm } from '../guidance/methods';
import type { GuidanceTerm } from '../guidance/term';
import { NonFiniteSampleError, sample } from '../guidance/sample';
import { Denoiser, NULL_LABEL } from '../model/denoiser';
import { classAccuracy, fid, kid, precisionRecall } from '../metrics';
import type { FeatureStats } from '../metrics';
import { FeatureRows, Featurizer, featureRows, rowsNdarray } from './featurizer';
import { SweepPoint, pointLabels } from './grid';
import type { MetricName } from './spec';
import { RowDigests, pointDigests, pointKey } from './key';

/** Real images' features `[n, d]` and their statistics: what generated samples are measured against. */
export interface MeasureReference {
  rows: FeatureRows;
  stats: FeatureStats;
}

/** What every point of a sweep shares: loaded models by name, the featurizer, the reference set. */
export interface PointContext {
  models: Record<string, Denoiser>;
  featurizer: Featurizer;
  reference: MeasureReference;
  digests: RowDigests;
  batchSize: number;
}

/** A point's metrics (only those the point asked for). */
export interface PointMetrics {
  fid?: number;
  fidWarnings?: string[];
  kid?: number;
  precision?: number;
  recall?: number;
  classAccuracy?: number;
}

/** One row of a sweep's results: the point, its metrics, timing and what it was computed with. */
export interface SweepRow {
  key: string;
  point: SweepPoint;
  metrics: PointMetrics;
  /** Seconds sampling and measuring, throughput, finish time, and the worker thread's id (0: main thread). */
  timing: { sampleSeconds: number; metricSeconds: number; samplesPerSecond: number; finishedAt: string; thread: number };
  digests: RowDigests;
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

/** Returns the guidance term of `point` with its models looked up in `models`. */
export function pointTerm(point: SweepPoint, models: Record<string, Denoiser>): GuidanceTerm {
  const other = point.guide !== undefined ? { guide: model(models, point.guide) } : point.negative !== undefined ? { negative: model(models, point.negative) } : {};
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
  let metrics: PointMetrics;
  try {
    metrics = measureSamples(images, labels, point.metrics, ctx.featurizer, ctx.reference, point.model);
  } finally {
    images.dispose();
  }
  const t2 = Date.now();
  const sampleSeconds = (t1 - t0) / 1000;
  const row: SweepRow = {
    key: pointKey(point, ctx.digests),
    point,
    metrics,
    timing: { sampleSeconds, metricSeconds: (t2 - t1) / 1000, samplesPerSecond: point.n / Math.max((t2 - t0) / 1000, 1e-9), finishedAt: new Date(t2).toISOString(), thread: threadId },
    digests: pointDigests(point, ctx.digests),
  };
  return { type: 'row', row };
}

/**
 * Returns the `metrics` of generated `images` `[n, h, w, c]` sampled for `labels`: FID, KID and
 * precision/recall of their features against `reference`, class accuracy of the featurizer's logits.
 * `model` names the sampling model in errors.
 */
export function measureSamples(images: tf.Tensor4D, labels: readonly number[], metrics: readonly MetricName[], featurizer: Featurizer, reference: MeasureReference, model: string): PointMetrics {
  const want = new Set(metrics);
  const out: PointMetrics = {};
  if (want.has('fid') || want.has('kid') || want.has('precisionRecall')) {
    const g = featureRows(featurizer, images);
    const gen = rowsNdarray(g);
    const real = rowsNdarray(reference.rows);
    if (want.has('fid')) {
      const r = fid(gen, reference.stats, { warn: () => undefined });
      out.fid = r.fid;
      out.fidWarnings = r.warnings;
    }
    if (want.has('kid')) out.kid = kid(real, gen);
    if (want.has('precisionRecall')) Object.assign(out, precisionRecall(real, gen));
  }
  if (want.has('classAccuracy')) {
    if (labels.includes(NULL_LABEL)) throw new Error(`classAccuracy needs a class-conditional model; "${model}" is unconditional (drop classAccuracy from metrics)`);
    const logits = featurizer.logits(images);
    try {
      out.classAccuracy = classAccuracy(logits, labels);
    } finally {
      logits.dispose();
    }
  }
  return out;
}

function model(models: Record<string, Denoiser>, name: string): Denoiser {
  const m = models[name];
  if (!m) throw new Error(`model "${name}" is not loaded; loaded: ${Object.keys(models).join(', ')}`);
  return m;
}
