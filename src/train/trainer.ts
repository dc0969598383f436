/**
 * Resumable EDM training of a denoiser: Adam (./adam), power-function EMAs, snapshots at fixed fractions
 * of the run, a loss log, and a training state saved every few minutes. Every random draw comes
 * from (seed, step), so a resumed run continues exactly where the saved state left it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data';
import type { Denoiser, ModelConfig } from '../model/denoiser';
import { createDenoiser } from '../model/factory';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import type { TensorData } from '../model/checkpoint';
import { saveModel } from '../model/io';
import { Adam } from './adam';
import { PowerEma } from './ema';
import type { BackendChoice } from '../backend';
import { EDM_LOSS, LossOptions } from './loss';
import { Progress } from '../runtime/progress';
import { type RunSettings, runSettings, settingsConflicts } from './settings';
import { ShardWorkers, flatten, shardGradients, type StepData } from './shards';

export interface TrainOptions {
  /** Run folder: state, loss log, snapshots and final models go here. */
  out: string;
  config: ModelConfig;
  /** Total training length T in images. */
  images: number;
  batch: number;
  lr: number;
  /** Linear learning-rate warm-up, in images. */
  warmup: number;
  seed: number;
  /** EMA lengths kept at once (EDM2 power EMA). */
  sigmaRels: number[];
  /** The EMA length written into snapshots and the main model. */
  exportSigmaRel: number;
  /** Fractions of T at which snapshots are written (autoguidance guides with early ones). */
  snapshots: number[];
  /** Seconds between training-state saves. */
  saveEverySeconds: number;
  /** Steps between loss-log lines (a line at every multiple of it, and at the end). */
  logEverySteps: number;
  /** Threads computing each step's batch in shards (data parallel; 1 = this thread alone). */
  workers: number;
  /** Stop this call after this many seconds of training, with the state saved (rerunning continues); unlimited when absent. */
  maxSeconds?: number;
  loss: LossOptions;
  /** Weights to start from instead of a fresh initialisation (SIMS fine-tuning). */
  initFrom?: Record<string, TensorData>;
  /** A description of the command that reproduces this run (stored in every file). */
  command: string;
}

export const DEFAULT_TRAIN: Omit<TrainOptions, 'out' | 'config' | 'images' | 'command'> = {
  batch: 32,
  lr: 1e-3,
  warmup: 5000,
  seed: 1,
  sigmaRels: [0.05, 0.1, 0.15, 0.2],
  exportSigmaRel: 0.1,
  snapshots: [1 / 16, 1 / 8, 1 / 3.5, 1],
  saveEverySeconds: 300,
  logEverySteps: 50,
  workers: 1,
  loss: EDM_LOSS,
};

/** File names inside a run folder. */
export const runFiles = {
  state: (out: string) => join(out, 'state.safetensors'),
  log: (out: string) => join(out, 'loss.csv'),
  /** A snapshot of the exported EMA length, or (given `sigmaRel`) of another tracked length. */
  snapshot: (out: string, frac: number, sigmaRel?: number) =>
    join(out, `snapshot-${snapshotTag(frac)}${sigmaRel === undefined ? '' : `-ema${sigmaRel.toFixed(3)}`}.safetensors`),
  ema: (out: string, sigmaRel: number) => join(out, `final-ema${sigmaRel.toFixed(3)}.safetensors`),
};

/** The first line of a run's loss log. */
export const LOG_HEADER = 'step,images,loss,images_per_s';

/** Returns a short tag for a fraction of training, e.g. `T-16` for 1/16 and `T` for 1. */
export function snapshotTag(frac: number): string {
  if (frac === 1) return 'T';
  const d = 1 / frac;
  return `T-${Number.isInteger(d) ? d : d.toFixed(1)}`;
}

/** Returns the step after which the snapshot at `frac` is written. */
function snapshotStep(frac: number, totalSteps: number): number {
  return Math.max(1, Math.round(frac * totalSteps));
}

/**
 * Trains (or resumes) the run in `opts.out` on `train` (indices into `ds`) until T images;
 * returns the step reached, the run's training seconds in total and whether it reached T.
 */
