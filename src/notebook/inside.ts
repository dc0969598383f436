/**
 * Look inside one guidance method, cheaply (a handful of images): the samples it gives across γ, and
 * what one evaluation of its term computes at a few noise levels (both branches, the negative's own
 * input, and the direction γ multiplies), attention rows under a query transform, and a denoiser's
 * held-out error per σ. The notebooks 03–09 draw these with the viz builders.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CLASSIFIER_SPLIT } from '../metrics';
import { loadDataset, splitDataset, toTensor } from '../data';
import type { Denoiser } from '../model';
import { captureProcessor, type AttentionLayerInfo } from '../model/attention/processors';
import { sampleNoise } from '../random';
import { sagMask } from '../analysis/sag-mask';
import { evaluateRequests, sample, type EvalRequest, type GuidanceTerm } from '../guidance';
import type { SamplerName } from '../diffusion';
import type { ImageInput } from '../viz';
import { toImages } from './images';

/** Options of sampleAcrossGamma. */
export interface AcrossGammaOptions {
  model: Denoiser;
  /** The method's terms at weight γ (γ = 0 is sampled unguided, whatever `make` returns). */
  make: (gamma: number) => GuidanceTerm[];
  gammas: readonly number[];
  /** One class per column (the same noise at every γ). */
  labels: readonly number[];
  steps: number;
  sampler: SamplerName;
  /** Noise seed (default 0). */
  seed?: number;
}

/**
 * Returns one image per (γ, label), γ by γ in the given order, each with its `gamma` and its class as `label`: the same
 * starting noise per column at every γ, ready for gl.sampleGrid (rows γ) or gl.gammaSliderGrid.
 */
export async function sampleAcrossGamma(opts: AcrossGammaOptions): Promise<ImageInput[]> {
  const { model, make, gammas, labels, steps, sampler, seed = 0 } = opts;
  if (gammas.length === 0 || labels.length === 0) {
    throw new Error(`sampleAcrossGamma: gammas has ${gammas.length} and labels ${labels.length} entries; give at least one of each`);
  }
  const images: ImageInput[] = [];
  for (const gamma of gammas) {
    const x = await sample({ model, labels: [...labels], steps, sampler, seed, guidance: gamma === 0 ? [] : make(gamma) });
    try {
      images.push(...toImages(x, (i) => ({ gamma, label: String(labels[i]) })));
    } finally {
      x.dispose();
    }
  }
  return images;
}

/** One noise level of one guidance evaluation; every tensor is `[n, h, w, c]`. */
export interface GuidanceStep {
  sigma: number;
  /** x = clean + σ·noise. */
  noisy: tf.Tensor4D;
  /** D_pos(x). */
  positive: tf.Tensor4D;
  /** The negative branch's input: x, or SAG's x̂ = x̂₀ + (x − D_pos). */
  negativeInput: tf.Tensor4D;
  /** D_neg at its input. */
  negative: tf.Tensor4D;
  /** What γ multiplies in D_out = D_pos + γ·direction: (D_pos − D_neg) − (x − negativeInput), i.e. D_pos − D_neg except for SAG. */
  direction: tf.Tensor4D;
}

/**
 * Returns what `term` computes at each σ in `sigmas` for `clean` images `[n, h, w, c]` with `labels`, re-noised with
 * noise of `seed` (sample i's noise depends only on (seed, i), the same at every σ), as the guided sampler would
 * (its γ is not used). The caller disposes the tensors (gl.tf.dispose(steps.flatMap(Object.values)) or disposeSteps).
 */
export function guidanceSteps(
  model: Denoiser,
  term: GuidanceTerm,
  clean: tf.Tensor4D,
  labels: readonly number[],
  sigmas: readonly number[],
  seed = 0,
): GuidanceStep[] {
  const [n, h, w, c] = clean.shape;
  if (labels.length !== n) throw new Error(`guidanceSteps: ${labels.length} labels for ${n} images`);
  for (const s of sigmas) if (!(s > 0 && Number.isFinite(s))) throw new Error(`guidanceSteps: σ must be positive and finite; got ${s}`);
  term.check(model);
  const indices = Array.from({ length: n }, (_, i) => i);
  const rows = [...labels];
  const noise = sampleNoise([h, w, c], seed, indices);
  const steps: GuidanceStep[] = [];
  try {
    for (const sigma of sigmas) {
      const x = tf.tidy(() => tf.add(clean, tf.mul(noise, sigma)) as tf.Tensor4D);
      steps.push(oneStep(model, term, x, rows, indices, sigma));
    }
  } catch (e) {
    disposeSteps(steps);
    throw e;
  } finally {
    noise.dispose();
  }
  return steps;
}

