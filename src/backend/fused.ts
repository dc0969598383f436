/**
 * Fused operations with their gradients: one kernel where the backend has it (wasm: wasm-fused.ts), else
 * the chain of tfjs ops it replaces, which is also the reference the tests compare the kernel with.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM, GROUP_NORM_GRAD } from './wasm-fused';

let gradientRegistered = false;

function registerGroupNormGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: GROUP_NORM,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved, attrs) => {
      const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
      const [x, gamma, stats] = saved;
      const grad = (wrt: 'x' | 'gamma') => () =>
        tf.engine().runKernel(GROUP_NORM_GRAD, { dy, x, gamma, stats }, { ...attrs, wrt }) as tf.Tensor;
      return {
        x: grad('x'),
        gamma: grad('gamma'),
        beta: () =>
          tf.sum(
            dy,
            Array.from({ length: dy.rank - 1 }, (_, i) => i),
          ),
      };
    },
  });
}

/**
 * Returns group normalisation of x `[batch, …, channels]` (same shape) over each image's groups of channels, times γ
 * plus β (`[channels]` each), by tfjs ops.
 */
export function groupNormOps(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const c = x.shape[x.shape.length - 1];
    const g = x.reshape([x.shape[0], -1, groups, c / groups]);
    const { mean, variance } = tf.moments(g, [1, 3], true);
    const n = tf.mul(tf.sub(g, mean), tf.rsqrt(tf.add(variance, eps))).reshape(x.shape);
    return tf.add(tf.mul(n, gamma), beta);
  });
}

/**
 * Returns group normalisation of x `[batch, …, channels]` (same shape): the fused kernel where the active backend has
 * one, else groupNormOps.
 */
export function groupNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps = 1e-5): T {
  if (!tf.getKernel(GROUP_NORM, tf.getBackend())) return groupNormOps(x, gamma, beta, groups, eps) as T;
  registerGroupNormGradient();
  const [y, stats] = tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, { groups, eps }) as tf.Tensor[];
  stats.dispose(); // the gradient keeps its own copy
  return y as T;
}
