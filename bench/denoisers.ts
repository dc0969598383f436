/**
 * Denoiser benchmarks: forward images/s at batch 64 and train-step images/s for the shipped
 * architectures, with the GFLOP/s the forward pass achieves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createDenoiser } from '../src/model/factory';
import { preset } from '../src/model/presets';
import { edmLoss } from '../src/train/loss';
import { Rng } from '../src/random';
import { Row, countFlops, timeMs } from './timing';

/** Returns forward and train-step throughput for dit-main and unet-main. */
export function benchDenoisers(): Row[] {
  const rows: Row[] = [];
  for (const name of ['dit-main', 'unet-main']) {
    const model = createDenoiser(preset(name), 1);
    for (const [pname, v] of model.net.params.vars)
      if (v.size > 1 && pname.endsWith('weight')) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.05)));
    const fb = 64;
    const x = tf.randomNormal([fb, 32, 32, 1]) as tf.Tensor4D;
    const labels = Array.from({ length: fb }, (_, i) => i % 10);
    const forward = (): tf.Tensor => model.denoise(x, 1, { labels });
    const flops = countFlops(forward);
    const fwd = timeMs(() => forward().dataSync(), 3);
    rows.push({ name: `${name} forward, batch ${fb}`, value: (fb / fwd) * 1000, unit: 'images/s' });
    rows.push({ name: `${name} forward matmul+conv rate`, value: flops / fwd / 1e6, unit: 'GFLOP/s' });
    const tb = 32;
    const xs = tf.slice(x, 0, tb) as tf.Tensor4D;
    const vars = [...model.net.params.vars.values()];
    const opt = tf.train.adam(1e-4);
    const step = timeMs(() => {
      const { value, grads } = tf.variableGrads(() => edmLoss(model, xs, labels.slice(0, tb), new Rng(1)), vars);
      opt.applyGradients(grads as unknown as Record<string, tf.Variable>);
      value.dataSync();
    }, 3);
    rows.push({ name: `${name} train step, batch ${tb}`, value: (tb / step) * 1000, unit: 'images/s' });
    opt.dispose();
    model.net.params.dispose();
    tf.dispose([x, xs]);
  }
  return rows;
}
