/**
 * Sweep throughput: samples/s of a small sweep (tiny DiT, CFG and PAG, 8 points of 96 samples,
 * measured with the shipped feature classifier) on 1 and on 2 worker threads once every worker has
 * loaded its backend and models (start-up, a fixed cost per sweep, reported apart), and the speed-up;
 * next to it, the machine's own ceiling: the speed-up of 2 threads that only run forward passes,
 * with no pool, messages or metrics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { initBackend } from '../src/backend';
import { createDenoiser } from '../src/model/factory';
import { saveModel } from '../src/model/io';
import { startTsWorker } from '../src/runtime/threads';
import type { ModelConfig } from '../src/model/denoiser';
import { parseSpec, referenceImages, runSweep } from '../src/experiments';
import { classifierSource } from '../src/metrics';

const CONFIG: ModelConfig = { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 4, width: 32, depth: 2, heads: 2 };

/** Returns the images/s of `threads` threads each running `reps` forwards of batch 16 of CONFIG at the same time. */
async function forwardLoops(threads: number, reps: number): Promise<number> {
  const workers = Array.from({ length: threads }, () =>
    startTsWorker(join(__dirname, 'forward-worker.ts'), { config: CONFIG, batch: 16, reps }),
  );
  try {
    const next = (w: Worker) =>
      new Promise<{ type: string; seconds: number }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    await Promise.all(workers.map(next));
    const done = workers.map(next);
    for (const w of workers) w.postMessage('go');
    const seconds = Math.max(...(await Promise.all(done)).map((m) => m.seconds));
    return (threads * reps * 16) / seconds;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Returns samples/s with 1 and 2 workers and their ratio, and the same ratio for bare forward loops. */
export async function benchSweep(): Promise<{ name: string; value: number; unit: string }[]> {
  await initBackend();
  const dir = mkdtempSync(join(tmpdir(), 'gl-bench-sweep-'));
  try {
    const model = createDenoiser(CONFIG, 0);
    const path = join(dir, 'tiny.safetensors');
    await saveModel(path, CONFIG, model.net.params.snapshot(), {}, 'F32');
    model.net.params.dispose();
    const spec = parseSpec({
      model: path,
      methods: [{ method: 'cfg' }, { method: 'pag', params: { layers: ['blocks.1.attn'] } }],
      gammas: [1, 2],
      seeds: [0, 1],
      n: 96,
      steps: 8,
      sampler: 'heun',
      batchSize: 16,
      reference: { n: 256 },
    });
    const rate: Record<number, number> = {};
    const startup: Record<number, number> = {};
    for (const workers of [1, 2]) {
      const r = await runSweep(spec, {
        out: join(dir, `w${workers}`),
        workers,
        featurizer: classifierSource(),
        referenceImages: () => referenceImages(spec.reference),
        progress: false,
      });
      rate[workers] = (r.computed * spec.n) / (r.computeSeconds - r.startupSeconds);
      startup[workers] = r.startupSeconds;
    }
    return [
      { name: 'sweep, tiny DiT, 8 points × 96 samples, 1 worker (after start-up)', value: rate[1], unit: 'samples/s' },
      { name: 'sweep, tiny DiT, 8 points × 96 samples, 2 workers (after start-up)', value: rate[2], unit: 'samples/s' },
      { name: 'sweep worker start-up, 1 worker', value: startup[1], unit: 's' },
      { name: 'sweep worker start-up, 2 workers', value: startup[2], unit: 's' },
      { name: 'sweep speed-up, 2 workers / 1 worker (target ≥ 1.7)', value: rate[2] / rate[1], unit: '×' },
      {
        name: 'ceiling: 2 threads of bare forward loops / 1 thread',
        value: (await forwardLoops(2, 150)) / (await forwardLoops(1, 150)),
        unit: '×',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
