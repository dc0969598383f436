/**
 * Sampling throughput of `sample()` on the shipped models: CFG γ = 1, Euler, in batches. On wasm and cpu,
 * alternating paired rounds of one thread and one worker per core (the pool warm: its start-up and first
 * model transfer are timed apart), with the ratio per round and whether the pixels were bit-identical; on
 * the native backend, images/s on TensorFlow's own threads (TF_NUM_INTRAOP_THREADS, default one per core).
 *   GUIDANCE_LAB_SAMPLING="<images>,<batch>,<steps>,<rounds>" (default 32,8,6,3); models: dit-main and unet-main.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { initBackend } from '../src/backend';
import { cfg, sample } from '../src/guidance';
import { closeSamplePool } from '../src/guidance/sample-pool';
import { loadShipped } from '../src/model/shipped';
import type { Row } from './timing';

/** Returns the CPU ticks (user + system) of each thread of this process by thread id (Linux; empty elsewhere). */
function threadTicks(): Map<string, number> {
  const dir = '/proc/self/task';
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir).flatMap((tid) => {
      try {
        const f = readFileSync(`${dir}/${tid}/stat`, 'utf8').split(')').pop()!.trim().split(' ');
        return [[tid, Number(f[11]) + Number(f[12])] as [string, number]];
      } catch {
        return []; // the thread ended meanwhile
      }
    }),
  );
}

/**
 * Returns [wall ms, pixels, CPU ms of the whole process, CPU balance] of one sample() call; the balance is all
 * threads' CPU time ÷ the busiest thread's: the speed-up the split allows where each thread gets a core of its
 * own (on a loaded machine the wall-time ratio cannot show it), NaN without per-thread times.
 */
async function once(opts: Parameters<typeof sample>[0]): Promise<[number, Float32Array, number, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const ticks = threadTicks();
  const x = await sample(opts);
  const data = x.dataSync() as Float32Array;
  x.dispose();
  const cpu = process.cpuUsage(c);
  const used = [...threadTicks()].map(([tid, n]) => n - (ticks.get(tid) ?? 0));
  const balance = used.reduce((a, b) => a + b, 0) / Math.max(...used);
  return [performance.now() - t, data, (cpu.user + cpu.system) / 1000, balance];
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
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    const base = { model, guidance: [cfg({ gamma: 1 })], labels, batchSize, steps, sampler: 'euler' as const };
    const what = `${name} ${n} images, batch ${batchSize}, Euler ${steps} + CFG`;
    if (tf.getBackend() === 'tensorflow') {
      await once(base);
      const ms = [];
      for (let r = 0; r < rounds; r++) ms.push((await once(base))[0]);
      const threads = process.env.TF_NUM_INTRAOP_THREADS ?? cores;
      rows.push({ name: `${what}, ${backend} (${threads} TF threads)`, value: (n * 1000) / median(ms), unit: 'images/s' });
    } else {
      await closeSamplePool();
      const [cold] = await once({ ...base, workers: cores });
      await once({ ...base, workers: 1 });
      const one: number[] = [];
      const many: number[] = [];
      const cpuPerWall: [number[], number[]] = [[], []];
      const balance: number[] = [];
      const cpuSpeedup: number[] = [];
      let identical = true;
      for (let r = 0; r < rounds; r++) {
        const [t1, a, c1] = await once({ ...base, workers: 1 });
        const [tn, b, cn, bal] = await once({ ...base, workers: cores });
        balance.push(bal);
        cpuSpeedup.push(c1 / (cn / bal)); // one thread's CPU time ÷ the busiest worker's: the wall speed-up with a free core each
        one.push(t1);
        many.push(tn);
        cpuPerWall[0].push(c1 / t1);
        cpuPerWall[1].push(cn / tn);
        identical &&= a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
      }
      const ratios = one.map((t, i) => t / many[i]);
      rows.push({ name: `${what}, ${backend}, 1 thread`, value: (n * 1000) / median(one), unit: 'images/s' });
      rows.push({ name: `${what}, ${backend}, ${cores} workers`, value: (n * 1000) / median(many), unit: 'images/s' });
      const speedup = `speed-up ${cores} workers ÷ 1 (median of ${rounds} paired rounds; bit-identical: ${identical})`;
      rows.push({ name: `${what}: ${speedup}`, value: median(ratios), unit: '×' });
      // On a loaded machine the wall-time ratio understates the split; CPU time per wall time shows how many cores it kept busy.
      rows.push({ name: `${what}: CPU time ÷ wall time, 1 thread`, value: median(cpuPerWall[0]), unit: '×' });
      rows.push({ name: `${what}: CPU time ÷ wall time, ${cores} workers`, value: median(cpuPerWall[1]), unit: '×' });
      const balanceName = `CPU balance over threads, ${cores} workers (all threads' CPU ÷ the busiest's)`;
      rows.push({ name: `${what}: ${balanceName}`, value: median(balance), unit: '×' });
      const cpuName = "CPU time of 1 thread ÷ the busiest worker's (the speed-up with a free core per worker)";
      rows.push({ name: `${what}: ${cpuName}`, value: median(cpuSpeedup), unit: '×' });
      rows.push({ name: `${what}: first call on ${cores} workers (pool start and model transfer)`, value: cold / 1000, unit: 's' });
      if (!identical) throw new Error(`bench sampling: ${name}: ${cores} workers gave different pixels than one thread`);
    }
    model.net.params.dispose();
  }
  await closeSamplePool();
  return rows;
}
