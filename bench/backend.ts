/**
 * Backend benchmarks: matmul plain and transposed, conv2d forward and both backward kernels, and a
 * stack of transformer blocks (batch 64, 64 tokens, width 128, 4 heads, 6 blocks) forward and train step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DitBlock } from '../src/model/dit';
import { Params } from '../src/model/params';
import { Row, timeMs } from './timing';

/** Returns the backend figures on the active backend. */
export function benchBackend(): Row[] {
  const rows: Row[] = [];
  const gflops = (flops: number, ms: number): number => flops / ms / 1e6;
  const n = 512;
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  for (const [label, ta, tb] of [
    ['plain', false, false],
    ['transposeA', true, false],
    ['transposeB', false, true],
  ] as const) {
    rows.push({
      name: `matmul 512³ ${label}`,
      value: gflops(
        2 * n ** 3,
        timeMs(() => tf.matMul(a, b, ta, tb)),
      ),
      unit: 'GFLOP/s',
    });
  }
  const q = tf.randomNormal([256, 64, 32]);
  const k = tf.randomNormal([256, 64, 32]);
  rows.push({
    name: 'batched matmul 256×(64×32·32×64) (q·kᵀ)',
    value: gflops(
      2 * 256 * 64 * 64 * 32,
      timeMs(() => tf.matMul(q, k, false, true)),
    ),
    unit: 'GFLOP/s',
  });

  const x = tf.randomNormal([32, 32, 32, 32]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 32, 32]) as tf.Tensor4D;
  const dy = tf.randomNormal([32, 32, 32, 32]) as tf.Tensor4D;
  const convFlops = 2 * 32 * 32 * 32 * 9 * 32 * 32;
  rows.push({
    name: 'conv2d 3×3 32→32 on 32×[32×32] forward',
    value: gflops(
      convFlops,
      timeMs(() => tf.conv2d(x, w, 1, 'same')),
    ),
    unit: 'GFLOP/s',
  });
  rows.push({
    name: 'conv2d backprop input',
    value: gflops(
      convFlops,
      timeMs(() => tf.conv2dTranspose(dy, w, [32, 32, 32, 32], 1, 'same')),
    ),
    unit: 'GFLOP/s',
  });
  let filterRate = NaN;
  try {
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 32, 32] };
    filterRate = gflops(
      convFlops,
      timeMs(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap)),
    );
  } catch {
    // not registered on this backend (stock wasm)
  }
  rows.push({ name: 'conv2d backprop filter', value: filterRate, unit: 'GFLOP/s' });

  const params = new Params(1);
  const blocks = Array.from({ length: 6 }, (_, i) => new DitBlock(params.scope(`blocks.${i}`), `blocks.${i}.attn`, 128, 4, [8, 8], false));
  // adaLN-Zero starts at zero modulation, which would make the blocks trivial: randomise it.
  for (const [name, v] of params.vars) if (name.includes('adaLN')) tf.tidy(() => v.assign(tf.randomNormal(v.shape, 0, 0.02)));
  const tokens = tf.randomNormal([64, 64, 128]) as tf.Tensor3D;
  const cond = tf.randomNormal([64, 128]) as tf.Tensor2D;
  const forward = (): tf.Tensor => blocks.reduce((h, blk) => blk.apply(h, cond, {}), tokens);
  const vars = [...params.vars.values()];
  const fwd = timeMs(() => forward().dataSync(), 3);
  const step = timeMs(() => tf.variableGrads(() => tf.mean(tf.square(forward())) as tf.Scalar, vars).value.dataSync(), 3);
  rows.push({ name: 'transformer 6 blocks, batch 64×64 tokens×128: forward', value: fwd, unit: 'ms' });
  rows.push({ name: 'transformer 6 blocks: forward + backward', value: step, unit: 'ms' });
  rows.push({ name: 'transformer 6 blocks: backward / forward', value: (step - fwd) / fwd, unit: '×' });
  params.dispose();
  tf.dispose([a, b, q, k, x, w, dy, tokens, cond]);
  return rows;
}