export async function train(
  ds: Dataset,
  trainIdx: Int32Array,
  opts: TrainOptions,
): Promise<{ steps: number; seconds: number; finished: boolean }> {
  mkdirSync(opts.out, { recursive: true });
  const model = createDenoiser(opts.config, opts.seed);
  const params = model.net.params.vars;
  if (opts.initFrom) model.net.params.load(opts.initFrom, 'initial weights');
  const ema = new PowerEma(opts.sigmaRels, params);
  const optimizer = new Adam(params);
  const totalSteps = Math.ceil(opts.images / opts.batch);
  const settings = runSettings(ds, trainIdx, opts);
  let step = 0;
  let elapsed = 0;

  const statePath = runFiles.state(opts.out);
  if (existsSync(statePath)) {
    const st = await loadCheckpoint(statePath);
    if (JSON.stringify(st.metadata.config) !== JSON.stringify(opts.config)) {
      throw new Error(
        `${statePath} was trained with config ${JSON.stringify(st.metadata.config)}, not ${JSON.stringify(opts.config)}; use another --out or delete the state`,
      );
    }
    const tr = st.metadata.training as { step: number; elapsedSeconds: number };
    step = tr.step;
    elapsed = tr.elapsedSeconds;
    const pick = (prefix: string) => withPrefix(st.tensors, prefix);
    const assign = (target: Map<string, tf.Variable>, prefix: string): void => {
      const vals = pick(prefix);
      for (const [name, v] of target) {
        if (!vals[name]) throw new Error(`${statePath} has no ${prefix}${name}; it was written by another version of the trainer`);
        tf.tidy(() => v.assign(tf.tensor(vals[name].data, vals[name].shape)));
      }
    };
    model.net.params.load(pick('param/'), statePath);
    opts.sigmaRels.forEach((s, i) => assign(ema.averages[i], `ema${s.toFixed(3)}/`));
    assign(optimizer.m, 'adam.m/');
    assign(optimizer.v, 'adam.v/');
    optimizer.step = step;
    const saved = st.metadata.training as { totalImages?: number; settings?: RunSettings };
    const conflicts = saved.settings ? settingsConflicts(saved.settings, settings) : [];
    if (conflicts.length > 0) {
      throw new Error(
        `${statePath} was trained with other settings, which would make a different run:\n${conflicts.join('\n')}\n` +
          'rerun with the saved values, or use another --out',
      );
    }
    if (totalSteps < step || (totalSteps === step && !existsSync(runFiles.ema(opts.out, opts.exportSigmaRel)))) {
      const seen = step * opts.batch;
      throw new Error(
        `${opts.out} has already trained on ${seen} images (step ${step}, T saved ${saved.totalImages ?? 'unknown'}); ` +
          `images ${opts.images} ends at step ${totalSteps}: give more than ${seen} images to continue it, or use another --out`,
      );
    }
    if (saved.totalImages !== undefined && saved.totalImages !== opts.images) {
      process.stderr.write(
        `note: T changes from ${saved.totalImages} to ${opts.images} images; ` + 'snapshots already written keep their files\n',
      );
    }
    if (saved.settings && saved.settings.workers !== opts.workers) {
      process.stderr.write(
        `note: workers change from ${saved.settings.workers} to ${opts.workers}; ` +
          "the shards' gradients are summed in another order, so the result may differ in the last bits\n",
      );
    }
    process.stderr.write(`resuming ${opts.out} at step ${step}/${totalSteps} (${step * opts.batch} images)\n`);
    truncateLog(runFiles.log(opts.out), step);
  } else {
    // No saved state: whatever a log holds is from a run that died before its first save, and this run starts over.
    writeFileSync(runFiles.log(opts.out), `${LOG_HEADER}\n`);
  }

  const saveState = async (): Promise<void> => {
    const tensors: Record<string, TensorData> = {};
    for (const [name, v] of params) tensors[`param/${name}`] = { data: v.dataSync() as Float32Array, shape: v.shape };
    opts.sigmaRels.forEach((s, i) => {
      for (const [name, v] of ema.averages[i])
        tensors[`ema${s.toFixed(3)}/${name}`] = { data: v.dataSync() as Float32Array, shape: v.shape };
    });
    for (const [name, v] of optimizer.m) tensors[`adam.m/${name}`] = { data: v.dataSync() as Float32Array, shape: v.shape };
    for (const [name, v] of optimizer.v) tensors[`adam.v/${name}`] = { data: v.dataSync() as Float32Array, shape: v.shape };
    await saveCheckpoint(statePath, tensors, {
      config: opts.config as unknown as Record<string, unknown>,
      training: { step, images: step * opts.batch, totalImages: opts.images, elapsedSeconds: elapsed, command: opts.command, settings },
    });
  };

  const exportEma = async (path: string, i: number): Promise<void> => {
    const weights: Record<string, TensorData> = {};
    for (const [name, v] of ema.averages[i]) weights[name] = { data: v.dataSync() as Float32Array, shape: v.shape };
    await saveModel(path, opts.config, weights, {
      images: step * opts.batch,
      totalImages: opts.images,
      step,
      sigmaRel: opts.sigmaRels[i],
      batch: opts.batch,
      lr: opts.lr,
      seed: opts.seed,
      elapsedSeconds: Math.round(elapsed),
      parameters: model.net.params.count(),
      command: opts.command,
    });
  };

  const names = [...params.keys()];
  const vars = [...params.values()];
  const exportIdx = opts.sigmaRels.indexOf(opts.exportSigmaRel);
  if (exportIdx < 0) throw new Error(`exportSigmaRel ${opts.exportSigmaRel} is not one of the tracked σ_rel ${opts.sigmaRels.join(', ')}`);
  // Worker start-up (a second or two) comes before the clock starts: `elapsed` is training time.
  const data: StepData = { ds, trainIdx, seed: opts.seed, batch: opts.batch, loss: opts.loss };
  const shards = opts.workers > 1 ? await ShardWorkers.start(opts.config, tf.getBackend() as BackendChoice, data, opts.workers) : null;
  const progress = new Progress(`train ${opts.out}`, totalSteps * opts.batch, step * opts.batch);
  let lastSave = Date.now();
  let t0 = Date.now();
  let windowLoss = 0;
  let windowSteps = 0;
  let windowStart = Date.now();
  const callStart = Date.now();
  const outOfTime = (): boolean => opts.maxSeconds !== undefined && Date.now() - callStart >= opts.maxSeconds * 1000;
  try {
    while (step < totalSteps && !outOfTime()) {
      const lr = opts.lr * Math.min(1, ((step + 1) * opts.batch) / Math.max(opts.warmup, 1));
      shards?.send(step, flatten(vars));
      const own = shardGradients(model, vars, data, step, 0, opts.workers);
      const others = shards ? await shards.gather() : [];
      const loss = tf.tidy(() => {
        let at = 0;
        const grads = new Map<string, tf.Tensor>();
        vars.forEach((v, i) => {
          grads.set(
            names[i],
            others.reduce((g, o) => tf.add(g, tf.tensor(o.grads.subarray(at, at + v.size), v.shape, 'float32')), own.grads[v.name]),
          );
          at += v.size;
        });
        optimizer.apply(params, grads, lr);
        return own.value.dataSync()[0] + others.reduce((a, o) => a + o.loss, 0);
      });
      tf.dispose([own.value, own.grads]);
      step++;
      ema.update(step, params);
      windowLoss += loss;
      windowSteps++;
      const now = Date.now();
      elapsed += (now - t0) / 1000;
      t0 = now;
      if (step % opts.logEverySteps === 0 || step === totalSteps) {
        const rate = (windowSteps * opts.batch) / Math.max((now - windowStart) / 1000, 1e-9);
        appendFileSync(
          runFiles.log(opts.out),
          `${step},${step * opts.batch},${(windowLoss / windowSteps).toFixed(5)},${rate.toFixed(2)}\n`,
        );
        progress.update(step * opts.batch, { loss: windowLoss / windowSteps });
        windowLoss = 0;
        windowSteps = 0;
        windowStart = now;
      }
      // A snapshot whose step has passed is written now (e.g. after a resume with a different T); its file records the images it saw.
      // Every tracked EMA length is kept at a snapshot, so a guide's EMA can be varied apart from its training time.
      for (const f of opts.snapshots) {
        if (f === 1 || step < snapshotStep(f, totalSteps) || existsSync(runFiles.snapshot(opts.out, f))) continue;
        for (let i = 0; i < opts.sigmaRels.length; i++)
          if (i !== exportIdx) await exportEma(runFiles.snapshot(opts.out, f, opts.sigmaRels[i]), i);
        await exportEma(runFiles.snapshot(opts.out, f), exportIdx);
      }
      if (step === totalSteps)
        for (let i = 0; i < opts.sigmaRels.length; i++) await exportEma(runFiles.ema(opts.out, opts.sigmaRels[i]), i);
      if (now - lastSave > opts.saveEverySeconds * 1000 || step === totalSteps || outOfTime()) {
        await saveState();
        lastSave = Date.now();
      }
    }
  } finally {
    await shards?.close();
  }
  progress.done();
  model.net.params.dispose();
  ema.dispose();
  optimizer.dispose();
  return { steps: step, seconds: elapsed, finished: step === totalSteps };
}

