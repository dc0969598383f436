/**
 * Worker-thread entry of the batch-parallel sampler: starts the backend once, keeps the models it is
 * sent (by digest, the same least-recently-used set its main thread tracks), and samples each batch it
 * is given exactly as `sample` does in one thread (one batch of the same rows, same seed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendChoice } from '../backend';
import { initBackend } from '../backend';
import type { Denoiser } from '../model/denoiser';
import type { PoolMessage } from '../runtime/worker-pool';
import { LruKeys, payloadModel, specTerm } from './portable';
import { NonFiniteSampleError, sample } from './sample';
import type { BatchJob, BatchReply } from './sample-pool';
import { MODEL_CACHE } from './sample-pool';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('guidance/sample-worker.ts runs only as a worker thread');
  const post = (m: PoolMessage<BatchReply>) => port.postMessage(m);
  const models = new Map<string, Denoiser>();
  const lru = new LruKeys(MODEL_CACHE);
  const lookup = (digest: string): Denoiser => {
    const m = models.get(digest);
    if (!m) throw new Error(`sample worker: model ${digest.slice(0, 12)}… was never sent`);
    return m;
  };
  const runBatch = async (job: BatchJob): Promise<BatchReply> => {
    for (const digest of job.use) {
      const { added, evicted } = lru.use(digest);
      for (const e of evicted) {
        models.get(e)?.net.params.dispose();
        models.delete(e);
      }
      if (added) {
        const payload = job.payloads.find((p) => p.digest === digest);
        if (!payload) throw new Error(`sample worker: model ${digest.slice(0, 12)}… was not sent with its first batch`);
        models.set(digest, payloadModel(payload));
      }
    }
    const { task, rows, labels } = job;
    try {
      const images = await sample({
        model: lookup(task.model),
        guidance: task.guidance.map((g) => specTerm(g, lookup)),
        steps: task.steps,
        sampler: task.sampler,
        seed: task.seed,
        indices: rows,
        labels,
        batchSize: rows.length,
        workers: 1,
      });
      const data = images.dataSync() as Float32Array;
      images.dispose();
      return { type: 'done', data };
    } catch (e) {
      if (e instanceof NonFiniteSampleError) {
        const { step, steps, sigma, sigmaNext } = e.state;
        return { type: 'nonfinite', step, steps, sigma, sigmaNext };
      }
      return { type: 'failed', message: (e as Error).message };
    }
  };
  try {
    process.env.GUIDANCE_LAB_QUIET ??= '1'; // the main thread has named the backend already (this env is the worker's copy)
    await initBackend((workerData as { backend: BackendChoice }).backend);
    port.on('message', (job: BatchJob) => {
      runBatch(job).then(post, (e: Error) => post({ type: 'error', message: e.stack ?? e.message }));
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'error', message: (e as Error).stack ?? String(e) });
  }
}

void main();
