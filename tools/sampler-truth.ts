/**
 * How far each sampler lands from the ODE's own solution: for every shipped model named, the same noise
 * (seed 0, sample indices 0…n−1, labels cycling 0…9) is integrated once with a high-step Heun reference and
 * with Euler and Heun at each step count; per setting it prints the RMSE per image to the reference (pixels
 * in [−1, 1]), the class accuracy of the samples and of the reference (feature classifier), and the share
 * of samples the classifier reads as the same digit as the reference, unguided and with CFG.
 *   node --import tsx tools/sampler-truth.ts [--models a,b] [--samples 64] [--reference 256] [--steps 6,8,12,18,32]
 *     [--gammas 0,1] [--out bench/results/<file>.json]
 * The printed table also goes to the JSON file (one record per model, γ and setting).
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { initBackend, loadShipped } from '../src';
import { cfg, sample } from '../src/guidance';
import { loadClassifier } from '../src/metrics';
import type { SamplerName } from '../src/diffusion';
import { numbers, option } from './argv';

/** One sampler setting's distance to the reference and its accuracies (all over the same n samples). */
interface TruthRecord {
  model: string;
  gamma: number;
  sampler: SamplerName;
  steps: number;
  /** Denoiser evaluations per sample and guidance pass (Heun: 2N − 1). */
  nfe: number;
  /** Mean over images of √(mean over pixels of (x − x_ref)²). */
  rmse: number;
  /** Largest per-image RMSE. */
  rmseMax: number;
  accuracy: number;
  referenceAccuracy: number;
  /** Share of samples whose predicted class equals the reference sample's predicted class. */
  agreement: number;
  seconds: number;
}

/** Returns per-image RMSE `[n]` between `a` and `b` `[n, h, w, c]`. */
function perImageRmse(a: tf.Tensor4D, b: tf.Tensor4D): Float32Array {
  return tf.tidy(() => tf.sqrt(tf.mean(tf.squaredDifference(a, b), [1, 2, 3]))).dataSync() as Float32Array;
}

/** Returns the classifier's predicted class per image `[n]`. */
function predictions(classify: (x: tf.Tensor4D) => tf.Tensor2D, images: tf.Tensor4D): Int32Array {
  return tf.tidy(() => tf.argMax(classify(images), 1)).dataSync() as Int32Array;
}

const share = (flags: boolean[]): number => flags.filter(Boolean).length / flags.length;

async function main(): Promise<void> {
  const models = option('models', 'mnist-unet-main,mnist-dit-main').split(',');
  const n = numbers('samples', '64')[0];
  const referenceSteps = numbers('reference', '256')[0];
  const stepList = numbers('steps', '6,8,12,18,32');
  const gammas = numbers('gammas', '0,1');
  const out = option('out', `tools/results/${new Date().toISOString().slice(0, 16).replace(/:/g, '-')}-sampler-truth.json`);
  const backend = await initBackend();
  const classifier = await loadClassifier();
  const classify = (x: tf.Tensor4D) => classifier.logits(x);
  const labels = Array.from({ length: n }, (_, i) => i % 10);
  const records: TruthRecord[] = [];
  console.log(`# sampler truth: ${backend}, ${n} samples (seed 0, labels 0…9 cycling), reference Heun ${referenceSteps}`);
  console.log('model           γ  sampler steps  NFE   RMSE   RMSEmax  acc   ref-acc  agree   s');
  for (const name of models) {
    const model = (await loadShipped(name)).model;
    for (const gamma of gammas) {
      const guidance = gamma === 0 ? [] : [cfg({ gamma })];
      const run = (sampler: SamplerName, steps: number) => sample({ model, guidance, labels, seed: 0, steps, sampler, batchSize: 64 });
      const reference = await run('heun', referenceSteps);
      const refClass = predictions(classify, reference);
      const referenceAccuracy = share(Array.from(refClass, (p, i) => p === labels[i]));
      for (const sampler of ['euler', 'heun'] as const) {
        for (const steps of stepList) {
          const t0 = Date.now();
          const x = await run(sampler, steps);
          const seconds = (Date.now() - t0) / 1000;
          const rmse = perImageRmse(x, reference);
          const cls = predictions(classify, x);
          x.dispose();
          const r: TruthRecord = {
            model: name,
            gamma,
            sampler,
            steps,
            nfe: sampler === 'heun' ? 2 * steps - 1 : steps,
            rmse: rmse.reduce((s, v) => s + v, 0) / n,
            rmseMax: Math.max(...rmse),
            accuracy: share(Array.from(cls, (p, i) => p === labels[i])),
            referenceAccuracy,
            agreement: share(Array.from(cls, (p, i) => p === refClass[i])),
            seconds,
          };
          records.push(r);
          const pct = (v: number) => `${(v * 100).toFixed(0)}%`.padStart(5);
          const counts = `${String(steps).padStart(5)} ${String(r.nfe).padStart(4)}`;
          const setting = `${name.padEnd(15)} ${String(gamma).padStart(2)}  ${sampler.padEnd(7)} ${counts}`;
          const distance = `${r.rmse.toFixed(4)}  ${r.rmseMax.toFixed(4)}`;
          console.log(`${setting}  ${distance} ${pct(r.accuracy)}  ${pct(referenceAccuracy)}  ${pct(r.agreement)}  ${seconds.toFixed(0)}`);
        }
      }
      reference.dispose();
      writeFileSync(out, `${JSON.stringify({ backend, samples: n, referenceSteps, records }, null, 1)}\n`);
    }
    model.net.params.dispose();
  }
  classifier.dispose();
  console.log(`# written ${out}`);
}

void main();