/** Returns the EMA weights of length `sigmaRel` (by parameter name) and the config from a run's saved training state, finished or not. */
export async function stateEma(
  out: string,
  sigmaRel: number,
): Promise<{ config: ModelConfig; weights: Record<string, TensorData>; images: number }> {
  const st = await loadCheckpoint(runFiles.state(out));
  const weights = withPrefix(st.tensors, `ema${sigmaRel.toFixed(3)}/`);
  if (Object.keys(weights).length === 0) throw new Error(`${runFiles.state(out)} keeps no EMA of σ_rel ${sigmaRel}`);
  return { config: st.metadata.config as unknown as ModelConfig, weights, images: (st.metadata.training as { images: number }).images };
}

/** Returns a denoiser holding the EMA of length `sigmaRel` from a run's saved training state, finished or not. */
export async function stateDenoiser(out: string, sigmaRel: number): Promise<{ model: Denoiser; images: number }> {
  const { config, weights, images } = await stateEma(out, sigmaRel);
  const model = createDenoiser(config, 0);
  model.net.params.load(weights, runFiles.state(out));
  return { model, images };
}

/**
 * Drops the loss-log lines written after `step` (the steps a killed run logged after its last saved
 * state, which the resumed run computes and logs again), so each step appears in the log once; the
 * log keeps one header line, written when the file is missing or empty.
 */
export function truncateLog(path: string, step: number): void {
  const lines = existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && l !== LOG_HEADER)
    : [];
  writeFileSync(path, [LOG_HEADER, ...lines.filter((l) => Number(l.split(',')[0]) <= step)].join('\n') + '\n');
}

/** Returns the tensors of a training state whose names start with `prefix`, keyed by the rest of the name. */
function withPrefix(tensors: Record<string, TensorData>, prefix: string): Record<string, TensorData> {
  return Object.fromEntries(
    Object.entries(tensors)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}
