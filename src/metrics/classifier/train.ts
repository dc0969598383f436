/**
 * Trains the feature classifier on a data set's train split (Adam, cross-entropy, random shifts),
 * measures its accuracy on the held-out split, and ships it as a checkpoint plus a JSON card.
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { initBackend } from '../../backend';
import { loadDataset, splitDataset, toTensor, type Dataset } from '../../data';
import { float16ToFloat32, float32ToFloat16, saveCheckpoint, type Dtype } from '../../model/checkpoint';
import type { TensorData } from '../../model/checkpoint';
import { Rng } from '../../random';
import { Progress } from '../../runtime/progress';
import { classAccuracy } from '../accuracy';
import { shiftImages } from './augment';
import { classifierFromNet } from './classifier';
import { ClassifierNet, DEFAULT_CLASSIFIER_CONFIG, type ClassifierConfig } from './model';

/** The split every classifier is trained and evaluated on: 10% held out, seed 0. */
export const CLASSIFIER_SPLIT = { heldOut: 0.1, seed: 0 } as const;

/** What `trainClassifier` needs; only `dataset` and `out` are required. */
export interface TrainClassifierOptions {
  /** A `loadDataset` name ("mnist", "fashion-mnist") or idx folder. */
  dataset: string;
  /** Checkpoint path (`.safetensors`); the card goes beside it as `.json`. */
  out: string;
  epochs?: number;
  seed?: number;
  batchSize?: number;
  /** Peak learning rate (linear warm-up over 100 steps, cosine decay to 5%). */
  lr?: number;
  /** Largest random shift in pixels. */
  maxShift?: number;
  config?: Omit<ClassifierConfig, 'imageSize' | 'channels' | 'classes'>;
  /** How the command was run, for the card. */
  command?: string;
}

/** The classifier card written beside the checkpoint. */
export interface ClassifierCard {
  file: string;
  digest: string;
  dtype: Dtype;
  dataset: string;
  split: typeof CLASSIFIER_SPLIT & { trainCount: number; heldOutCount: number };
  heldOutAccuracy: number;
  heldOutAccuracyF32: number;
  trainingSeconds: number;
  epochs: number;
  seed: number;
  batchSize: number;
  lr: number;
  maxShift: number;
  parameters: number;
  config: ClassifierConfig;
  command: string;
}

