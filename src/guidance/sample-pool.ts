/**
 * The batch-parallel side of `sample`: a pool of worker threads kept for the process (idle workers do not
 * keep it alive), each with its own backend and the models it was sent once (by digest); the batches of a
 * call go to whichever worker is free and come back as pixels, placed by batch index.
 */
import { startModuleWorker } from '../runtime/threads';
import { WorkerPool } from '../runtime/worker-pool';
import type { SamplerName } from '../diffusion';
import type { Denoiser } from '../model/denoiser';
import { LruKeys, modelPayload, termSpec, type ModelPayload, type TermSpec } from './portable';
import type { GuidanceTerm } from './term';

/** Models each worker keeps (least recently used dropped first); a call may use at most this many. */
export const MODEL_CACHE = 4;

/** What a batch samples, the same for every batch of a call. */
export interface SampleTask {
  /** Digest of the positive model. */
  model: string;
  guidance: TermSpec[];
  steps: number;
  sampler: SamplerName;
  seed: number;
}

/** Message to a worker: sample these rows; `use` lists the digests the batch needs, `payloads` those the worker lacks. */
export interface BatchJob {
  task: SampleTask;
  rows: number[];
  labels: number[];
  use: string[];
  payloads: ModelPayload[];
}

/** A worker's reply: the batch's pixels, where it became non-finite, or the error it threw. */
export type BatchReply =
  | { type: 'done'; data: Float32Array }
  | { type: 'nonfinite'; step: number; steps: number; sigma: number; sigmaNext: number }
  | { type: 'failed'; message: string };

interface Shared {
  pool: WorkerPool<number, BatchReply>;
  backend: string;
  held: LruKeys[];
}

let shared: Shared | null = null;

/** Returns the process's sampling pool for `backend` with `size` workers, starting (or restarting) it as needed. */
function poolFor(backend: string, size: number): Shared {
  if (shared && shared.backend === backend && shared.pool.size === size && !shared.pool.broken) return shared;
  if (shared) void shared.pool.close();
  const pool = new WorkerPool<number, BatchReply>(() => startModuleWorker(__dirname, 'sample-worker', { backend }), size, 'sample worker');
  shared = { pool, backend, held: Array.from({ length: size }, () => new LruKeys(MODEL_CACHE)) };
  return shared;
}

/** Terminates the sampling pool's workers (the next parallel call starts a new pool). */
export async function closeSamplePool(): Promise<void> {
  const s = shared;
  shared = null;
  await s?.pool.close();
}

/** A call's task with its models as payloads, or why it cannot run on workers. */
export type PortableCall = { task: SampleTask; payloads: Map<string, ModelPayload> } | { reason: string };

/** Returns the call as data for the workers (reads every model's weights once), or the reason it must stay in this thread. */
export function portableCall(model: Denoiser, guidance: GuidanceTerm[], steps: number, sampler: SamplerName, seed: number): PortableCall {
  const payloads = new Map<string, ModelPayload>();
  const byModel = new Map<Denoiser, string>();
  const digestOf = (m: Denoiser): string => {
    let d = byModel.get(m);
    if (d === undefined) {
      const p = modelPayload(m);
      d = p.digest;
      byModel.set(m, d);
      payloads.set(d, p);
    }
    return d;
  };
  const specs: TermSpec[] = [];
  for (const term of guidance) {
    const spec = termSpec(term, digestOf);
    if (typeof spec === 'string') return { reason: spec };
    specs.push(spec);
  }
  const positive = digestOf(model);
  if (payloads.size > MODEL_CACHE) return { reason: `it uses ${payloads.size} models and a worker keeps at most ${MODEL_CACHE}` };
  return { task: { model: positive, guidance: specs, steps, sampler, seed }, payloads };
}

/**
 * Samples the batches (rows and labels per batch) on `workers` threads of the `backend`; resolves with each
 * batch's pixels by batch index. `onReply` sees every non-'done' reply (and may throw to stop the call).
 */
export async function sampleBatches(
  call: Extract<PortableCall, { task: SampleTask }>,
  batches: { rows: number[]; labels: number[] }[],
  backend: string,
  workers: number,
  onReply: (reply: Exclude<BatchReply, { type: 'done' }>, batch: number) => void,
): Promise<Float32Array[]> {
  const { pool, held } = poolFor(backend, workers);
  const use = [...call.payloads.keys()];
  const out: Float32Array[] = new Array(batches.length);
  let nextBatch = 0;
  const message = (b: number, w: number): BatchJob => {
    const missing = use.filter((d) => held[w].use(d).added);
    const payloads = missing.map((d) => call.payloads.get(d) as ModelPayload);
    return { task: call.task, rows: batches[b].rows, labels: batches[b].labels, use, payloads };
  };
  await pool.run(
    async () => (nextBatch < batches.length ? nextBatch++ : undefined),
    message,
    (reply, b) => {
      if (reply.type === 'done') out[b] = reply.data;
      else onReply(reply, b);
    },
  );
  return out;
}
