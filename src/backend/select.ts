/**
 * Chooses and initialises the tfjs backend: GUIDANCE_LAB_BACKEND=auto|wasm|cpu|tensorflow|tensorflow-gpu.
 * `auto` prefers tfjs-node-gpu, then tfjs-node (optional dependencies), else wasm; a native package is
 * only required once its addon file exists, so an addon-less install never half-registers its kernels.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle has no gradients, and its register_all_gradients is an ES module that a
// compiled CommonJS require cannot load; the union package's node bundle registers them all.
import '@tensorflow/tfjs';
import { registerWasmKernels } from './wasm-kernels';

export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The backends of the native (tfjs-node) packages. */
export type NativeChoice = 'tensorflow' | 'tensorflow-gpu';
const NATIVE_PACKAGES: Record<NativeChoice, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let chosen: Promise<string> | null = null;

/** Returns the addon file a tfjs-node package loads (the path its own index.js computes), or null when the package is absent. */
function addonFile(pkg: string): string | null {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    return null;
  }
  const preGyp = require(require.resolve('@mapbox/node-pre-gyp', { paths: [dirname(pkgJson)] })) as { find(packageJson: string): string };
  return preGyp.find(pkgJson);
}

/** Returns how to get a native package's addon built or installed. */
function remedy(choice: NativeChoice): string {
  return choice === 'tensorflow'
    ? 'build it with "npm run native" (from TensorFlow\'s Python wheel), or reinstall @tensorflow/tfjs-node where its install can download'
    : 'install @tensorflow/tfjs-node-gpu where its install can download libtensorflow with CUDA ("npm run native" builds only the CPU one)';
}

/** Returns null when the native package's addon file exists (without loading it), else what is missing and the command that builds it. */
export function nativeAddonMissing(choice: NativeChoice): string | null {
  const pkg = NATIVE_PACKAGES[choice];
  const addon = addonFile(pkg);
  if (addon === null) return `${pkg} is not installed (an optional dependency whose install downloads libtensorflow); ${remedy(choice)}`;
  return existsSync(addon) ? null : `${pkg} has no addon: ${addon} is missing; ${remedy(choice)}`;
}

/**
 * Loads a native package; returns null when it loaded, else why not (the missing file or the load error, and
 * the command that builds it). TensorFlow's C++ logging is quietened first unless TF_CPP_MIN_LOG_LEVEL is set.
 */
function loadNative(choice: NativeChoice): string | null {
  const pkg = NATIVE_PACKAGES[choice];
  const missing = nativeAddonMissing(choice);
  if (missing !== null) return missing;
  const addon = addonFile(pkg) as string;
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // The package registers its kernels before it loads the addon: load the addon first, so that one whose libraries are
  // missing (libtensorflow, CUDA) fails here and leaves no kernels behind for the next package to register again.
  try {
    require(addon);
  } catch (err) {
    return `${pkg} failed to load its addon ${addon}: ${(err as Error).message.split('\n')[0]}; ${remedy(choice)}`;
  }
  require(pkg);
  return null;
}

/**
 * Gives each of `workers` threads that share this machine's cores its share of TensorFlow's (process-wide) intra-op
 * pool: one thread each when the workers fill the cores. Only takes effect before the native backend loads, and
 * never overrides TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS set by the user; returns the intra-op count in force
 * (undefined: TensorFlow's default, one per core).
 */
export function shareCoresWithWorkers(workers: number): string | undefined {
  if (workers > 1) {
    process.env.TF_NUM_INTRAOP_THREADS ??= String(Math.max(1, Math.floor(availableParallelism() / workers)));
    process.env.TF_NUM_INTEROP_THREADS ??= '1';
  }
  return process.env.TF_NUM_INTRAOP_THREADS;
}

async function activate(choice: BackendChoice): Promise<string> {
  switch (choice) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const why = loadNative(choice);
      if (why !== null) throw new Error(`GUIDANCE_LAB_BACKEND=${choice}: ${why}; or use one of ${BACKEND_CHOICES.join(', ')}`);
      if (!(await tf.setBackend('tensorflow'))) {
        throw new Error(`GUIDANCE_LAB_BACKEND=${choice}: the tensorflow backend failed to initialise`);
      }
      return choice;
    }
    case 'cpu':
      require('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
      return 'cpu';
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      // GUIDANCE_LAB_WASM_KERNELS=stock keeps tfjs's own kernels, =unfused leaves out the fused ones (before/after benchmarks).
      if (process.env.GUIDANCE_LAB_WASM_KERNELS !== 'stock') registerWasmKernels(process.env.GUIDANCE_LAB_WASM_KERNELS !== 'unfused');
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
      return 'wasm';
    case 'auto':
      for (const native of ['tensorflow-gpu', 'tensorflow'] as const) {
        if (loadNative(native) === null && (await tf.setBackend('tensorflow'))) return native;
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
