/**
 * Worker-thread entry of the sweep pool: builds its own backend and context once, then runs the
 * points it is sent and posts back their rows (the pool terminates it when the queue is empty).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { buildContext, type ContextSetup } from './context';
import { runPoint } from './point';
import type { ToWorker, FromWorker } from './pool';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('experiments/worker.ts runs only as a worker thread');
  const setup = workerData as ContextSetup;
  const post = (m: FromWorker) => port.postMessage(m);
  try {
    await initBackend(setup.backend);
    const ctx = await buildContext(setup);
    port.on('message', (m: ToWorker) => {
      runPoint(m.point, ctx).then(post, (e: Error) => post({ type: 'error', message: e.stack ?? e.message }));
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
}

void main();
