/**
 * The shipped feature autoencoder: loading it, and its bottleneck as a `Featurizer` (the metrics' second
 * feature space, independent of the feature classifier; it has no class logits).
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { Autoencoder, type AutoencoderConfig } from '../../model/autoencoder';
import { loadCheckpoint } from '../../model/checkpoint';
import { inBatches } from '../classifier/classifier';
import type { Featurizer, FeaturizerSource } from '../featurizer';

/** The shipped MNIST feature autoencoder (relative to the package root, from `src/` or `dist/`). */
export const DEFAULT_AUTOENCODER_PATH = join(__dirname, '..', '..', '..', 'data', 'feature-ae', 'mnist-ae.safetensors');

/** A loaded autoencoder and the sha256 of its file. */
export interface LoadedAutoencoder {
  ae: Autoencoder;
  digest: string;
  /** The checkpoint's training record. */
  training: Record<string, unknown>;
  /** Frees the weights. */
  dispose(): void;
}

/** Returns the autoencoder stored at `path` (default: the shipped one), identified by the file's sha256. */
export async function loadAutoencoder(path: string = DEFAULT_AUTOENCODER_PATH): Promise<LoadedAutoencoder> {
  const ckpt = await loadCheckpoint(path);
  const config = ckpt.metadata.config as unknown as AutoencoderConfig;
  if (config.arch !== 'conv-autoencoder')
    throw new Error(`${path}: config.arch is "${String(config.arch)}", not an autoencoder ("conv-autoencoder")`);
  const ae = new Autoencoder(config);
  ae.params.load(ckpt.tensors, path);
  return { ae, digest: ckpt.digest, training: ckpt.metadata.training ?? {}, dispose: () => ae.params.dispose() };
}

/** Returns the featurizer of an autoencoder's bottleneck: features `[n, bottleneck]`, tagged with `digest`; no logits. */
export function autoencoderFeatures(ae: Autoencoder, digest: string): Featurizer {
  return { digest, features: (images: tf.Tensor4D) => inBatches(images, (x) => ae.encode(x)) };
}

/** Returns the bottleneck featurizer of the autoencoder at `path` (default: the shipped one). */
export async function autoencoderFeaturizer(path?: string): Promise<Featurizer> {
  const { ae, digest } = await loadAutoencoder(path);
  return autoencoderFeatures(ae, digest);
}

/** Returns the source of the autoencoder featurizer at `path` (default: the shipped one), for worker threads. */
export function autoencoderSource(path?: string): FeaturizerSource {
  return { module: __filename, exportName: 'autoencoderFeaturizer', ...(path === undefined ? {} : { arg: path }) };
}
