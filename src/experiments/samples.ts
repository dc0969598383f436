/**
 * Per-sample measurements a row keeps so its metrics can be bootstrapped and paired later: each sample's
 * features (half precision, base64) in the featurizer's space and, when measured, in the second space (the
 * feature autoencoder's), its sample index (with the seed: its noise), and whether the classifier read the
 * intended class. 128 features × 256 samples ≈ 87 kB of JSON per row (64 more per sample in the second space: +44 kB).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SampleRun } from '../metrics/stats';
import { fromFloat16, toFloat16 } from './float16';
import { type FeatureRows, type Featurizer, featureRows, featurizerLogits } from '../metrics/featurizer';

/** Features `[n, d]` of one space as base64 float16, tagged with the space (the featurizer's digest). */
export interface SpaceFeatures {
  space: string;
  d: number;
  features: string;
}

/** A row's samples: features `[n, d]` as base64 float16, one sample index per row, 0/1 correctness as base64 bytes when measured. */
export interface PointSamples {
  /** The feature space: the featurizer's digest. */
  space: string;
  seed: number;
  indices: number[];
  n: number;
  d: number;
  dtype: 'float16';
  features: string;
  /** One byte per sample: 1 when the classifier's argmax is the intended label; absent for unconditional samples. */
  correct?: string;
  /** The same samples' features in the second space (the feature autoencoder's), when measured there. */
  ae?: SpaceFeatures;
}

/** Which features of a record a run holds: the featurizer's, or the second space's. */
export type FeatureSpaceKey = 'features' | 'ae';

/**
 * Returns the per-sample record of `images` `[n, h, w, c]` sampled at (seed, indices) for `labels` (null label: no correctness),
 * with the features of the `second` featurizer (the autoencoder's) beside the first's when given.
 */
export function pointSamples(
  images: tf.Tensor4D,
  labels: readonly number[] | undefined,
  featurizer: Featurizer,
  seed: number,
  indices: readonly number[],
  second?: Featurizer,
): PointSamples {
  const rows = featureRows(featurizer, images);
  if (rows.n !== indices.length) throw new Error(`pointSamples: ${rows.n} images but ${indices.length} sample indices`);
  const out: PointSamples = {
    space: featurizer.digest,
    seed,
    indices: [...indices],
    n: rows.n,
    d: rows.d,
    dtype: 'float16',
    features: base64Float16(rows),
  };
  if (labels !== undefined) {
    if (labels.length !== rows.n) throw new Error(`pointSamples: ${rows.n} images but ${labels.length} labels`);
    const predicted = tf
      .tidy(() => tf.argMax(featurizerLogits(featurizer, images, 'pointSamples correctness'), 1))
      .dataSync() as Int32Array;
    out.correct = Buffer.from(Uint8Array.from(predicted, (p, i) => (p === labels[i] ? 1 : 0))).toString('base64');
  }
  if (second !== undefined) {
    const ae = featureRows(second, images);
    out.ae = { space: second.digest, d: ae.d, features: base64Float16(ae) };
  }
  return out;
}

/** Returns feature rows as base64 float16. */
function base64Float16(rows: FeatureRows): string {
  const bits = toFloat16(rows.data);
  return Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64');
}

/**
 * Returns a row's features as a statistics run `[n, d]`: in its featurizer's space (`which` 'features'), or in the second
 * space ('ae'; throws when the row was not measured there).
 */
export function featureRun(s: PointSamples, which: FeatureSpaceKey = 'features'): SampleRun {
  if (which === 'ae' && s.ae === undefined)
    throw new Error(`point samples at seed ${s.seed} have no second-space (autoencoder) features; measure with the autoencoder too`);
  const { space, d, features } = which === 'ae' ? (s.ae as SpaceFeatures) : s;
  const bytes = Buffer.from(features, 'base64');
  if (s.dtype !== 'float16' || bytes.length !== s.n * d * 2) {
    const expected = `expected float16, ${s.n * d * 2} bytes`;
    throw new Error(`point samples at seed ${s.seed} (${which}): ${bytes.length} bytes of ${s.dtype} for [${s.n}, ${d}] (${expected})`);
  }
  const bits = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { seed: s.seed, indices: s.indices, rows: { data: fromFloat16(bits), n: s.n, d }, space };
}

/** Returns a row's 0/1 correctness as a run `[n, 1]` in the 'score' space (class accuracy is its mean); throws when not measured. */
export function correctnessRun(s: PointSamples): SampleRun {
  if (s.correct === undefined) throw new Error(`point samples at seed ${s.seed} have no correctness (unconditional samples)`);
  const bytes = Buffer.from(s.correct, 'base64');
  if (bytes.length !== s.n) throw new Error(`point samples at seed ${s.seed}: ${bytes.length} correctness bytes for ${s.n} samples`);
  return { seed: s.seed, indices: s.indices, rows: { data: Float64Array.from(bytes), n: s.n, d: 1 }, space: 'score' };
}

/**
 * Returns the runs `[seeds]` of one point's rows (one row per seed): features in the featurizer's space, in the second
 * space ('ae'), or correctness; throws naming a row kept without samples.
 */
export function pointRuns(
  rows: readonly { key: string; samples?: PointSamples }[],
  kind: FeatureSpaceKey | 'correctness' = 'features',
): SampleRun[] {
  return rows.map((r) => {
    if (r.samples === undefined) {
      const why = 'recompute it (rows from before per-sample records cannot be bootstrapped)';
      throw new Error(`row ${r.key.slice(0, 12)}… has no per-sample record; ${why}`);
    }
    return kind === 'correctness' ? correctnessRun(r.samples) : featureRun(r.samples, kind);
  });
}
