/**
 * A pool of worker threads, each with its own backend and models, that runs sweep points from a
 * shared source (a free worker takes the next point) and hands each row or failure to the caller.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../runtime/threads';
import type { ContextSetup } from './context';
import type { SweepPoint } from './grid';
import type { PointOutcome } from './point';

/** Message to a worker: run this point. */
export type ToWorker = { type: 'point'; point: SweepPoint };
/** Message from a worker: ready for points, a point's outcome (row or failure), or an error. */
export type FromWorker = { type: 'ready' } | PointOutcome | { type: 'error'; message: string };

/** Resolves to the next point to compute, or to undefined once no point is left for this sweep (it may wait on other sweeps). */
export type PointSource = () => Promise<SweepPoint | undefined>;

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
  const threads = Array.from({ length: Math.min(workers, expected) }, () => startWorker(setup));
  let starting = threads.length;
  let readyAt = Date.now();
  let settled = false;
  try {
    await new Promise<void>((resolve, reject) => {
      let active = threads.length; // threads not yet told that the points are exhausted
      const fail = (e: unknown) => {
        settled = true;
        reject(e);
      };
      const feed = (w: Worker) => {
        next().then((point) => {
          if (settled) return;
          if (point) return w.postMessage({ type: 'point', point } satisfies ToWorker);
          if (--active === 0) {
            settled = true;
            resolve();
          }
        }, fail);
      };
      for (const w of threads) {
        w.on('message', (m: FromWorker) => {
          if (settled) return;
          if (m.type === 'error') return fail(new Error(`sweep worker: ${m.message}`));
          if (m.type === 'ready') {
            // Points go out once every worker is ready, so each starts with one (a fast starter would
            // otherwise drain a short queue alone); the wait is the start-up time reported apart.
            if (--starting === 0) {
              readyAt = Date.now();
              for (const t of threads) feed(t);
            }
            return;
          }
          try {
            onOutcome(m);
          } catch (e) {
            return fail(e);
          }
          feed(w);
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (!settled) fail(new Error(`sweep worker exited (code ${code}) before the sweep finished`));
        });
      }
    });
  } finally {
    settled = true;
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return readyAt;
}
