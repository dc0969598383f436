/**
 * Data-parallel training steps: a step's batch is split into shards, one per thread; each thread computes
 * its shard's share of the loss gradient and the shares are summed into the batch gradient. The batch and
 * every random draw come from (seed, step), so any thread can compute any shard of any step, and the
 * sum equals the one-thread gradient up to float rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../backend';
import type { Dataset } from '../data';
import type { Denoiser, ModelConfig } from '../model/denoiser';
import { Rng } from '../random';
import { startModuleWorker } from '../runtime/threads';
import { edmLoss, type LossOptions } from './loss';

/** What a thread needs to rebuild any step's batch. */
export interface StepData {
  ds: Pick<Dataset, 'images' | 'labels' | 'height' | 'width' | 'channels'>;
  /** Indices into `ds` the batches are drawn from. */
  trainIdx: Int32Array;
  seed: number;
  batch: number;
  loss: LossOptions;
}

/** Returns the rows [lo, hi) of shard `k` of `n` over a batch of `batch` rows. */
export function shardRows(batch: number, k: number, n: number): [number, number] {
  if (!(Number.isInteger(n) && n >= 1 && n <= batch))
    throw new Error(`cannot split a batch of ${batch} into ${n} shards (1 ≤ shards ≤ batch)`);
  return [Math.floor((k * batch) / n), Math.floor(((k + 1) * batch) / n)];
}

/** Returns shard `k` of `n`'s share of step `step`'s loss (a scalar) and its gradients `vars[i].name → tensor`. */
export function shardGradients(
  model: Denoiser,
  vars: tf.Variable[],
  data: StepData,
  step: number,
  k: number,
  n: number,
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { ds, trainIdx, batch } = data;
  const rng = new Rng(data.seed, step);
  const idx = Array.from({ length: batch }, () => trainIdx[rng.int(trainIdx.length)]);
  const per = ds.height * ds.width * ds.channels;
  const buf = new Float32Array(batch * per);
  idx.forEach((j, r) => buf.set(ds.images.subarray(j * per, (j + 1) * per), r * per));
  const labels = idx.map((j) => ds.labels[j]);
  return tf.tidy(() => {
    const images = tf.tensor4d(buf, [batch, ds.height, ds.width, ds.channels]);
    return tf.variableGrads(() => edmLoss(model, images, labels, rng, data.loss, shardRows(batch, k, n)), vars);
  });
}

/** Returns the values of `vars` concatenated in order (one flat copy). */
export function flatten(vars: tf.Tensor[]): Float32Array {
  const out = new Float32Array(vars.reduce((a, v) => a + v.size, 0));
  let at = 0;
  for (const v of vars) {
    out.set(v.dataSync() as Float32Array, at);
    at += v.size;
  }
  return out;
}

/** Assigns `vars` from a flat copy made by `flatten`. */
export function assignFlat(vars: tf.Variable[], flat: Float32Array): void {
  let at = 0;
  for (const v of vars) {
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(at, at + v.size), v.shape, 'float32')));
    at += v.size;
  }
  if (at !== flat.length) throw new Error(`flat parameters hold ${flat.length} values; the model has ${at}`);
}

/** Set-up of a shard worker thread. */
export interface ShardWorkerSetup {
  config: ModelConfig;
  backend: BackendChoice;
  data: StepData;
  shard: number;
  shards: number;
}

/** Message to a shard worker: compute step `step`'s shard with these parameters (flattened). */
export type ToShard = { type: 'step'; step: number; params: Float32Array };
/** Message from a shard worker. */
export type FromShard = { type: 'ready' } | { type: 'grads'; loss: number; grads: Float32Array } | { type: 'error'; message: string };

/** Worker threads computing shards 1…n−1 of every step while the calling thread computes shard 0. */
export class ShardWorkers {
  /** The first failure of any worker (an error message, an error, an exit); every later wait rejects with it. */
  private failed: Error | null = null;
  /** Per worker, the wait for its next message, if any. */
  private readonly waiting: Array<{ resolve: (m: FromShard) => void; reject: (e: Error) => void } | null>;

  private constructor(private readonly threads: Worker[]) {
    this.waiting = threads.map(() => null);
    threads.forEach((t, i) => {
      const name = `training shard ${i + 1}`;
      t.on('message', (m: FromShard) => this.deliver(i, m.type === 'error' ? new Error(`${name}: ${m.message}`) : m));
      t.on('error', (e: Error) => this.deliver(i, new Error(`${name}: ${e.message}`)));
      t.on('exit', (code: number) => this.deliver(i, new Error(`${name} exited (code ${code})`)));
    });
  }

  /** Starts `shards − 1` workers and resolves once each has built its model. */
  static async start(config: ModelConfig, backend: BackendChoice, data: StepData, shards: number): Promise<ShardWorkers> {
    shardRows(data.batch, 0, shards);
    const threads = Array.from({ length: shards - 1 }, (_, i) =>
      startModuleWorker(__dirname, 'shard-worker', { config, backend, data, shard: i + 1, shards } satisfies ShardWorkerSetup),
    );
    const pool = new ShardWorkers(threads);
    try {
      await Promise.all(threads.map((_, i) => pool.next(i)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** Sends step `step` with the current parameters to every worker; `gather` then returns their shares. */
  send(step: number, params: Float32Array): void {
    for (const t of this.threads) t.postMessage({ type: 'step', step, params } satisfies ToShard);
  }

  /** Returns each worker's loss share and flat gradient for the step last sent, in shard order. */
  async gather(): Promise<Array<{ loss: number; grads: Float32Array }>> {
    const got = await Promise.all(this.threads.map((_, i) => this.next(i)));
    return got.map((m) => {
      if (m.type !== 'grads') throw new Error(`shard worker sent ${m.type} where gradients were due`);
      return m;
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.failed ??= new Error('shard workers closed');
    await Promise.all(this.threads.map((t) => t.terminate()));
  }

  /** Resolves with worker `i`'s next message; rejects once any worker has failed. */
  private next(i: number): Promise<FromShard> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => (this.waiting[i] = { resolve, reject }));
  }

  /** Hands worker `i`'s message or failure to its wait; a failure is also kept for every later wait. */
  private deliver(i: number, m: FromShard | Error): void {
    if (m instanceof Error) this.failed ??= m;
    const w = this.waiting[i];
    this.waiting[i] = null;
    if (!w) return;
    if (m instanceof Error) w.reject(m);
    else w.resolve(m);
  }
}
