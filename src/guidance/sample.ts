/**
 * The one-call sampler: guided Heun/Euler sampling of many images in batches, each from noise that
 * depends only on (seed, sample index).
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { Denoiser, NULL_LABEL } from '../model/denoiser';
import type { ProcessorMap } from '../model/attention/processors';
import { NonFiniteStateError, SamplerName, StepInfo, karrasSigmas, solve } from '../diffusion';
import { sampleNoise } from '../random';
import { guidedDenoiser, type GuidanceUpdate } from './guided';
import { portableCall, sampleBatches } from './sample-pool';
import type { GuidanceTerm } from './term';

export interface SampleOptions {
  model: Denoiser;
  /** Guidance terms, stacked on one positive (none = unguided). */
  guidance?: GuidanceTerm[];
  /** Sampler steps N (default 18; Heun uses 2N − 1 evaluations). */
  steps?: number;
  sampler?: SamplerName;
  /** Noise seed (default 0). */
  seed?: number;
  /** Sample indices (default 0 … n−1); sample i's noise depends only on (seed, i). */
  indices?: number[];
  /** Number of samples when `indices` is not given (default: the number of labels). */
  n?: number;
  /** A class per sample, or one class for all; default NULL_LABEL for unconditional models. */
  labels?: number | ArrayLike<number>;
  /** Rows per forward pass of the positive (default 16). */
  batchSize?: number;
  /**
   * Attention processors for the positive pass at each evaluation: called with σ and the evaluation's
   * index within its batch (0, 1, … over the sampler's steps), e.g. an attention recorder's `processors`.
   */
  processors?: (sigma: number, call: number) => ProcessorMap | undefined;
  /** Called after every step of every batch (tensors live only during the call). */
  onStep?: (info: StepInfo & { batch: number; batches: number }) => void;
  /**
   * Called with each active term's update Δ_i at every evaluation of every batch (the tensor lives only during the
   * call); it runs on the main thread, so such a call samples in this thread.
   */
  onGuidance?: (update: GuidanceUpdate) => void;
  /**
   * Worker threads the batches are split over on wasm and cpu (default: one per core, at most one per batch);
   * 1 samples in this thread. Results are bit-identical either way: each batch is the same rows, sampled
   * alike (a combiner's state, e.g. APG's momentum, lives per batch). `processors`, `onStep`, `onGuidance`, terms
   * with function options and methods registered in this thread need this thread: they sample here, with a notice.
   * The native backend always samples in this thread, on TensorFlow's own threads.
   */
  workers?: number;
  /** Receives the notice of why a call that could use workers samples in this thread (default: stderr, once per reason). */
  warn?: (message: string) => void;
}

/** Thrown by `sample` when the samples stop being finite: under which guidance (methods, γ), where (batch, step, σ) and the seed. */
export class NonFiniteSampleError extends Error {
  constructor(
    readonly guidance: { method: string; gamma: number }[],
    readonly state: NonFiniteStateError,
    readonly batch: number,
    readonly batches: number,
    readonly seed: number,
  ) {
    const terms = guidance.length === 0 ? 'unguided' : guidance.map((t) => `${t.method} γ = ${t.gamma}`).join(' + ');
    super(
      `sample: the samples became non-finite (NaN or ±Infinity) with ${terms} at step ${state.step} of 0…${state.steps - 1} ` +
        `(σ ${state.sigma} → ${state.sigmaNext}), batch ${batch + 1} of ${batches}, seed ${seed}; the sampler diverged (try a smaller γ), ` +
        'nothing was returned',
    );
  }
}

/**
 * Returns the samples as one tensor `[n, h, w, c]` in [−1, 1] (the caller disposes it). Throws NonFiniteSampleError
 * when a step yields NaN or ±Infinity; on any error every tensor it made is freed.
 */
export async function sample(opts: SampleOptions): Promise<tf.Tensor4D> {
  const { model, guidance = [], steps = 18, sampler = 'heun', seed = 0, batchSize = 16, onStep, onGuidance } = opts;
  const labelCount = typeof opts.labels === 'object' ? opts.labels.length : undefined;
  const indices = opts.indices ?? Array.from({ length: opts.n ?? labelCount ?? 0 }, (_, i) => i);
  if (indices.length === 0) throw new Error('sample: nothing to sample; give n, indices or labels');
  const labels = resolveLabels(model, opts.labels, indices.length);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`sample: batchSize must be an integer ≥ 1; got ${batchSize}`);
  checkSamplers(guidance, sampler);
  const batches = Math.ceil(indices.length / batchSize);
  const workers = workerCount(opts, batches);
  if (workers > 1) {
    for (const t of guidance) t.check(model); // the errors a one-thread call gives, before any worker starts
    const call = portableCall(model, guidance, steps, sampler, seed);
    if ('task' in call) return sampleOnWorkers(call, indices, labels, batchSize, workers, opts);
    notice(opts, `the ${batches} batches sample in this thread: ${call.reason}`);
  }
  const sigmas = karrasSigmas(steps);
  const { imageSize, channels } = model.config;
  const parts: tf.Tensor4D[] = [];
  let ok = false;
  try {
    for (let b = 0; b < batches; b++) {
      const rows = indices.slice(b * batchSize, (b + 1) * batchSize);
      const rowLabels = labels.slice(b * batchSize, (b + 1) * batchSize);
      let call = 0;
      const processors = opts.processors;
      const positiveProcessors = processors && ((sigma: number) => processors(sigma, call++));
      const denoise = guidedDenoiser(model, guidance, rowLabels, rows, { positiveProcessors, onGuidance });
      const noise = sampleNoise([imageSize, imageSize, channels], seed, rows) as tf.Tensor4D;
      try {
        parts.push(solve(denoise.step, noise, { sigmas, sampler, onStep: onStep && ((s) => onStep({ ...s, batch: b, batches })) }));
      } catch (e) {
        if (!(e instanceof NonFiniteStateError)) throw e;
        throw new NonFiniteSampleError(
          guidance.map((t) => ({ method: t.method, gamma: t.gamma })),
          e,
          b,
          batches,
          seed,
        );
      } finally {
        noise.dispose();
        denoise.dispose();
      }
      await new Promise((r) => setImmediate(r));
    }
    const out = parts.length === 1 ? parts[0] : tf.tidy(() => tf.concat(parts) as tf.Tensor4D);
    ok = true;
    return out;
  } finally {
    if (!ok || parts.length > 1) tf.dispose(parts);
  }
}