/** Trains a classifier, writes `out` and its card; returns the card. */
export async function trainClassifier(options: TrainClassifierOptions): Promise<ClassifierCard> {
  const { dataset, out, epochs = 6, seed = 0, batchSize = 64, lr = 2e-3, maxShift = 2 } = options;
  for (const [name, v] of [
    ['epochs', epochs],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer; got ${v}`);
  }
  if (!out.endsWith('.safetensors')) throw new Error(`out must be a .safetensors path; got "${out}"`);
  await initBackend();
  const ds = await loadDataset(dataset);
  const split = splitDataset(ds, CLASSIFIER_SPLIT);
  const config: ClassifierConfig = {
    ...DEFAULT_CLASSIFIER_CONFIG,
    ...options.config,
    imageSize: ds.height,
    channels: ds.channels,
    classes: ds.classes,
  };
  const net = new ClassifierNet(config, seed);
  const start = Date.now();
  fit(net, ds, split.train, { epochs, seed, batchSize, lr, maxShift });
  const trainingSeconds = (Date.now() - start) / 1000;

  const f32 = net.params.snapshot();
  const accF32 = accuracy(net, ds, split.heldOut);
  net.params.load(roundTripF16(f32));
  const accF16 = accuracy(net, ds, split.heldOut);
  const dtype: Dtype = accF16 >= accF32 ? 'F16' : 'F32';
  const training = {
    dataset: ds.name,
    epochs,
    seed,
    batchSize,
    lr,
    maxShift,
    split: CLASSIFIER_SPLIT,
    trainingSeconds,
    heldOutAccuracy: dtype === 'F16' ? accF16 : accF32,
  };
  const { digest } = await saveCheckpoint(out, f32, { config: config as unknown as Record<string, unknown>, training }, { dtype });
  net.params.dispose();

  const card: ClassifierCard = {
    file: basename(out),
    digest,
    dtype,
    dataset: ds.name,
    split: { ...CLASSIFIER_SPLIT, trainCount: split.train.length, heldOutCount: split.heldOut.length },
    heldOutAccuracy: training.heldOutAccuracy,
    heldOutAccuracyF32: accF32,
    trainingSeconds,
    epochs,
    seed,
    batchSize,
    lr,
    maxShift,
    parameters: Object.values(f32).reduce((s, t) => s + t.data.length, 0),
    config,
    command:
      options.command ??
      `node --import tsx src/metrics/classifier/train-main.ts --dataset ${dataset} --out ${out} --epochs ${epochs} --seed ${seed}`,
  };
  await writeFile(cardPath(out), `${JSON.stringify(card, null, 2)}\n`);
  return card;
}

/** Returns the card path for a checkpoint path: `x.safetensors` → `x.json`. */
export function cardPath(checkpoint: string): string {
  return checkpoint.replace(/\.safetensors$/, '.json');
}

/** Returns the held-out accuracy of `net` on `indices` of `ds` (share of argmax = label). */
function accuracy(net: ClassifierNet, ds: Dataset, indices: Int32Array): number {
  const { images, labels } = toTensor(ds, indices);
  const logits = classifierFromNet(net, 'training').logits(images);
  const acc = classAccuracy(logits, labels.dataSync());
  tf.dispose([images, labels, logits]);
  return acc;
}

/** Runs `epochs` of Adam on cross-entropy over shuffled, randomly shifted batches of `train`. */
function fit(
  net: ClassifierNet,
  ds: Dataset,
  train: Int32Array,
  o: { epochs: number; seed: number; batchSize: number; lr: number; maxShift: number },
): void {
  const optimizer = tf.train.adam(o.lr, 0.9, 0.999, 1e-8);
  const vars = [...net.params.vars.values()];
  const stepsPerEpoch = Math.floor(train.length / o.batchSize);
  if (stepsPerEpoch === 0) throw new Error(`the train split has ${train.length} images, fewer than one batch of ${o.batchSize}`);
  const total = stepsPerEpoch * o.epochs;
  const progress = new Progress('classifier', total);
  const shifts = new Rng(o.seed, 0x5f1f7);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = new Rng(o.seed, epoch).permutation(train.length);
    for (let s = 0; s < stepsPerEpoch; s++, step++) {
      const batch = toTensor(
        ds,
        order.slice(s * o.batchSize, (s + 1) * o.batchSize).map((i) => train[i]),
      );
      const [n, size, , channels] = batch.images.shape;
      const shifted = shiftImages(batch.images.dataSync() as Float32Array, n, size, channels, o.maxShift, shifts);
      const x = tf.tensor4d(shifted, batch.images.shape);
      const y = tf.oneHot(batch.labels, ds.classes).toFloat();
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate(o.lr, step, total);
      const loss = optimizer.minimize(() => crossEntropy(net.apply(x).logits, y), true, vars);
      progress.update(step + 1, { epoch: `${epoch + 1}/${o.epochs}`, loss: loss ? loss.dataSync()[0] : NaN });
      tf.dispose([batch.images, batch.labels, x, y, loss ?? []]);
    }
  }
  progress.done();
  optimizer.dispose();
}

/** Returns the mean cross-entropy of `logits` `[n, classes]` against one-hot `targets` `[n, classes]`, a scalar. */
function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** Returns the learning rate at `step` of `total`: linear warm-up over 100 steps, then cosine decay to 5% of `peak`. */
function learningRate(peak: number, step: number, total: number): number {
  const warm = Math.min(1, (step + 1) / 100);
  const t = step / Math.max(total - 1, 1);
  return peak * warm * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Returns `values` rounded to float16 and widened back, as an F16 checkpoint would load them. */
function roundTripF16(values: Record<string, TensorData>): Record<string, TensorData> {
  return Object.fromEntries(
    Object.entries(values).map(([k, t]) => [k, { data: float16ToFloat32(float32ToFloat16(t.data)), shape: t.shape }]),
  );
}
