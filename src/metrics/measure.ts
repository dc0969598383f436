/**
 * Measuring generated samples: FID, KID and precision/recall of their features against a reference
 * set's, in the featurizer's space and optionally in a second one (the feature autoencoder's), and class
 * accuracy of the featurizer's logits against the labels they were sampled for.
 */
import * as tf from '@tensorflow/tfjs-core';
import { NULL_LABEL } from '../model/denoiser';
import { classAccuracy } from './accuracy';
import { type FeatureStats, fid } from './fid';
import { kid } from './kid';
import { precisionRecall } from './precision-recall';
import { FeatureRows, Featurizer, featureRows, featurizerLogits, rowsNdarray } from './featurizer';

/** The metrics `measureSamples` can compute. */
export const METRICS = ['fid', 'kid', 'precisionRecall', 'classAccuracy'] as const;
export type MetricName = (typeof METRICS)[number];

/** Real images' features `[n, d]` and their statistics: what generated samples are measured against. */
export interface MeasureReference {
  rows: FeatureRows;
  stats: FeatureStats;
  /** The featurizer digest the rows were computed with; when given, a featurizer of another space is refused. */
  space?: string;
}

/** A second feature space to measure FID and KID in: its featurizer and its real reference. */
export interface MeasureSpace {
  featurizer: Featurizer;
  reference: MeasureReference;
}

/** The metrics of a set of samples (only those asked for; `fidAe` / `kidAe` only with a second space). */
export interface SampleMetrics {
  fid?: number;
  fidWarnings?: string[];
  kid?: number;
  precision?: number;
  recall?: number;
  classAccuracy?: number;
  /** FID in the second space (the feature autoencoder's). */
  fidAe?: number;
  fidAeWarnings?: string[];
  /** KID in the second space. */
  kidAe?: number;
}

/**
 * Returns the `metrics` of generated `images` `[n, h, w, c]` sampled for `labels`: FID, KID and
 * precision/recall of their features against `reference`, class accuracy of the featurizer's logits,
 * and FID / KID (those asked for) in the `second` space when given. `model` names the sampling model in errors.
 */
export function measureSamples(
  images: tf.Tensor4D,
  labels: readonly number[],
  metrics: readonly MetricName[],
  featurizer: Featurizer,
  reference: MeasureReference,
  model: string,
  second?: MeasureSpace,
): SampleMetrics {
  const want = new Set(metrics);
  const out: SampleMetrics = {};
  if (want.has('fid') || want.has('kid') || want.has('precisionRecall'))
    Object.assign(out, spaceMetrics(images, want, featurizer, reference));
  if (second !== undefined && (want.has('fid') || want.has('kid'))) {
    const s = spaceMetrics(images, new Set([...want].filter((m) => m !== 'precisionRecall')), second.featurizer, second.reference);
    if (s.fid !== undefined) Object.assign(out, { fidAe: s.fid, fidAeWarnings: s.fidWarnings });
    if (s.kid !== undefined) out.kidAe = s.kid;
  }
  if (want.has('classAccuracy')) {
    if (labels.includes(NULL_LABEL))
      throw new Error(`classAccuracy needs a class-conditional model; "${model}" is unconditional (drop classAccuracy from metrics)`);
    const logits = featurizerLogits(featurizer, images, 'classAccuracy');
    try {
      out.classAccuracy = classAccuracy(logits, labels);
    } finally {
      logits.dispose();
    }
  }
  return out;
}

/** Returns FID, KID and precision/recall (those in `want`) of `images`' features in `featurizer`'s space against `reference`. */
function spaceMetrics(
  images: tf.Tensor4D,
  want: ReadonlySet<MetricName>,
  featurizer: Featurizer,
  reference: MeasureReference,
): SampleMetrics {
  if (reference.space !== undefined && reference.space !== featurizer.digest) {
    throw new Error(
      `measureSamples: the reference was computed in space "${reference.space}", the featurizer is "${featurizer.digest}"; measure both with one featurizer`,
    );
  }
  const out: SampleMetrics = {};
  const gen = rowsNdarray(featureRows(featurizer, images));
  const real = rowsNdarray(reference.rows);
  if (want.has('fid')) {
    const r = fid(gen, reference.stats, { warn: () => undefined });
    out.fid = r.fid;
    out.fidWarnings = r.warnings;
  }
  if (want.has('kid')) out.kid = kid(real, gen);
  if (want.has('precisionRecall')) Object.assign(out, precisionRecall(real, gen));
  return out;
}