/** Throws naming the first term that does not support `sampler` (CFG++ owns the Euler step) and the samplers it does. */
function checkSamplers(terms: GuidanceTerm[], sampler: SamplerName): void {
  const t = terms.find((term) => term.samplers && !term.samplers.includes(sampler));
  if (t?.samplers) {
    const which = `sampler${t.samplers.length > 1 ? 's' : ''} ${t.samplers.join(', ')}`;
    throw new Error(`sample: ${t.method} supports the ${which}; got "${sampler}"`);
  }
}

/** Returns the workers a call uses (1: this thread), after checking `workers`; gives the notice when a call that could split must not. */
function workerCount(opts: SampleOptions, batches: number): number {
  const { workers } = opts;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
    throw new Error(`sample: workers must be an integer ≥ 1 (1 = this thread); got ${workers}`);
  }
  const want = Math.min(workers ?? availableParallelism(), batches);
  if (want <= 1 || !isMainThread) return 1; // one batch, or already inside a worker (a sweep's): never nested pools
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') {
    if (workers !== undefined) notice(opts, `workers: ${workers} ignored on the ${backend} backend, which uses its own threads`);
    return 1;
  }
  const needsMain = opts.processors
    ? 'processors (attention recorders) run'
    : opts.onStep
      ? 'onStep runs'
      : opts.onGuidance
        ? 'onGuidance runs'
        : null;
  if (needsMain) {
    notice(opts, `the ${batches} batches sample in this thread: ${needsMain} on the main thread (workers: 1 silences this)`);
    return 1;
  }
  return want;
}

const noticed = new Set<string>();

/** Passes a notice to opts.warn, or writes it to stderr once per process. */
function notice(opts: SampleOptions, message: string): void {
  if (opts.warn) return opts.warn(`sample: ${message}`);
  if (noticed.has(message)) return;
  noticed.add(message);
  process.stderr.write(`sample: ${message}\n`);
}

/** Samples the batches on worker threads and returns them as one tensor `[n, h, w, c]`, bit-identical to one thread. */
async function sampleOnWorkers(
  call: Extract<ReturnType<typeof portableCall>, { task: unknown }>,
  indices: number[],
  labels: number[],
  batchSize: number,
  workers: number,
  opts: SampleOptions,
): Promise<tf.Tensor4D> {
  const { imageSize, channels } = opts.model.config;
  const batches = Array.from({ length: Math.ceil(indices.length / batchSize) }, (_, b) => ({
    rows: indices.slice(b * batchSize, (b + 1) * batchSize),
    labels: labels.slice(b * batchSize, (b + 1) * batchSize),
  }));
  // A failed batch stops the hand-out; the batches before it were handed out already and finish, so the error
  // reported is that of the first failing batch, as in one thread.
  const failures: { batch: number; error: Error }[] = [];
  let parts: Float32Array[];
  try {
    parts = await sampleBatches(call, batches, tf.getBackend(), workers, (reply, b) => {
      const terms = (opts.guidance ?? []).map((t) => ({ method: t.method, gamma: t.gamma }));
      const state = reply.type === 'nonfinite' && new NonFiniteStateError(reply.step, reply.steps, reply.sigma, reply.sigmaNext);
      const error = state
        ? new NonFiniteSampleError(terms, state, b, batches.length, opts.seed ?? 0)
        : new Error((reply as { message: string }).message);
      failures.push({ batch: b, error });
      throw error;
    });
  } catch (e) {
    throw failures.length ? failures.reduce((a, f) => (f.batch < a.batch ? f : a)).error : e;
  }
  const pixels = imageSize * imageSize * channels;
  const out = new Float32Array(indices.length * pixels);
  parts.forEach((p, b) => out.set(p, b * batchSize * pixels));
  return tf.tensor4d(out, [indices.length, imageSize, imageSize, channels]);
}

function resolveLabels(model: Denoiser, labels: SampleOptions['labels'], n: number): number[] {
  const classes = model.config.classes;
  if (labels === undefined) {
    if (classes > 0)
      throw new Error(`sample: labels are required for a class-conditional model (0…${classes - 1} or NULL_LABEL ${NULL_LABEL})`);
    return new Array<number>(n).fill(NULL_LABEL);
  }
  if (typeof labels === 'number') return new Array<number>(n).fill(labels);
  if (labels.length !== n) throw new Error(`sample: labels has ${labels.length} entries for ${n} samples`);
  return Array.from(labels);
}