/** Returns one GuidanceStep at `x` (which it takes ownership of). */
function oneStep(model: Denoiser, term: GuidanceTerm, x: tf.Tensor4D, labels: number[], indices: number[], sigma: number): GuidanceStep {
  let release = (): void => {};
  try {
    const parts = tf.tidy(() => {
      const plan = term.plan({ model, x, sigma, labels, indices });
      let positive: tf.Tensor4D;
      let request: EvalRequest;
      let negative: tf.Tensor4D;
      if ('negative' in plan) {
        request = plan.negative;
        [positive, negative] = evaluateRequests([{ model, x, labels }, request], sigma);
      } else {
        release = () => plan.deferred.dispose();
        positive = model.denoise(x, sigma, { labels }, { processors: plan.deferred.capture });
        request = plan.deferred.negative({ x, labels, denoised: positive, sigma, indices });
        [negative] = evaluateRequests([request], sigma);
      }
      const negativeInput = request.x === x ? x.clone() : request.x;
      const direction = tf.sub(tf.sub(positive, negative), tf.sub(x, negativeInput)) as tf.Tensor4D;
      return { positive, negativeInput, negative, direction };
    });
    return { sigma, noisy: x, ...parts };
  } catch (e) {
    x.dispose();
    throw e;
  } finally {
    release();
  }
}

/** Frees every tensor of `steps`. */
export function disposeSteps(steps: readonly GuidanceStep[]): void {
  for (const s of steps) tf.dispose([s.noisy, s.positive, s.negativeInput, s.negative, s.direction]);
}

/**
 * A column of stepPanels: its caption and the batch it shows, one of the step's tensors or one computed from them (freed
 * once read); `signed` columns are scaled symmetrically around mid-grey.
 */
export interface StepColumn {
  name: string;
  pick: (step: GuidanceStep) => tf.Tensor4D;
  signed?: boolean;
}

/**
 * Returns images for gl.sampleGrid with `columns: columns.length`: one row per step (σ), one image per column, all of
 * sample `index`, captioned "<name>" ("σ=<σ> · <name>" in the first column, which names the row); a signed column is
 * divided by its largest |value| (caption "±<max>"), so mid-grey is 0, white the largest positive and black the largest
 * negative value.
 */
export function stepPanels(steps: readonly GuidanceStep[], columns: readonly StepColumn[], index = 0): ImageInput[] {
  return steps.flatMap((step) =>
    columns.map((col, c) => {
      const batch = col.pick(step);
      const own = [step.noisy, step.positive, step.negativeInput, step.negative, step.direction].includes(batch);
      const [n, h, w] = batch.shape;
      let pixels: Float32Array;
      try {
        if (!(Number.isInteger(index) && index >= 0 && index < n)) {
          throw new Error(`stepPanels: sample index ${index} is outside the batch of ${n}`);
        }
        pixels = (batch.dataSync() as Float32Array).slice(index * h * w, (index + 1) * h * w);
      } finally {
        if (!own) batch.dispose();
      }
      const label = c === 0 ? `σ=${step.sigma} · ${col.name}` : col.name;
      return col.signed ? signedImage(pixels, h, w, label) : { pixels, height: h, width: w, label };
    }),
  );
}

/**
 * Returns the direction Δ of each method's term for sample `index` of `clean` at each σ (see guidanceSteps), for
 * gl.sampleGrid's layout 'methodByLabel': `method` is the method's key, `label` is "σ=<σ> · ±<max>" where max is the
 * largest |Δ| of any method at that σ, the shared scale every image of that σ is divided by (so sizes compare).
 */
export function directionsByMethod(
  model: Denoiser,
  terms: Readonly<Record<string, GuidanceTerm>>,
  clean: tf.Tensor4D,
  labels: readonly number[],
  sigmas: readonly number[],
  index = 0,
): ImageInput[] {
  const [n, h, w] = clean.shape;
  if (!(Number.isInteger(index) && index >= 0 && index < n)) {
    throw new Error(`directionsByMethod: sample index ${index} is outside the batch of ${n}`);
  }
  const deltas = Object.entries(terms).map(([method, term]) => {
    const steps = guidanceSteps(model, term, clean, labels, sigmas);
    try {
      return { method, pixels: steps.map((s) => (s.direction.dataSync() as Float32Array).slice(index * h * w, (index + 1) * h * w)) };
    } finally {
      disposeSteps(steps);
    }
  });
  const tops = sigmas.map((_, j) => deltas.reduce((m, d) => d.pixels[j].reduce((a, v) => Math.max(a, Math.abs(v)), m), 0));
  return deltas.flatMap((d) =>
    sigmas.map((sigma, j) => ({
      pixels: Float32Array.from(d.pixels[j], (v) => (tops[j] > 0 ? v / tops[j] : 0)),
      height: h,
      width: w,
      method: d.method,
      label: `σ=${sigma} · ±${tops[j].toPrecision(2)}`,
    })),
  );
}

