// Child of native.test.ts: initialises GUIDANCE_LAB_BACKEND in a fresh process and prints one JSON line:
// { name, backend } or { error }. With argv[2] = 'threads' (cores shared by one worker per core) or 'pool' (TensorFlow's
// default pool) it also reports the CPU ticks each OS thread spent in a run of matrix products.
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shareCoresWithWorkers } from '../../src/backend';

/** Returns user+system clock ticks per OS thread of this process (Linux /proc), the calling thread first, the rest by id. */
function threadTicks(): number[] {
  const ticks = (task: string): number => {
    const fields = readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const others = readdirSync('/proc/self/task')
    .filter((t) => t !== String(process.pid))
    .sort((x, y) => Number(x) - Number(y));
  return [ticks(String(process.pid)), ...others.map(ticks)];
}

async function main(): Promise<void> {
  const intraOp = process.argv[2] === 'threads' ? shareCoresWithWorkers(availableParallelism()) : undefined;
  let name: string;
  try {
    name = await initBackend();
  } catch (err) {
    console.log(JSON.stringify({ error: (err as Error).message }));
    return;
  }
  if (process.argv[2] !== 'threads' && process.argv[2] !== 'pool') {
    console.log(JSON.stringify({ name, backend: tf.getBackend() }));
    return;
  }
  const a = tf.randomNormal([768, 768], 0, 1, 'float32', 1);
  tf.tidy(() => void tf.matMul(a, a).dataSync());
  const before = threadTicks();
  for (let i = 0; i < 80; i++) tf.tidy(() => void tf.matMul(a, a).dataSync());
  const after = threadTicks();
  a.dispose();
  console.log(JSON.stringify({ name, backend: tf.getBackend(), intraOp, ticks: after.map((t, i) => t - (before[i] ?? 0)) }));
}

void main();
