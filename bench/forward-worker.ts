/**
 * Worker thread for the sweep bench's ceiling: on its own wasm backend, times `reps` forward passes
 * of a denoiser (config and batch from workerData) and posts the seconds they took.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { createDenoiser } from '../src/model/factory';
import type { ModelConfig } from '../src/model/denoiser';

async function main(): Promise<void> {
  const { config, batch, reps } = workerData as { config: ModelConfig; batch: number; reps: number };
  await initBackend('wasm');
  const model = createDenoiser(config, 0);
  const x = tf.randomNormal([batch, config.imageSize, config.imageSize, config.channels], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = Array.from({ length: batch }, (_, i) => i % 10);
  const forward = (): void => tf.tidy(() => void model.denoise(x, 1, { labels }).dataSync());
  forward();
  parentPort?.postMessage({ type: 'ready' });
  await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));
  const started = performance.now();
  for (let i = 0; i < reps; i++) forward();
  parentPort?.postMessage({ type: 'done', seconds: (performance.now() - started) / 1000 });
}

void main();
