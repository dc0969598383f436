/**
 * Featurizers: what turns images into metric features and class logits. A sweep names its
 * featurizer by module and export so every worker thread can build its own copy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import ndarray = require('ndarray');
import { loadClassifier } from './classifier';

/**
 * Image features and (for a classifier) class logits, identified by a digest: the feature classifier, or the
 * feature autoencoder's bottleneck (no logits).
 */
export interface Featurizer {
  /** Identity of the weights (a checkpoint's sha256): the feature space every run it measures is tagged with. */
  readonly digest: string;
  /** Returns features `[n, d]` of images `[n, h, w, c]` in [−1, 1]. */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /** Returns class logits `[n, classes]`; absent for a featurizer without classes (the autoencoder). */
  logits?(images: tf.Tensor4D): tf.Tensor2D;
}

/** Returns `featurizer`'s class logits `[n, classes]` of `images`; throws, naming its digest, when it has none. */
export function featurizerLogits(featurizer: Featurizer, images: tf.Tensor4D, what: string): tf.Tensor2D {
  if (featurizer.logits === undefined)
    throw new Error(`${what} needs class logits; featurizer ${featurizer.digest.slice(0, 12)}… has none (use the feature classifier)`);
  return featurizer.logits(images);
}

/** How to build a featurizer in any thread: `require(module)[exportName](arg)`. */
export interface FeaturizerSource {
  module: string;
  exportName: string;
  arg?: unknown;
}

/** Features `[n, d]` as a row-major float32 buffer (plain data, so it crosses to worker threads). */
export interface FeatureRows {
  data: Float32Array;
  n: number;
  d: number;
}

/** Returns the featurizer a source describes. */
export async function loadFeaturizer(source: FeaturizerSource): Promise<Featurizer> {
  const factory = (require(source.module) as Record<string, unknown>)[source.exportName];
  if (typeof factory !== 'function') throw new Error(`featurizer: ${source.module} has no function export "${source.exportName}"`);
  return await (factory as (arg: unknown) => Featurizer | Promise<Featurizer>)(source.arg);
}

/** Returns the feature classifier at `path` (default: the shipped one) as a featurizer. */
export async function classifierFeaturizer(path?: string): Promise<Featurizer> {
  return loadClassifier(path);
}

/** Returns the source of the feature classifier at `path` (default: the shipped one). */
export function classifierSource(path?: string): FeaturizerSource {
  return { module: __filename, exportName: 'classifierFeaturizer', ...(path === undefined ? {} : { arg: path }) };
}

/** Returns `images`' features as plain rows. */
export function featureRows(featurizer: Featurizer, images: tf.Tensor4D): FeatureRows {
  const f = featurizer.features(images);
  const [n, d] = f.shape;
  const data = f.dataSync() as Float32Array;
  f.dispose();
  return { data: Float32Array.from(data), n, d };
}

/** Returns the hex sha256 of feature rows (the identity of a reference set). */
export function rowsDigest(rows: FeatureRows): string {
  return createHash('sha256')
    .update(`${rows.n}x${rows.d}:`)
    .update(new Uint8Array(rows.data.buffer, rows.data.byteOffset, rows.data.byteLength))
    .digest('hex');
}

/** Returns feature rows as a 2D ndarray view `[n, d]` (what the metrics take). */
export function rowsNdarray(rows: FeatureRows): ndarray.NdArray<Float32Array> {
  return ndarray(rows.data, [rows.n, rows.d]);
}
