/**
 * Resumable training of the feature autoencoder (src/model/autoencoder.ts): mean squared error of
 * the reconstruction in [−1, 1] pixels, no labels, Adam (./adam) with a linear warm-up and a cosine
 * decay to 10% over the run. Batches come from a permutation drawn from (seed, epoch), so a run is
 * a function of its seed, and a state saved every few minutes lets a resumed run take the same steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { toTensor, type Dataset } from '../data';
import { Autoencoder, type AutoencoderConfig } from '../model/autoencoder';
import { loadCheckpoint, saveCheckpoint, type TensorData } from '../model/checkpoint';
import { Rng } from '../random';
import { Progress } from '../runtime/progress';
import { Adam } from './adam';
import { LOG_HEADER, truncateLog } from './trainer';

/** What `trainAutoencoder` needs. */
export interface AutoencoderTrainOptions {
  /** Run folder: state, loss log and the final weights go here. */
  out: string;
  config: AutoencoderConfig;
  /** Training length in images. */
  images: number;
  batch: number;
  /** Peak Adam learning rate. */
  lr: number;
  /** Linear learning-rate warm-up, in images. */
  warmup: number;
  seed: number;
  /** Seconds between training-state saves. */
  saveEverySeconds: number;
  /** Steps between loss-log lines. */
  logEverySteps: number;
  /** Stop this call after this many seconds, with the state saved (rerunning continues); unlimited when absent. */
  maxSeconds?: number;
  /** Stop this call after this many steps, with the state saved (rerunning continues); unlimited when absent. */
  maxSteps?: number;
  /** How to reproduce the run (stored in its files). */
  command: string;
}

/** The defaults of everything but the run folder, config, length and command. */
export const DEFAULT_AUTOENCODER_TRAIN: Omit<AutoencoderTrainOptions, 'out' | 'config' | 'images' | 'command'> = {
  batch: 64,
  lr: 2e-3,
  warmup: 3200,
  seed: 0,
  saveEverySeconds: 120,
  logEverySteps: 50,
};

/** The settings a saved state must share with a resumed run. */
interface AutoencoderSettings {
  images: number;
  batch: number;
  lr: number;
  warmup: number;
  seed: number;
  data: { name: string; count: number; train: number; digest: string };
}

/** File names inside an autoencoder run folder. */
export const autoencoderRunFiles = {
  state: (out: string) => join(out, 'state.safetensors'),
  log: (out: string) => join(out, 'loss.csv'),
  final: (out: string) => join(out, 'final.safetensors'),
};

/** Returns the learning rate of step `step` of `total`: linear warm-up over `warmupSteps`, then cosine decay from `peak` to 10% of it. */
export function autoencoderLearningRate(peak: number, step: number, total: number, warmupSteps: number): number {
  const warm = Math.min(1, (step + 1) / Math.max(warmupSteps, 1));
  const t = step / Math.max(total - 1, 1);
  return peak * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/** Returns the train-split indices of step `step`'s batch: epoch ⌊step / stepsPerEpoch⌋'s permutation from (seed, epoch), in order. */
export function autoencoderBatch(trainIdx: Int32Array, batch: number, seed: number, step: number): Int32Array {
  const perEpoch = Math.floor(trainIdx.length / batch);
  if (perEpoch < 1) throw new Error(`the train split has ${trainIdx.length} images, fewer than one batch of ${batch}`);
  const epoch = Math.floor(step / perEpoch);
  const at = (step % perEpoch) * batch;
  const order = new Rng(seed, 0xae, epoch).permutation(trainIdx.length);
  return Int32Array.from(order.slice(at, at + batch), (i) => trainIdx[i]);
}

/** Returns the mean squared reconstruction error of `images` `[n, h, w, c]`, a scalar. */
export function reconstructionLoss(ae: Autoencoder, images: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(ae.reconstruct(images), images)) as tf.Scalar);
}

