/**
 * A trained feature classifier behind a tensor API: logits, penultimate features and the
 * attention of its last attention layer, each computed in batches of bounded size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { captureProcessor, type AttentionLayerInfo } from '../../model/attention/processors';
import { ClassifierNet, type ClassifierConfig, type ClassifierOutput } from './model';

/** Images per forward pass inside `logits`, `features` and `attention`. */
export const CLASSIFIER_BATCH = 250;

/** A feature classifier; every method takes images `[n, size, size, channels]` in [−1, 1]. */
export interface Classifier {
  readonly config: ClassifierConfig;
  /** sha256 of the checkpoint file (its identity), or a description for an unsaved network. */
  readonly digest: string;
  /** The layer `attention()` reports (name, grid `[h, w]`, heads, head width). */
  readonly attentionLayer: AttentionLayerInfo;
  /** Returns class logits `[n, classes]`. */
  logits(images: tf.Tensor4D): tf.Tensor2D;
  /** Returns penultimate features `[n, config.features]`. */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /** Returns the last attention layer's probabilities `[n, heads, tokens, tokens]` (tokens = grid h·w, row-major). */
  attention(images: tf.Tensor4D): tf.Tensor4D;
  /** Frees the weights. */
  dispose(): void;
}

/** Returns the `Classifier` API around `net`, identified by `digest`. */
export function classifierFromNet(net: ClassifierNet, digest: string): Classifier {
  const layers = net.attention;
  if (layers.length === 0) throw new Error('classifier has no attention layer');
  const last = layers[layers.length - 1];
  const pick =
    (key: keyof ClassifierOutput) =>
    (images: tf.Tensor4D): tf.Tensor2D =>
      inBatches(images, (x) => {
        const out = net.apply(x);
        tf.dispose(key === 'logits' ? out.features : out.logits);
        return out[key];
      });
  const attention = (images: tf.Tensor4D): tf.Tensor4D =>
    inBatches(images, (x) => {
      const kept: tf.Tensor4D[] = [];
      const out = net.apply(x, { [last.name]: captureProcessor((p) => kept.push(tf.keep(p))) });
      tf.dispose([out.logits, out.features]);
      return kept[0];
    });
  return {
    config: net.config,
    digest,
    attentionLayer: last,
    logits: pick('logits'),
    features: pick('features'),
    attention,
    dispose: () => net.params.dispose(),
  };
}

/** Returns `fn` applied to `images` in chunks of CLASSIFIER_BATCH rows, concatenated along axis 0 (one result for all rows). */
export function inBatches<T extends tf.Tensor>(images: tf.Tensor4D, fn: (chunk: tf.Tensor4D) => T): T {
  const n = images.shape[0];
  if (n <= CLASSIFIER_BATCH) return fn(images);
  const parts: T[] = [];
  for (let start = 0; start < n; start += CLASSIFIER_BATCH) {
    const size = Math.min(CLASSIFIER_BATCH, n - start);
    parts.push(tf.tidy(() => fn(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]))));
  }
  const out = tf.concat(parts, 0) as T;
  tf.dispose(parts);
  return out;
}
