/**
 * Timing and FLOP counting for benchmarks.
 */
import * as tf from '@tensorflow/tfjs-core';

/** One benchmark figure. */
export interface Row {
  name: string;
  value: number;
  unit: string;
}

/** Returns the median wall time in ms of `f` over `reps` runs after `warmup` runs (each inside tf.tidy). */
export function timeMs(f: () => unknown, reps = 5, warmup = 1): number {
  for (let i = 0; i < warmup; i++) tf.tidy(() => void f());
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    tf.tidy(() => void f());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Returns the multiply-add FLOPs (2 per MAC) of the matmuls and convolutions `f` runs, counted at the kernel level. */
export function countFlops(f: () => unknown): number {
  const engine = tf.engine() as unknown as {
    runKernel: (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) => unknown;
  };
  const original = engine.runKernel.bind(engine);
  let flops = 0;
  engine.runKernel = (name, inputs, attrs) => {
    if (name === 'BatchMatMul') {
      const a = inputs.a.shape;
      const b = inputs.b.shape;
      const m = attrs.transposeA ? a[a.length - 1] : a[a.length - 2];
      const k = attrs.transposeA ? a[a.length - 2] : a[a.length - 1];
      const n = attrs.transposeB ? b[b.length - 2] : b[b.length - 1];
      const batch = Math.max(
        a.slice(0, -2).reduce((x, y) => x * y, 1),
        b.slice(0, -2).reduce((x, y) => x * y, 1),
      );
      flops += 2 * batch * m * k * n;
    } else if (name === 'Conv2D') {
      const out = original(name, inputs, attrs) as tf.Tensor;
      const [kh, kw, ci] = inputs.filter.shape;
      flops += 2 * out.size * kh * kw * ci;
      return out;
    }
    return original(name, inputs, attrs);
  };
  try {
    tf.tidy(() => void f());
  } finally {
    engine.runKernel = original;
  }
  return flops;
}