/**
 * Trains (or resumes) the autoencoder run in `opts.out` on `trainIdx` of `ds` until `opts.images` images;
 * returns the steps reached, the run's training seconds in total and whether it finished (then `final.safetensors`
 * holds the weights, in float32).
 */
export async function trainAutoencoder(
  ds: Dataset,
  trainIdx: Int32Array,
  opts: AutoencoderTrainOptions,
): Promise<{ steps: number; seconds: number; finished: boolean }> {
  for (const [name, v] of [
    ['images', opts.images],
    ['batch', opts.batch],
    ['logEverySteps', opts.logEverySteps],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`trainAutoencoder: ${name} must be a positive integer; got ${v}`);
  }
  if (!(opts.lr > 0)) throw new Error(`trainAutoencoder: lr must be > 0; got ${opts.lr}`);
  mkdirSync(opts.out, { recursive: true });
  const ae = new Autoencoder(opts.config, opts.seed);
  const params = ae.params.vars;
  const optimizer = new Adam(params, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const totalSteps = Math.ceil(opts.images / opts.batch);
  const warmupSteps = Math.ceil(opts.warmup / opts.batch);
  const settings: AutoencoderSettings = {
    images: opts.images,
    batch: opts.batch,
    lr: opts.lr,
    warmup: opts.warmup,
    seed: opts.seed,
    data: { name: ds.name, count: ds.count, train: trainIdx.length, digest: indicesDigest(trainIdx) },
  };
  const statePath = autoencoderRunFiles.state(opts.out);
  const logPath = autoencoderRunFiles.log(opts.out);
  let step = 0;
  let elapsed = 0;
  try {
    if (existsSync(statePath)) {
      ({ step, elapsed } = await restore(statePath, ae, optimizer, opts.config, settings));
      process.stderr.write(`resuming ${opts.out} at step ${step}/${totalSteps} (${step * opts.batch} images)\n`);
      truncateLog(logPath, step);
    } else writeFileSync(logPath, `${LOG_HEADER}\n`);

    const saveState = async (): Promise<void> => {
      const tensors: Record<string, TensorData> = {};
      const put = (prefix: string, vars: Map<string, tf.Variable>) => {
        for (const [name, v] of vars) tensors[`${prefix}${name}`] = { data: v.dataSync() as Float32Array, shape: v.shape };
      };
      put('param/', params);
      put('adam.m/', optimizer.m);
      put('adam.v/', optimizer.v);
      await saveCheckpoint(statePath, tensors, {
        config: opts.config as unknown as Record<string, unknown>,
        training: { step, elapsedSeconds: elapsed, command: opts.command, settings },
      });
    };

    const names = [...params.keys()];
    const vars = [...params.values()];
    const progress = new Progress(`train ${opts.out}`, totalSteps * opts.batch, step * opts.batch);
    const callStart = Date.now();
    const startStep = step;
    const stop = (): boolean =>
      (opts.maxSeconds !== undefined && Date.now() - callStart >= opts.maxSeconds * 1000) ||
      (opts.maxSteps !== undefined && step - startStep >= opts.maxSteps);
    let lastSave = Date.now();
    let t0 = Date.now();
    let recent = { loss: 0, steps: 0, start: Date.now() };
    while (step < totalSteps && !stop()) {
      const lr = autoencoderLearningRate(opts.lr, step, totalSteps, warmupSteps);
      const loss = tf.tidy(() => {
        const images = toTensor(ds, autoencoderBatch(trainIdx, opts.batch, opts.seed, step)).images;
        const { value, grads } = tf.variableGrads(() => reconstructionLoss(ae, images), vars);
        optimizer.apply(params, new Map(names.map((name, i): [string, tf.Tensor] => [name, grads[vars[i].name]])), lr);
        return value.dataSync()[0];
      });
      if (!Number.isFinite(loss))
        throw new Error(`trainAutoencoder: the loss at step ${step} is ${loss}; lower the learning rate (${opts.lr})`);
      step++;
      const now = Date.now();
      elapsed += (now - t0) / 1000;
      t0 = now;
      recent.loss += loss;
      recent.steps++;
      if (step % opts.logEverySteps === 0 || step === totalSteps) {
        const rate = (recent.steps * opts.batch) / Math.max((now - recent.start) / 1000, 1e-9);
        appendFileSync(logPath, `${step},${step * opts.batch},${(recent.loss / recent.steps).toFixed(6)},${rate.toFixed(2)}\n`);
        progress.update(step * opts.batch, { loss: recent.loss / recent.steps, lr });
        recent = { loss: 0, steps: 0, start: now };
      }
      if (step === totalSteps) await saveFinal(autoencoderRunFiles.final(opts.out), ae, opts, step, elapsed);
      if (now - lastSave > opts.saveEverySeconds * 1000 || step === totalSteps || stop()) {
        await saveState();
        lastSave = Date.now();
      }
    }
    progress.done();
    return { steps: step, seconds: elapsed, finished: step === totalSteps };
  } finally {
    ae.params.dispose();
    optimizer.dispose();
  }
}

/** Loads a saved state into `ae` and `optimizer` after checking it was written by the same run; returns its step and seconds. */
async function restore(
  path: string,
  ae: Autoencoder,
  optimizer: Adam,
  config: AutoencoderConfig,
  settings: AutoencoderSettings,
): Promise<{ step: number; elapsed: number }> {
  const st = await loadCheckpoint(path);
  if (JSON.stringify(st.metadata.config) !== JSON.stringify(config)) {
    throw new Error(
      `${path} was trained with config ${JSON.stringify(st.metadata.config)}, not ${JSON.stringify(config)}; use another --out`,
    );
  }
  const tr = st.metadata.training as { step: number; elapsedSeconds: number; settings: AutoencoderSettings };
  const conflicts = (Object.keys(settings) as Array<keyof AutoencoderSettings>)
    .filter((k) => JSON.stringify(tr.settings?.[k]) !== JSON.stringify(settings[k]))
    .map((k) => `  ${k}: saved ${JSON.stringify(tr.settings?.[k])}, now ${JSON.stringify(settings[k])}`);
  if (conflicts.length > 0)
    throw new Error(`${path} was trained with other settings:\n${conflicts.join('\n')}\nrerun with the saved values, or use another --out`);
  const pick = (prefix: string): Record<string, TensorData> =>
    Object.fromEntries(
      Object.entries(st.tensors)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  ae.params.load(pick('param/'), path);
  for (const [prefix, target] of [
    ['adam.m/', optimizer.m],
    ['adam.v/', optimizer.v],
  ] as const) {
    const vals = pick(prefix);
    for (const [name, v] of target) {
      if (!vals[name]) throw new Error(`${path} has no ${prefix}${name}; it was written by another version of the trainer`);
      tf.tidy(() => v.assign(tf.tensor(vals[name].data, vals[name].shape)));
    }
  }
  optimizer.step = tr.step;
  return { step: tr.step, elapsed: tr.elapsedSeconds };
}

/** Writes the trained weights (float32) with the config and the training record. */
async function saveFinal(path: string, ae: Autoencoder, opts: AutoencoderTrainOptions, step: number, elapsed: number): Promise<void> {
  await saveCheckpoint(path, ae.params.snapshot(), {
    config: opts.config as unknown as Record<string, unknown>,
    training: {
      images: step * opts.batch,
      step,
      batch: opts.batch,
      lr: opts.lr,
      warmup: opts.warmup,
      seed: opts.seed,
      elapsedSeconds: Math.round(elapsed),
      parameters: ae.params.count(),
      command: opts.command,
    },
  });
}

/** Returns the sha256 of a list of indices (the identity of a training split). */
function indicesDigest(indices: Int32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength))
    .digest('hex');
}
