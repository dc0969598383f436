/**
 * The backend the unit tests run on. Like tfjs-core's own suite, one test suite serves every backend:
 * GUIDANCE_LAB_BACKEND picks it (wasm when unset, the backend every install has), e.g.
 * `GUIDANCE_LAB_BACKEND=tensorflow node scripts/test.js model` after `npm run native`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseBackendChoice, type BackendChoice } from '../src/backend';

/** Returns the backend choice for tests: GUIDANCE_LAB_BACKEND when set, else 'wasm'. */
export function testBackend(): BackendChoice {
  const v = process.env.GUIDANCE_LAB_BACKEND;
  return v === undefined || v.trim() === '' ? 'wasm' : parseBackendChoice(v);
}

/**
 * Returns whether a row's result is bit-identical however rows are batched on the active backend: true on wasm and
 * cpu (per-row loops), false on TensorFlow, whose kernels block by batch size and differ by ~1e-6 per call.
 */
export function batchInvariant(): boolean {
  return tf.getBackend() !== 'tensorflow';
}
