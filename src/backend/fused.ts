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
 * Returns group normalisation of x `[batch, …, channels]` (same shape) by tfjs ops, as groupNormOps, but with its
 * gradient in closed form (dx = (ĝ − mean ĝ − x̂ · mean(ĝ x̂)) / σ per group, ĝ = dy · γ): about half the ops of
 * differentiating the chain, for backends without a fused kernel.
 */
export function groupNormCompact(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps = 1e-5): tf.Tensor {
  const c = x.shape[x.shape.length - 1];
  const grouped = [x.shape[0], -1, groups, c / groups];
  const outer = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const norm = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const { mean, variance } = tf.moments(xi.reshape(grouped), [1, 3], true);
    const inv = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xi.reshape(grouped), mean), inv).reshape(xi.shape);
    save([xhat, inv, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, [xh, invSaved, gSaved]: tf.Tensor[]) => {
        const dxhat = tf.mul(dy, gSaved).reshape(grouped);
        const xhg = xh.reshape(grouped);
        const m1 = tf.mean(dxhat, [1, 3], true);
        const m2 = tf.mean(tf.mul(dxhat, xhg), [1, 3], true);
        const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(xhg, m2)), invSaved).reshape(dy.shape);
        return [dx, tf.sum(tf.mul(dy, xh), outer), tf.sum(dy, outer)];
      },
    };
  });
  return tf.tidy(() => norm(x, gamma, beta));
}

/**
 * Returns group normalisation of x `[batch, …, channels]` (same shape): the fused kernel where the active backend has
 * one, else groupNormCompact.
 */
export function groupNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, groups: number, eps = 1e-5): T {
  if (!tf.getKernel(GROUP_NORM, tf.getBackend())) return groupNormCompact(x, gamma, beta, groups, eps) as T;
  registerGroupNormGradient();
  const [y, stats] = tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, { groups, eps }) as tf.Tensor[];
  stats.dispose(); // the gradient keeps its own copy
  return y as T;
}
