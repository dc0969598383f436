/**
 * Chooses and initialises the tfjs backend: GUIDANCE_LAB_BACKEND=auto|wasm|cpu|tensorflow|tensorflow-gpu.
 * `auto` prefers tfjs-node-gpu, then tfjs-node (optional dependencies), else wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle has no gradients, and its register_all_gradients is an ES module that a
// compiled CommonJS require cannot load; the union package's node bundle registers them all.
import '@tensorflow/tfjs';
import { registerWasmKernels } from './wasm-kernels';

export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

let chosen: Promise<string> | null = null;

function tryRequire(name: string): boolean {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}

async function activate(choice: BackendChoice): Promise<string> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const pkg = choice === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      if (!tryRequire(pkg)) {
        throw new Error(`GUIDANCE_LAB_BACKEND=${choice} needs ${pkg}, which did not load (it is an optional dependency whose install downloads libtensorflow); use one of ${BACKEND_CHOICES.join(', ')}`);
      }
      await tf.setBackend('tensorflow');
      return choice;
    }
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
      return 'cpu';
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      // GUIDANCE_LAB_WASM_KERNELS=stock keeps tfjs's own kernels (for before/after benchmarks).
      if (process.env.GUIDANCE_LAB_WASM_KERNELS !== 'stock') registerWasmKernels();
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
      return 'wasm';
    case 'auto':
      for (const native of ['tensorflow-gpu', 'tensorflow'] as const) {
        const pkg = native === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
        if (tryRequire(pkg) && (await tf.setBackend('tensorflow'))) return native;
      }
      return activate('wasm');
  }
}

/** Parses a backend name, throwing with the allowed names when it is not one of them. */
export function parseBackendChoice(value: string | undefined): BackendChoice {
  const v = (value ?? 'auto').trim() || 'auto';
  if (!(BACKEND_CHOICES as readonly string[]).includes(v)) {
    throw new Error(`unknown backend "${v}" (GUIDANCE_LAB_BACKEND); choose one of ${BACKEND_CHOICES.join(', ')}`);
  }
  return v as BackendChoice;
}

/** Returns whether this process is a tslab (Jupyter) kernel, where stderr shows as a red stream in the notebook. */
function inNotebookKernel(): boolean {
  return Object.keys(require.cache).some((path) => path.replace(/\\/g, '/').includes('/tslab/dist/'));
}

/**
 * Initialises the backend once per process (from `choice` or GUIDANCE_LAB_BACKEND) and returns its
 * name; reports the choice once on stderr, except in a notebook kernel (notebooks print the name they get)
 * or with GUIDANCE_LAB_QUIET set. Later calls return the same promise.
 */
export function initBackend(choice?: BackendChoice): Promise<string> {
  if (chosen && choice === undefined) return chosen;
  const c = choice ?? parseBackendChoice(process.env.GUIDANCE_LAB_BACKEND);
  chosen = activate(c).then((name) => {
    if (!process.env.GUIDANCE_LAB_QUIET && !inNotebookKernel()) process.stderr.write(`guidance-lab: tfjs backend ${name}\n`);
    return name;
  });
  return chosen;
}
