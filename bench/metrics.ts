/**
 * Benchmarks of the model-free metrics and analysis ops: FID on 10,000 × 10,000 features of dim 256
 * (wall and CPU time) and a few analysis ops on 32×32 images. Called from bench/run.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { fft2, gaussianBlur, radialPowerSpectrum, removeHighFrequencies, resizeMaps, sagMask } from '../src/analysis';
import { featureStats, fid } from '../src/metrics';
import { Rng } from '../src/random';

interface Row {
  name: string;
  value: number;
  unit: string;
}

/** Returns the median wall time in ms of `runs` calls of `fn` (after one warm-up call). */
function timeMs(fn: () => void, runs: number): number {
  fn();
  const times = Array.from({ length: runs }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  });
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function features(n: number, d: number, seed: number, shift: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normals(d).map((v) => v + shift));
}

/** Returns timing rows for FID (10k × 10k, d = 256) and analysis ops. */
export async function benchMetrics(): Promise<Row[]> {
  await initBackend();
  const a = tf.tensor2d(Float32Array.from(features(10000, 256, 1, 0).flatMap((r) => Array.from(r))), [10000, 256]);
  const b = tf.tensor2d(Float32Array.from(features(10000, 256, 2, 0.1).flatMap((r) => Array.from(r))), [10000, 256]);
  const rows: Row[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  fid(a, b, { warn: () => undefined });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  rows.push({ name: 'fid 10k×10k d=256 (wall)', value: wall, unit: 'ms' });
  rows.push({ name: 'fid 10k×10k d=256 (cpu)', value: (cpu.user + cpu.system) / 1000, unit: 'ms' });
  rows.push({ name: 'featureStats 10k×256', value: timeMs(() => featureStats(a), 1), unit: 'ms' });
  tf.dispose([a, b]);

  const images = tf.randomNormal([64, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const maps = tf.randomUniform([64, 8, 8], 0, 1, 'float32', 4);
  const probs = tf.softmax(tf.randomNormal([16, 4, 64, 64], 0, 1, 'float32', 5));
  const image = Array.from({ length: 32 }, (_, y) => Array.from({ length: 32 }, (_, x) => Math.sin(x * y)));
  rows.push({ name: 'gaussianBlur σ=3 64×32×32×1', value: timeMs(() => gaussianBlur(images, 3).dispose(), 10), unit: 'ms' });
  rows.push({ name: 'resizeMaps bicubic 64×8×8 → 32×32', value: timeMs(() => resizeMaps(maps, 32, 'bicubic').dispose(), 10), unit: 'ms' });
  rows.push({ name: 'sagMask 16×4×64×64 → 32×32', value: timeMs(() => sagMask(probs, 32).dispose(), 10), unit: 'ms' });
  rows.push({ name: 'removeHighFrequencies 64×32×32×1', value: timeMs(() => removeHighFrequencies(images, 0.5).dispose(), 5), unit: 'ms' });
  rows.push({ name: 'fft2 32×32', value: timeMs(() => fft2(image), 50), unit: 'ms' });
  rows.push({ name: 'radialPowerSpectrum 32×32', value: timeMs(() => radialPowerSpectrum(image), 50), unit: 'ms' });
  tf.dispose([images, maps, probs]);
  return rows;
}
