/**
 * Sampling throughput of `sample()` on the shipped models: CFG γ = 1, Euler, in batches. On wasm and cpu,
 * alternating paired rounds of one thread and one worker per core (the pool warm: its start-up and first
 * model transfer are timed apart), with the ratio per round and whether the pixels were bit-identical; on
 * the native backend, images/s on TensorFlow's own threads (TF_NUM_INTRAOP_THREADS, default one per core).
 *   GUIDANCE_LAB_SAMPLING="<images>,<batch>,<steps>,<rounds>" (default 32,8,6,3); models: dit-main and unet-main.
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { initBackend } from '../src/backend';
import { cfg, sample } from '../src/guidance';
import { closeSamplePool } from '../src/guidance/sample-pool';
import { loadShipped } from '../src/model/shipped';
import type { Row } from './timing';

/** Returns [wall ms, pixels, CPU ms of the whole process (all threads)] of one sample() call. */
async function once(opts: Parameters<typeof sample>[0]): Promise<[number, Float32Array, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const x = await sample(opts);
  const data = x.dataSync() as Float32Array;
  x.dispose();
  const cpu = process.cpuUsage(c);
  return [performance.now() - t, data, (cpu.user + cpu.system) / 1000];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Returns the sampling rows on the active backend. */
export async function benchSampling(): Promise<Row[]> {
  const backend = await initBackend();
  const [n, batchSize, steps, rounds] = (process.env.GUIDANCE_LAB_SAMPLING ?? '32,8,6,3').split(',').map(Number);
  const cores = availableParallelism();
  const rows: Row[] = [];
  for (const name of ['mnist-dit-main', 'mnist-unet-main']) {
    const { model } = await loadShipped(name);
    const base = { model, guidance: [cfg({ gamma: 1 })], labels: Array.from({ length: n }, (_, i) => i % 10), batchSize, steps, sampler: 'euler' as const };
    const what = `${name} ${n} images, batch ${batchSize}, Euler ${steps} + CFG`;
    if (tf.getBackend() === 'tensorflow') {
      await once(base);
      const ms = [];
      for (let r = 0; r < rounds; r++) ms.push((await once(base))[0]);
      rows.push({ name: `${what}, ${backend} (${process.env.TF_NUM_INTRAOP_THREADS ?? cores} TF threads)`, value: (n * 1000) / median(ms), unit: 'images/s' });
    } else {
      await closeSamplePool();
      const [cold] = await once({ ...base, workers: cores });
      await once({ ...base, workers: 1 });
      const one: number[] = [];
      const many: number[] = [];
      const cpuPerWall: [number[], number[]] = [[], []];
      let identical = true;
      for (let r = 0; r < rounds; r++) {
        const [t1, a, c1] = await once({ ...base, workers: 1 });
        const [tn, b, cn] = await once({ ...base, workers: cores });
        one.push(t1);
        many.push(tn);
        cpuPerWall[0].push(c1 / t1);
        cpuPerWall[1].push(cn / tn);
        identical &&= a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
      }
      const ratios = one.map((t, i) => t / many[i]);
      rows.push({ name: `${what}, ${backend}, 1 thread`, value: (n * 1000) / median(one), unit: 'images/s' });
      rows.push({ name: `${what}, ${backend}, ${cores} workers`, value: (n * 1000) / median(many), unit: 'images/s' });
      rows.push({ name: `${what}: speed-up ${cores} workers ÷ 1 (median of ${rounds} paired rounds; bit-identical: ${identical})`, value: median(ratios), unit: '×' });
      // On a loaded machine the wall-time ratio understates the split; CPU time per wall time shows how many cores it kept busy.
      rows.push({ name: `${what}: CPU time ÷ wall time, 1 thread`, value: median(cpuPerWall[0]), unit: '×' });
      rows.push({ name: `${what}: CPU time ÷ wall time, ${cores} workers`, value: median(cpuPerWall[1]), unit: '×' });
      rows.push({ name: `${what}: first call on ${cores} workers (pool start and model transfer)`, value: cold / 1000, unit: 's' });
      if (!identical) throw new Error(`bench sampling: ${name}: ${cores} workers gave different pixels than one thread`);
    }
    model.net.params.dispose();
  }
  await closeSamplePool();
  return rows;
}
