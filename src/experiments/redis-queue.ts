/**
 * Sweeps on a Redis queue (BullMQ; not the claim queue of one cache folder, queue.ts) for machines that
 * come and go: `enqueueSweep` adds a grid's points as jobs whose id is the point's cache key (so adding
 * them again adds nothing), and `runQueueWorker` takes points one at a time on any machine, computes each on a compute thread (so the queue
 * lock
 * keeps being renewed while the point runs) and writes the row into its cache folder in the usual
 * format, also returning it as the job's result. A killed worker's point goes back to the queue
 * when its lock expires; a worker whose checkpoints, featurizer or reference features differ from the
 * grid's (or whose cache folder holds rows of other digests) refuses the point and leaves it, delayed a
 * little, for another worker.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Worker as Thread } from 'node:worker_threads';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { initBackend, type BackendChoice } from '../backend';
import { featureStats, type FeatureStats } from '../metrics';
import { sha256Hex } from '../model/checkpoint';
import { shippedPath } from '../model/shipped';
import { SweepCache } from './cache';
import { loadModels, type ContextSetup } from './context';
import { FeatureRows, FeaturizerSource, featureRows, loadFeaturizer, rowsDigest, rowsNdarray } from '../metrics/featurizer';
import { SweepPoint, expandGrid, pointModels } from './grid';
import { canonicalJson, pointDigests, pointKey, type RowDigests } from './key';
import { pointTerm, type PointOutcome, type SweepRow } from './point';
import { claimToken } from './claims';
import { startWorker, type FromWorker, type ToWorker } from './pool';
import type { SweepSpec } from './spec';

/** Why this machine leaves a point to others: its checkpoints, featurizer, reference or cache folder do not fit the grid. */
class Refusal extends Error {}

/** The queue name used when none is given. */
export const DEFAULT_QUEUE = 'guidance-lab';
/** How long a connection attempt to the queue may take before it fails. */
export const CONNECT_TIMEOUT_MS = 3000;

/** One job: a point, the digests its row must be computed with, and what rebuilds its context anywhere. */
export interface PointJob {
  /** Identity of the grid (hash of its spec), for status per grid. */
  grid: string;
  point: SweepPoint;
  key: string;
  /** The digests of the point's own checkpoints, featurizer and reference features. */
  digests: RowDigests;
  batchSize: number;
  /** The spec's feature classifier (undefined: the shipped one); each worker builds its featurizer from it. */
  classifier?: string;
}

/** Where the queue is: a redis:// URL and a queue name. */
export interface QueueAddress {
  url: string;
  name?: string;
}

/** How a machine builds what a point needs: its featurizer source and reference images (called once per distinct reference). */
export interface ContextSources {
  featurizer: (classifier: string | undefined) => FeaturizerSource;
  referenceImages: (reference: SweepPoint['reference']) => Promise<tf.Tensor4D> | tf.Tensor4D;
}

/** Returns the hex identity of a spec: the sha256 of its canonical JSON, 12 characters. */
export function gridId(spec: SweepSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 12);
}

/** Returns the sha256 of a checkpoint by model name (shipped name or .safetensors path), as the loader computes it. */
export function checkpointDigest(name: string): string {
  return sha256Hex(readFileSync(shippedPath(name)));
}

/**
 * Returns an ioredis client connected to `url`, or throws within CONNECT_TIMEOUT_MS naming the URL when it
 * cannot be reached (`forWorker`: the client BullMQ workers need, which retries forever once connected).
 */
export async function connectQueue(url: string, forWorker = false): Promise<IORedis> {
  if (!/^rediss?:\/\/[^/]/.test(url)) throw new Error(`--queue must be a redis:// or rediss:// URL (e.g. redis://host:6379); got "${url}"`);
  const probe = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let cause = '';
  probe.on('error', (e: Error) => (cause ||= e.message)); // the socket's reason (connect() only says the connection closed)
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    probe.disconnect();
    throw new Error(`cannot reach the queue at ${url} (within ${CONNECT_TIMEOUT_MS / 1000} s): ${cause || (e as Error).message}`);
  }
  if (!forWorker) return probe;
  probe.disconnect();
  return new IORedis(url, { maxRetriesPerRequest: null });
}

/** Returns the reference feature rows of `reference` computed with `featurizer` (the images are disposed). */
async function referenceFeatureRows(
  source: FeaturizerSource,
  reference: SweepPoint['reference'],
  images: ContextSources['referenceImages'],
): Promise<{ rows: FeatureRows; featurizerDigest: string }> {
  const featurizer = await loadFeaturizer(source);
  const x = await images(reference);
  try {
    return { rows: featureRows(featurizer, x), featurizerDigest: featurizer.digest };
  } finally {
    x.dispose();
  }
}

