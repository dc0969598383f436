/**
 * Where a denoiser falls short: for each model file, the held-out denoising error per noise level
 * (the EDM loss weight times the mean squared error; every model sees the same 500 images and the
 * same noise, so the columns compare across models) and
 * the class accuracy of its unguided conditional samples (labels cycling 0…9, Heun 18, the given noise seed, the
 * shipped feature classifier; none with 0 samples). Slow (a minute or two per model):
 *   node --import tsx tools/denoiser-quality.ts <samples> <seed> <shipped name | model.safetensors | run folder>...
 * A run folder (of `guidance-lab train`, finished or not) is read from its saved state's σ_rel 0.10 EMA.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, classAccuracy, denoisingErrors, initBackend, loadClassifier, loadDataset, sample, splitDataset, toTensor } from '../src';
import { loadDenoiser } from './load-denoiser';

const SIGMAS = [0.05, 0.2, 0.5, 1, 2, 5, 20];
const HELD_OUT = 500;
/** Images per forward pass (the UNet's 16×16 attention over 500 images at once overflows wasm memory). */
const CHUNK = 50;

async function main(): Promise<void> {
  const [samplesArg, seedArg, ...paths] = process.argv.slice(2);
  const [samples, seed] = [Number(samplesArg), Number(seedArg)];
  if (!(Number.isInteger(samples) && samples >= 0 && Number.isInteger(seed)) || paths.length === 0) {
    throw new Error(
      `usage: denoiser-quality.ts <samples> <seed> <model.safetensors | run folder>...; got ${JSON.stringify(process.argv.slice(2))}`,
    );
  }
  await initBackend('wasm');
  const ds = await loadDataset('mnist');
  const { heldOut } = splitDataset(ds, { heldOut: 0.1, seed: 0 });
  const batch = toTensor(ds, heldOut.subarray(0, HELD_OUT));
  const labels = Array.from(batch.labels.dataSync());
  const noise = tf.tensor4d(new Rng(7).normals(batch.images.size), batch.images.shape);
  const classifier = await loadClassifier();
  console.log(['model', ...SIGMAS.map((s) => `σ=${s}`), 'accuracy'].join('\t'));
  for (const path of paths) {
    const { model, label } = await loadDenoiser(path);
    process.stderr.write(`${label}\n`);
    const errors = denoisingErrors(model, batch.images, labels, SIGMAS, noise, CHUNK);
    let accuracy = '–';
    if (samples > 0) {
      const wanted = Array.from({ length: samples }, (_, i) => i % 10);
      const x = await sample({ model, labels: wanted, steps: 18, sampler: 'heun', seed, batchSize: 50 });
      accuracy = `${(tf.tidy(() => classAccuracy(classifier.logits(x), wanted)) * 100).toFixed(1)}%`;
      x.dispose();
    }
    model.net.params.dispose();
    console.log([path, ...errors.map((e) => e.toFixed(4)), accuracy].join('\t'));
  }
}

void main();
