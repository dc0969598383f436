/**
 * Where a train step's time goes: images/s of the loss gradient of a preset at a batch size, then
 * `tf.profile`'s kernel time summed per kernel name (top 15), for spotting slow kernels:
 *   node --import tsx bench/profile-step.ts <preset> <batch>
 */
import * as tf from '@tensorflow/tfjs-core';
import { createDenoiser, initBackend } from '../src';
import { preset } from '../src/model/presets';
import { edmLoss } from '../src/train/loss';
import { Rng } from '../src/random';

async function main(): Promise<void> {
  const [name = 'dit-main', batchArg = '16'] = process.argv.slice(2);
  const batch = Number(batchArg);
  if (!(Number.isInteger(batch) && batch > 0)) throw new Error(`batch must be a positive integer; got ${batchArg}`);
  await initBackend();
  const model = createDenoiser(preset(name), 0);
  const vars = [...model.net.params.vars.values()];
  const labels = Array.from({ length: batch }, (_, i) => i % 10);
  const step = (): void => {
    tf.tidy(() => {
      const images = tf.randomUniform([batch, 32, 32, 1], -1, 1) as tf.Tensor4D;
      tf.variableGrads(() => edmLoss(model, images, labels, new Rng(0, 1)), vars).value.dataSync();
    });
  };
  for (let i = 0; i < 3; i++) step();
  const t0 = Date.now();
  for (let i = 0; i < 10; i++) step();
  const ms = (Date.now() - t0) / 10;
  console.log(`${name}, batch ${batch}: ${ms.toFixed(0)} ms per gradient step, ${((batch * 1000) / ms).toFixed(1)} images/s`);
  const profile = await tf.profile(step);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of profile.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls++;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`kernel time ${total.toFixed(0)} ms`);
  for (const [k, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(
      `${k.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms ${String(e.calls).padStart(5)} calls ${((100 * e.ms) / total).toFixed(1).padStart(5)}%`,
    );
  }
}

void main();
