/**
 * Where a denoiser falls short: for each model file, the held-out denoising error per noise level
 * (the EDM loss weight times the mean squared error; every model sees the same 500 images and the
 * same noise, so the columns compare across models) and
 * the class accuracy of its unguided conditional samples (labels cycling 0…9, Heun 18, seed 1, the
 * shipped feature classifier; none with 0 samples). Slow (a minute or two per model):
 *   node --import tsx bench/denoiser-quality.ts <samples> <model.safetensors>...
 */
import * as tf from '@tensorflow/tfjs-core';
import { classAccuracy, initBackend, loadClassifier, loadDataset, loadModel, sample, splitDataset } from '../src';
import { toTensor } from '../src/data/batches';
import { SIGMA_DATA } from '../src/model/denoiser';
import { Rng } from '../src/random';

const SIGMAS = [0.05, 0.2, 0.5, 1, 2, 5, 20];
const HELD_OUT = 500;

async function main(): Promise<void> {
  const [samplesArg, ...paths] = process.argv.slice(2);
  const samples = Number(samplesArg);
  if (!(Number.isInteger(samples) && samples >= 0) || paths.length === 0) {
    throw new Error(`usage: denoiser-quality.ts <samples> <model.safetensors>...; got ${JSON.stringify(process.argv.slice(2))}`);
  }
  await initBackend('wasm');
  const ds = await loadDataset('mnist');
  const { heldOut } = splitDataset(ds, { heldOut: 0.1, seed: 0 });
  const batch = toTensor(ds, heldOut.subarray(0, HELD_OUT));
  const labels = Array.from(batch.labels.dataSync());
  const noise = tf.tensor(new Rng(7).normals(batch.images.size), batch.images.shape);
  const classifier = await loadClassifier();
  console.log(['model', ...SIGMAS.map((s) => `σ=${s}`), 'accuracy'].join('\t'));
  for (const path of paths) {
    const { model } = await loadModel(path);
    const errors = SIGMAS.map((s) =>
      tf.tidy(() => {
        const noisy = tf.add(batch.images, tf.mul(noise, s)) as tf.Tensor4D;
        const d = model.denoise(noisy, new Array(HELD_OUT).fill(s), { labels });
        const weight = (s * s + SIGMA_DATA * SIGMA_DATA) / (s * SIGMA_DATA) ** 2;
        return tf.mean(tf.square(tf.sub(d, batch.images))).dataSync()[0] * weight;
      }),
    );
    let accuracy = '–';
    if (samples > 0) {
      const wanted = Array.from({ length: samples }, (_, i) => i % 10);
      const x = await sample({ model, labels: wanted, steps: 18, sampler: 'heun', seed: 1, batchSize: 50 });
      accuracy = `${(tf.tidy(() => classAccuracy(classifier.logits(x), wanted)) * 100).toFixed(1)}%`;
      x.dispose();
    }
    console.log([path, ...errors.map((e) => e.toFixed(4)), accuracy].join('\t'));
  }
}

void main();
