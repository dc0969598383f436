/**
 * A pool of worker threads, each with its own backend and models, that runs sweep points from a
 * shared queue (a free worker takes the next point) and hands each finished row to the caller.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../threads';
import type { ContextSetup } from './context';
import type { SweepPoint } from './grid';
import type { SweepRow } from './point';

/** Message to a worker: run this point. */
export type ToWorker = { type: 'point'; point: SweepPoint };
/** Message from a worker: ready for points, a finished row, or a failure. */
export type FromWorker = { type: 'ready' } | { type: 'row'; row: SweepRow } | { type: 'error'; message: string };

/** Returns a worker thread running `worker.ts` (through tsx when running from sources) or `worker.js` (from dist/). */
export function startWorker(setup: ContextSetup): Worker {
  return startModuleWorker(__dirname, 'worker', setup);
}

/**
 * Runs `points` on `workers` threads (handed out once all are ready, then to whichever is free); calls
 * `onRow` for each finished row; resolves when all are done with the time (Date.now()) at which the
 * last worker became ready, i.e. when start-up ended.
 */
export async function runPool(points: SweepPoint[], setup: ContextSetup, workers: number, onRow: (row: SweepRow) => void): Promise<number> {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be an integer ≥ 1; got ${workers}`);
  const queue = [...points];
  let pending = queue.length;
  if (pending === 0) return Date.now();
  const threads = Array.from({ length: Math.min(workers, queue.length) }, () => startWorker(setup));
  let starting = threads.length;
  let readyAt = Date.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const next = (w: Worker) => {
        const point = queue.shift();
        if (point) w.postMessage({ type: 'point', point } satisfies ToWorker);
      };
      for (const w of threads) {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'error') return reject(new Error(`sweep worker: ${m.message}`));
          if (m.type === 'ready') {
            // Points go out once every worker is ready, so each starts with one (a fast starter would
            // otherwise drain a short queue alone); the wait is the start-up time reported apart.
            if (--starting === 0) {
              readyAt = Date.now();
              for (const t of threads) next(t);
            }
            return;
          }
          if (m.type === 'row') {
            try {
              onRow(m.row);
            } catch (e) {
              return reject(e);
            }
            if (--pending === 0) return resolve();
          }
          next(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (pending > 0) reject(new Error(`sweep worker exited (code ${code}) with ${pending} points left`));
        });
      }
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
  return readyAt;
}
