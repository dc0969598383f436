/**
 * The sweep's worker pool: worker threads, each with its own backend and models, that run sweep points
 * from a shared source (a free worker takes the next point) and hand each row or failure to the caller.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../runtime/threads';
import { WorkerPool, type JobSource, type PoolMessage } from '../runtime/worker-pool';
import type { ContextSetup } from './context';
import type { SweepPoint } from './grid';
import type { PointOutcome } from './point';

/** Message to a worker: run this point. */
export type ToWorker = { type: 'point'; point: SweepPoint };
/** Message from a worker: ready for points, a point's outcome (row or failure), or an error. */
export type FromWorker = PoolMessage<PointOutcome>;

/** Resolves to the next point to compute, or to undefined once no point is left for this sweep (it may wait on other sweeps). */
export type PointSource = JobSource<SweepPoint>;

/** Returns a worker thread running `worker.ts` (through tsx when running from sources) or `worker.js` (from dist/). */
export function startWorker(setup: ContextSetup): Worker {
  return startModuleWorker(__dirname, 'worker', setup);
}

/**
 * Runs the points `next` hands out (at most `expected`) on up to `workers` threads (handed out once all are
 * ready, then to whichever is free); calls `onOutcome` for each row or failure; resolves when `next` has no
 * more points and every thread is idle, with the time (Date.now()) at which the last worker became ready.
 */
export async function runPool(
  next: PointSource,
  expected: number,
  setup: ContextSetup,
  workers: number,
  onOutcome: (o: PointOutcome) => void,
): Promise<number> {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be an integer ≥ 1; got ${workers}`);
  if (expected === 0) return Date.now();
  const pool = new WorkerPool<SweepPoint, PointOutcome>(() => startWorker(setup), Math.min(workers, expected), 'sweep worker');
  try {
    // Points go out once every worker is ready, so each starts with one (a fast starter would otherwise
    // drain a short queue alone); the wait is the start-up time reported apart.
    const readyAt = await pool.ready;
    await pool.run(next, (point) => ({ type: 'point', point }) satisfies ToWorker, onOutcome);
    return readyAt;
  } finally {
    await pool.close();
  }
}
