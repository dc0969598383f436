/**
 * Per-sample measurements a row keeps so its metrics can be bootstrapped and paired later: each sample's
 * features (half precision, base64) in the featurizer's space, its sample index (with the seed: its noise),
 * and whether the classifier read the intended class. 128 features × 256 samples ≈ 87 kB of JSON per row.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SampleRun } from '../metrics/stats';
import { fromFloat16, toFloat16 } from './float16';
import { type Featurizer, featureRows } from '../metrics/featurizer';

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
}

/** Returns the per-sample record of `images` `[n, h, w, c]` sampled at (seed, indices) for `labels` (null label: no correctness). */
export function pointSamples(
  images: tf.Tensor4D,
  labels: readonly number[] | undefined,
  featurizer: Featurizer,
  seed: number,
  indices: readonly number[],
): PointSamples {
  const rows = featureRows(featurizer, images);
  if (rows.n !== indices.length) throw new Error(`pointSamples: ${rows.n} images but ${indices.length} sample indices`);
  const bits = toFloat16(rows.data);
  const out: PointSamples = {
    space: featurizer.digest,
    seed,
    indices: [...indices],
    n: rows.n,
    d: rows.d,
    dtype: 'float16',
    features: Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64'),
  };
  if (labels !== undefined) {
    if (labels.length !== rows.n) throw new Error(`pointSamples: ${rows.n} images but ${labels.length} labels`);
    const predicted = tf.tidy(() => tf.argMax(featurizer.logits(images), 1)).dataSync() as Int32Array;
    out.correct = Buffer.from(Uint8Array.from(predicted, (p, i) => (p === labels[i] ? 1 : 0))).toString('base64');
  }
  return out;
}

/** Returns a row's features as a statistics run `[n, d]` in its featurizer's space. */
export function featureRun(s: PointSamples): SampleRun {
  const bytes = Buffer.from(s.features, 'base64');
  if (s.dtype !== 'float16' || bytes.length !== s.n * s.d * 2) {
    const expected = `expected float16, ${s.n * s.d * 2} bytes`;
    throw new Error(`point samples at seed ${s.seed}: ${bytes.length} bytes of ${s.dtype} for [${s.n}, ${s.d}] (${expected})`);
  }
  const bits = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { seed: s.seed, indices: s.indices, rows: { data: fromFloat16(bits), n: s.n, d: s.d }, space: s.space };
}

/** Returns a row's 0/1 correctness as a run `[n, 1]` in the 'score' space (class accuracy is its mean); throws when not measured. */
export function correctnessRun(s: PointSamples): SampleRun {
  if (s.correct === undefined) throw new Error(`point samples at seed ${s.seed} have no correctness (unconditional samples)`);
  const bytes = Buffer.from(s.correct, 'base64');
  if (bytes.length !== s.n) throw new Error(`point samples at seed ${s.seed}: ${bytes.length} correctness bytes for ${s.n} samples`);
  return { seed: s.seed, indices: s.indices, rows: { data: Float64Array.from(bytes), n: s.n, d: 1 }, space: 'score' };
}

/** Returns the feature runs `[seeds]` of one point's rows (one row per seed); throws naming a row kept without samples. */
export function pointRuns(
  rows: readonly { key: string; samples?: PointSamples }[],
  kind: 'features' | 'correctness' = 'features',
): SampleRun[] {
  return rows.map((r) => {
    if (r.samples === undefined) {
      const why = 'recompute it (rows from before per-sample records cannot be bootstrapped)';
      throw new Error(`row ${r.key.slice(0, 12)}… has no per-sample record; ${why}`);
    }
    return kind === 'features' ? featureRun(r.samples) : correctnessRun(r.samples);
  });
}
