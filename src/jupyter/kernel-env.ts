/** The environment notebook kernels run with. */
import { availableParallelism } from 'node:os';

/**
 * Returns the kernels' environment: `env`, with TensorFlow's intra-op pool sized to the cores each of `jobs` kernels
 * gets (unless TF_NUM_INTRAOP_THREADS is set), so kernels on the native backend do not oversubscribe the cores.
 */
export function kernelEnv(env: NodeJS.ProcessEnv, jobs: number, cores = availableParallelism()): NodeJS.ProcessEnv {
  return { ...env, TF_NUM_INTRAOP_THREADS: env.TF_NUM_INTRAOP_THREADS ?? String(Math.max(1, Math.floor(cores / jobs))) };
}
