/**
 * Measuring generated samples: FID, KID and precision/recall of their features against a reference
 * set's, and class accuracy of the featurizer's logits against the labels they were sampled for.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NULL_LABEL } from '../model/denoiser';
import { classAccuracy } from './accuracy';
import { type FeatureStats, fid } from './fid';
import { kid } from './kid';
import { precisionRecall } from './precision-recall';
import { FeatureRows, Featurizer, featureRows, rowsNdarray } from './featurizer';

/** The metrics `measureSamples` can compute. */
export const METRICS = ['fid', 'kid', 'precisionRecall', 'classAccuracy'] as const;
export type MetricName = (typeof METRICS)[number];

/** Real images' features `[n, d]` and their statistics: what generated samples are measured against. */
export interface MeasureReference {
  rows: FeatureRows;
  stats: FeatureStats;
}

/** The metrics of a set of samples (only those asked for). */
export interface SampleMetrics {
  fid?: number;
  fidWarnings?: string[];
  kid?: number;
  precision?: number;
  recall?: number;
  classAccuracy?: number;
}

/**
 * Returns the `metrics` of generated `images` `[n, h, w, c]` sampled for `labels`: FID, KID and
 * precision/recall of their features against `reference`, class accuracy of the featurizer's logits.
 * `model` names the sampling model in errors.
 */
export function measureSamples(
  images: tf.Tensor4D,
  labels: readonly number[],
  metrics: readonly MetricName[],
  featurizer: Featurizer,
  reference: MeasureReference,
  model: string,
): SampleMetrics {
  const want = new Set(metrics);
  const out: SampleMetrics = {};
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
    if (labels.includes(NULL_LABEL))
      throw new Error(`classAccuracy needs a class-conditional model; "${model}" is unconditional (drop classAccuracy from metrics)`);
    const logits = featurizer.logits(images);
    try {
      out.classAccuracy = classAccuracy(logits, labels);
    } finally {
      logits.dispose();
    }
  }
  return out;
}