/** Returns the checkpoint digests of the points' models after checking every point's method against its model (as a sweep does). */
async function checkGrid(points: SweepPoint[]): Promise<Record<string, string>> {
  const { models, digests } = await loadModels([...new Set(points.flatMap(pointModels))]);
  try {
    for (const p of points) pointTerm(p, models).check(models[p.model]);
    return digests;
  } finally {
    for (const m of Object.values(models)) m.net.params.dispose();
  }
}

/** What enqueueing did: the grid's points, how many were added now and how many were already in the queue. */
export interface EnqueueResult {
  grid: string;
  points: number;
  added: number;
  present: number;
  /** Of `present`, failed points put back to be tried again. */
  retried: number;
  digests: RowDigests;
}

/**
 * Adds every point of `spec` to the queue (job id = cache key, so a point already queued or done is not
 * added again; failed ones are retried); returns the counts. Computes the digests as a sweep does.
 * Throws for a spec with `autoencoder`: queue workers measure in the featurizer's space only.
 */
export async function enqueueSweep(spec: SweepSpec, address: QueueAddress, sources: ContextSources): Promise<EnqueueResult> {
  if (spec.autoencoder !== undefined) {
    throw new Error(
      `the Redis queue measures in the featurizer's space only, not in a second one (spec "autoencoder": ${JSON.stringify(spec.autoencoder)}); ` +
        'run this spec without --queue, or drop "autoencoder" from it',
    );
  }
  const connection = await connectQueue(address.url);
  const queue = new Queue<PointJob, SweepRow>(address.name ?? DEFAULT_QUEUE, { connection });
  try {
    await initBackend();
    const points = expandGrid(spec);
    const models = await checkGrid(points);
    const grid = gridId(spec);
    const featurizer = sources.featurizer(spec.classifier);
    const { rows, featurizerDigest } = await referenceFeatureRows(featurizer, spec.reference, sources.referenceImages);
    const digests: RowDigests = { models, featurizer: featurizerDigest, reference: rowsDigest(rows) };
    const classifier = spec.classifier === undefined ? {} : { classifier: spec.classifier };
    let [added, present, retried] = [0, 0, 0];
    for (const point of points) {
      const key = pointKey(point, digests);
      const job: PointJob = { grid, point, key, digests: pointDigests(point, digests), batchSize: spec.batchSize, ...classifier };
      const existing = await queue.getJob(key);
      if (existing) {
        present++;
        if (await existing.isFailed()) {
          await existing.retry();
          retried++;
        }
        continue;
      }
      // finished and failed jobs stay: their ids keep a rerun from adding the point again, and they hold the rows
      const backoff = { type: 'exponential', delay: 2000 };
      await queue.add('point', job, { jobId: key, attempts: 3, backoff, removeOnComplete: false, removeOnFail: false });
      added++;
    }
    return { grid, points: points.length, added, present, retried, digests };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Job counts of the queue and of one grid in it, by state. */
export interface QueueStatus {
  queue: Record<string, number>;
  grid: Record<string, number>;
  /** The grid's failed points: key and reason. */
  failed: { key: string; reason: string }[];
}

const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/** Returns the queue's job counts and those of grid `grid` (see gridId), without loading any model. */
export async function queueStatus(address: QueueAddress, grid: string): Promise<QueueStatus> {
  const connection = await connectQueue(address.url);
  const queue = new Queue<PointJob, SweepRow>(address.name ?? DEFAULT_QUEUE, { connection });
  try {
    return { queue: await queue.getJobCounts(...STATES), ...(await gridJobs(queue, grid)) };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Returns grid `grid`'s job counts by state, its failed points, and the rows of its completed ones. */
async function gridJobs(queue: Queue<PointJob, SweepRow>, grid: string): Promise<Omit<QueueStatus, 'queue'> & { rows: SweepRow[] }> {
  const counts: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
  const failed: QueueStatus['failed'] = [];
  const rows: SweepRow[] = [];
  for (const state of STATES) {
    for (const job of await queue.getJobs([state])) {
      if (job?.data.grid !== grid) continue;
      counts[state]++;
      if (state === 'failed') failed.push({ key: job.data.key, reason: job.failedReason });
      if (state === 'completed') rows.push(job.returnvalue);
    }
  }
  return { grid: counts, failed, rows };
}

/**
 * Waits until grid `grid` has no waiting, running or delayed point, writing each finished row (the jobs'
 * results) into the cache folder `out` as it appears (checked every `pollMs`); returns the grid's final
 * counts and failed points. For machines that share no folder with the workers.
 */
export async function collectRows(
  address: QueueAddress,
  grid: string,
  digests: RowDigests,
  out: string,
  pollMs = 2000,
): Promise<Omit<QueueStatus, 'queue'>> {
  const connection = await connectQueue(address.url);
  const queue = new Queue<PointJob, SweepRow>(address.name ?? DEFAULT_QUEUE, { connection });
  const cache = SweepCache.open(out, digests, claimToken());
  const written = new Set<string>();
  try {
    for (;;) {
      const { grid: counts, failed, rows } = await gridJobs(queue, grid);
      for (const row of rows) {
        if (written.has(row.key)) continue;
        if (cache.status(row.key).state !== 'finished') cache.write(row);
        written.add(row.key);
      }
      if (counts.waiting + counts.active + counts.delayed === 0) return { grid: counts, failed };
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** How a queue worker runs. */
export interface QueueWorkerOptions extends QueueAddress, ContextSources {
  /** Cache folder the rows are written into (as `sweep --out` writes them). */
  out: string;
  /** How long a point's lock lasts without renewal: a killed worker's point is taken again after about this long (default 30 s). */
  lockMs?: number;
  /** How long a refused point waits before any worker may take it again (default 5 s). */
  refuseDelayMs?: number;
  /** Stop once no point of the queue is waiting, delayed or running (default: run until close()). */
  untilDrained?: boolean;
  /** Called with each line worth showing (started, finished, refused, failed). */
  log?: (line: string) => void;
}

/** A running queue worker: resolves `done` when it stops; `close()` stops it after the point in progress. */
export interface QueueWorker {
  done: Promise<{ computed: number; refused: number }>;
  close(): Promise<void>;
}

/** Returns why this machine cannot compute `job` (its checkpoints differ from the grid's), or null when it can. */
export function refusal(job: PointJob, localDigest: (model: string) => string): string | null {
  for (const [model, want] of Object.entries(job.digests.models)) {
    let have: string;
    try {
      have = localDigest(model);
    } catch (e) {
      return (e as Error).message;
    }
    if (have !== want) return `checkpoint "${model}" here has digest ${have.slice(0, 12)}…, the grid's is ${want.slice(0, 12)}…`;
  }
  return null;
}

/** Starts a worker taking points from the queue until closed (or drained, with `untilDrained`); throws when the queue is unreachable. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? (() => undefined);
  const connection = await connectQueue(options.url, true);
  const backend = (await initBackend()) as BackendChoice;
  const compute = new ComputeThread(backend, options);
  const counts = { computed: 0, refused: 0 };
  const claims = claimToken();
  const lockMs = options.lockMs ?? 30_000;
  const worker = new Worker<PointJob, SweepRow>(
    options.name ?? DEFAULT_QUEUE,
    async (job: Job<PointJob, SweepRow>, token?: string) => {
      const id = `${job.data.key.slice(0, 12)}…`;
      try {
        const why = refusal(job.data, checkpointDigest);
        if (why) throw new Refusal(why);
        const cache = openCache(options.out, job.data.digests, claims);
        log(`started ${id} ${describe(job.data.point)}`);
        const outcome = await compute.run(job.data);
        if (outcome.type === 'failed') {
          // deterministic (the samples went non-finite): recorded as the cache records it, and not retried
          cache.writeFailure(outcome.failure);
          throw new UnrecoverableError(outcome.failure.reason);
        }
        const row = outcome.row;
        cache.write(row);
        counts.computed++;
        log(`finished ${id} in ${(row.timing.sampleSeconds + row.timing.metricSeconds).toFixed(1)} s`);
        return row;
      } catch (e) {
        if (!(e instanceof Refusal)) throw e;
        counts.refused++;
        log(`refused ${id} (${e.message}); left for another worker`);
        await job.moveToDelayed(Date.now() + (options.refuseDelayMs ?? 5000), token);
        throw new DelayedError();
      }
    },
    { connection, concurrency: 1, lockDuration: lockMs, stalledInterval: Math.max(500, Math.round(lockMs / 2)), maxStalledCount: 3 },
  );
  worker.on('failed', (job, err) => {
    if (job && !(err instanceof DelayedError)) log(`failed ${job.data.key.slice(0, 12)}…: ${err.message}`);
  });
  worker.on('error', (err) => log(`queue error: ${err.message}`));
  let stopping: Promise<void> | null = null;
  const close = () => {
    stopping ??= (async () => {
      await worker.close();
      await compute.terminate();
      connection.disconnect();
    })();
    return stopping;
  };
  const closed = new Promise<void>((resolve) => worker.once('closed', resolve));
  const watched = options.untilDrained ? new Queue(options.name ?? DEFAULT_QUEUE, { connection }) : null;
  const drained = watched ? untilDrained(watched, close, () => stopping !== null) : Promise.resolve();
  return { done: Promise.all([drained, closed]).then(() => ({ ...counts })), close };
}

/**
 * Resolves after calling `close` once the queue has no waiting, delayed, prioritized or active job (checked
 * every 500 ms), or once the worker is stopping for another reason.
 */
async function untilDrained(queue: Queue, close: () => Promise<void>, stopping: () => boolean): Promise<void> {
  while (!stopping()) {
    await new Promise((r) => setTimeout(r, 500));
    let c: Record<string, number>;
    try {
      c = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    } catch (e) {
      if (stopping()) break; // the connection closes with the worker
      throw e;
    }
    if (Object.values(c).every((n) => n === 0)) break;
  }
  await queue.close();
  await close();
}

/** Returns the cache folder `out` for `digests`; throws a Refusal when it holds rows of other digests. */
function openCache(out: string, digests: RowDigests, token: string): SweepCache {
  try {
    return SweepCache.open(out, digests, token);
  } catch (e) {
    throw new Refusal((e as Error).message);
  }
}

function describe(p: SweepPoint): string {
  return `${p.method} γ=${p.gamma} seed ${p.seed}`;
}

/**
 * One compute thread, rebuilt when a job needs another context (other models, featurizer, reference or
 * batch size): runs a job's point and resolves with its row.
 */
class ComputeThread {
  private thread: Thread | null = null;
  private setupKey = '';
  private ready: Promise<void> = Promise.resolve();
  private readonly references = new Map<string, { rows: FeatureRows; featurizerDigest: string; digest: string; stats: FeatureStats }>();

  constructor(
    private readonly backend: BackendChoice,
    private readonly sources: ContextSources,
  ) {}

  /** Returns the outcome (row or failure) of `job`'s point; throws a Refusal when the featurizer or reference here differ. */
  async run(job: PointJob): Promise<PointOutcome> {
    const featurizer = this.sources.featurizer(job.classifier);
    const refKey = canonicalJson({ featurizer, reference: job.point.reference });
    let ref = this.references.get(refKey);
    if (!ref) {
      const found = await referenceFeatureRows(featurizer, job.point.reference, this.sources.referenceImages);
      ref = { ...found, digest: rowsDigest(found.rows), stats: featureStats(rowsNdarray(found.rows)) };
      this.references.set(refKey, ref);
    }
    const differs = (what: string, here: string, grid: string) =>
      new Refusal(`${what} here (${here.slice(0, 12)}…) differs from the grid's (${grid.slice(0, 12)}…)`);
    if (ref.featurizerDigest !== job.digests.featurizer) throw differs('featurizer digest', ref.featurizerDigest, job.digests.featurizer);
    if (ref.digest !== job.digests.reference) throw differs('reference features digest', ref.digest, job.digests.reference);
    const setup: ContextSetup = {
      backend: this.backend,
      models: pointModels(job.point),
      featurizer,
      reference: { rows: ref.rows, stats: ref.stats },
      digests: job.digests,
      batchSize: job.batchSize,
    };
    const key = canonicalJson({ featurizer, digests: job.digests, batchSize: job.batchSize });
    if (key !== this.setupKey) await this.restart(setup, key);
    await this.ready;
    const thread = this.thread as Thread;
    return new Promise<PointOutcome>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') return;
        cleanup();
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m);
      };
      const onExit = (code: number) => {
        cleanup();
        this.setupKey = '';
        reject(new Error(`compute thread exited (code ${code}) during a point`));
      };
      const cleanup = () => {
        thread.off('message', onMessage);
        thread.off('exit', onExit);
      };
      thread.on('message', onMessage);
      thread.on('exit', onExit);
      thread.postMessage({ type: 'point', point: job.point } satisfies ToWorker);
    });
  }

  /** Stops the compute thread, if any. */
  async terminate(): Promise<void> {
    await this.thread?.terminate();
    this.thread = null;
  }

  private async restart(setup: ContextSetup, key: string): Promise<void> {
    await this.terminate();
    const thread = startWorker(setup);
    this.thread = thread;
    this.setupKey = key;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') {
          thread.off('message', onMessage);
          resolve();
        } else if (m.type === 'error') {
          thread.off('message', onMessage);
          this.setupKey = '';
          reject(new Error(m.message));
        }
      };
      thread.on('message', onMessage);
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`compute thread exited (code ${code}) while starting`)));
    });
  }
}
