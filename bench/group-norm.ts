/**
 * The fused group normalisation against the op chain it replaces, in one process and alternating paired
 * rounds (so both see the same machine load): forward and forward + gradients (x, γ, β) of a UNet-sized map.
 *   GUIDANCE_LAB_BACKEND=wasm node --import tsx bench/group-norm.ts [batch] [rounds]   (default 16, 15)
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { groupNorm, groupNormOps } from '../src/backend/fused';

async function main(): Promise<void> {
  const [batch = 16, rounds = 15] = process.argv.slice(2).map(Number);
  await initBackend();
  const x = tf.randomNormal([batch, 32, 32, 32]);
  const gamma = tf.randomNormal([32]) as tf.Tensor1D;
  const beta = tf.randomNormal([32]) as tf.Tensor1D;
  const w = tf.randomNormal(x.shape);
  type Norm = (a: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D, groups: number) => tf.Tensor;
  const forward = (f: Norm) => () => void f(x, gamma, beta, 8).dataSync();
  const backward = (f: Norm) => () => {
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g as tf.Tensor1D, b as tf.Tensor1D, 8), w));
    const grads = tf.grads(loss)([x, gamma, beta]);
    grads.forEach((t) => t.dataSync());
  };
  const ms = (f: () => void): number => {
    const t = performance.now();
    tf.tidy(f);
    return performance.now() - t;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [what, make] of [
    ['forward', forward],
    ['forward + gradients', backward],
  ] as const) {
    const chain: number[] = [];
    const fused: number[] = [];
    ms(make(groupNormOps));
    ms(make(groupNorm));
    for (let r = 0; r < rounds; r++) {
      chain.push(ms(make(groupNormOps)));
      fused.push(ms(make(groupNorm)));
    }
    const ratios = chain.map((c, i) => c / fused[i]);
    console.log(
      `group norm [${x.shape}], 8 groups, ${what} on ${tf.getBackend()}: ` +
        `op chain ${median(chain).toFixed(1)} ms, fused ${median(fused).toFixed(1)} ms, ` +
        `speed-up ${median(ratios).toFixed(2)}× (median of ${rounds} paired rounds)`,
    );
  }
  tf.dispose([x, gamma, beta, w]);
}

void main();