/** Returns `pixels` (h×w, row-major) divided by their largest |value| as an image captioned "<label> ±<max>" (0 stays 0). */
export function signedImage(pixels: Float32Array | readonly number[], height: number, width: number, label: string): ImageInput {
  const top = Array.from(pixels).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scaled = Float32Array.from(pixels, (v) => (top > 0 ? v / top : 0));
  return { pixels: scaled, height, width, label: `${label} ±${top.toPrecision(2)}` };
}

/**
 * Returns the attention probabilities of `layer` in one forward pass at (x, σ, labels), mean over heads, `[n, queries,
 * keys]`; `mapQueries` transforms the queries first (e.g. SEG's blur: (q, info) => gl.blurQueries(q, info, s)).
 */
export function attentionRows(
  model: Denoiser,
  x: tf.Tensor4D,
  sigma: number,
  labels: readonly number[],
  layer: string,
  mapQueries?: (q: tf.Tensor4D, info: AttentionLayerInfo) => tf.Tensor4D,
): tf.Tensor3D {
  let kept: tf.Tensor3D | null = null;
  const capture = captureProcessor((p) => {
    kept = tf.keep(tf.mean(p, 1) as tf.Tensor3D);
  });
  const processor = mapQueries
    ? (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, info: AttentionLayerInfo) => tf.tidy(() => capture(mapQueries(q, info), k, v, info))
    : capture;
  tf.dispose(model.denoise(x, sigma, { labels: [...labels] }, { processors: { [layer]: processor } }));
  if (kept === null) throw new Error(`attentionRows: layer ${layer} did not run`);
  return kept;
}

/**
 * Returns SAG's mask `[n, h, w, 1]` (1 = blurred) at (x, σ, labels): from `layer`'s attention in the positive pass, keys
 * that receive more than average attention (gl.sagMask), resized (nearest) to the image, as the SAG term builds it.
 */
export function attentionMask(model: Denoiser, x: tf.Tensor4D, sigma: number, labels: readonly number[], layer: string): tf.Tensor4D {
  const info = model.attentionLayers.find((l) => l.name === layer);
  if (!info) {
    throw new Error(`attentionMask: unknown attention layer "${layer}"; layers: ${model.attentionLayers.map((l) => l.name).join(', ')}`);
  }
  const rows = attentionRows(model, x, sigma, labels, layer);
  try {
    const [n, h, w] = x.shape;
    return tf.tidy(() => {
      const mask = sagMask(tf.expandDims(rows, 1) as tf.Tensor4D, model.config.imageSize, info.grid);
      return mask.reshape([n, h, w, 1]) as tf.Tensor4D;
    });
  } finally {
    rows.dispose();
  }
}

/**
 * Returns held-out MNIST digits (the feature classifier's held-out split, never trained on) with the given labels, in
 * order: for each label its next unused digit of that class; images `[labels.length, 32, 32, 1]` (the caller disposes).
 */
export async function heldOutDigits(labels: readonly number[]): Promise<tf.Tensor4D> {
  const ds = await loadDataset('mnist');
  const heldOut = splitDataset(ds, CLASSIFIER_SPLIT).heldOut;
  const used = new Map<number, number>();
  const picked = labels.map((label) => {
    if (!(Number.isInteger(label) && label >= 0 && label < ds.classes)) {
      throw new Error(`heldOutDigits: label ${label} is not a class; classes 0…${ds.classes - 1}`);
    }
    const skip = used.get(label) ?? 0;
    used.set(label, skip + 1);
    let seen = 0;
    for (const i of heldOut) if (ds.labels[i] === label && seen++ === skip) return i;
    throw new Error(`heldOutDigits: only ${skip} held-out digits of class ${label}`);
  });
  const batch = toTensor(ds, Int32Array.from(picked));
  batch.labels.dispose();
  return batch.images as tf.Tensor4D;
}
