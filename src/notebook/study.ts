/**
 * The measuring set-up shared by the guidance notebooks (03…09): sample `sizes.samples` digits
 * (labels cycle 0…9) per point and compare the feature classifier's view of them with held-out real
 * digits, with the sweeps' own measurement (src/experiments/point.ts).
 *   KID: unbiased kernel distance between feature sets (lower is better), usable with few samples.
 *   precision / recall: how much of the samples lies on the real digits' feature manifold, and how much of that manifold the samples cover.
 *   class accuracy: does the classifier read the digit we asked for (higher is better)?
 *   FID: only when there are enough samples for a stable covariance (sizes.fidMinSamples).
 * KID and FID are also measured in a second feature space, the feature autoencoder's bottleneck (`kidAe`, `fidAe`), which
 * no classifier trained: where the two spaces disagree, the classifier's view is not the whole story.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CLASSIFIER_SPLIT, featureStats, loadClassifier, type Classifier } from '../metrics';
import { loadDataset, splitDataset, spreadSubset, toTensor } from '../data';
import { NULL_LABEL, type Denoiser } from '../model';
import { sample, type GuidanceTerm } from '../guidance';
import { type FeatureRows, featureRows, rowsNdarray } from '../metrics/featurizer';
import { type MeasureReference, type MeasureSpace, type MetricName, measureSamples } from '../metrics/measure';
import { autoencoderFeatures, loadAutoencoder } from '../metrics/autoencoder';
import { pointSamples, type PointSamples } from '../experiments/samples';
import type { MetricRow } from '../viz';
import type { CommonSizes } from './sizes';

/**
 * One measured point: KID (raw, not ×10³), precision and recall in [0, 1], class accuracy in [0, 1] (NaN when unconditional), FID when
 * enabled.
 */
export interface Measured {
  kid: number;
  precision: number;
  recall: number;
  accuracy: number;
  fid?: number;
  /** KID and FID (when enabled) in the feature autoencoder's space, when the study measures there. */
  kidAe?: number;
  fidAe?: number;
  /** Per-sample features and correctness (when asked with `keepSamples`), for bootstrap intervals and paired differences. */
  samples?: PointSamples;
}

/** A measured row: one per (method, γ, seed), for curves and tables. */
export interface Row extends Measured {
  method: string;
  gamma: number;
  seed: number;
}

/** Options of `Study.measure`. */
export interface MeasureOptions {
  /**
   * Sample with the null label even if the model is class-conditional (a stand-in for an
   * unconditional model); accuracy is then NaN. Models with 0 classes are always measured so.
   */
  unconditional?: boolean;
  /** Also return the per-sample record (features in float16, correctness; ≈ 87 kB per 256 samples). */
  keepSamples?: boolean;
}

/** Options of `openStudy`. */
export interface OpenStudyOptions {
  /** Where the set-up line goes (default console.log). */
  log?: (line: string) => void;
  /** Also measure KID / FID in the shipped feature autoencoder's space (default true). */
  secondSpace?: boolean;
}

/** The second feature space of a study (the feature autoencoder's) and how to free it. */
export interface SecondSpace extends MeasureSpace {
  dispose(): void;
}

/** Returns gl.metricCurves rows of `metric` × `scale` for the rows where it is finite; one per row. */
export function curveRows(
  rows: readonly Row[],
  metric: 'kid' | 'fid' | 'kidAe' | 'fidAe' | 'precision' | 'recall' | 'accuracy',
  scale = 1,
): MetricRow[] {
  return rows
    .filter((r) => Number.isFinite(r[metric]))
    .map((r) => ({ method: r.method, gamma: r.gamma, seed: r.seed, value: (r[metric] as number) * scale }));
}

/** Returns the rows as gl.metricCurves rows of KID ×10³ (for readable axes); one per row. */
export function kidRows(rows: readonly Row[]): MetricRow[] {
  return curveRows(rows, 'kid', 1e3);
}

/** Returns the rows with a finite accuracy as gl.metricCurves rows of class accuracy in %. */
export function accRows(rows: readonly Row[]): MetricRow[] {
  return curveRows(rows, 'accuracy', 100);
}

/** Returns the arithmetic mean of `xs` (NaN when empty). */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The classifier, the real reference and the sizes every point of a notebook is measured with (see the module comment). */
export class Study {
  constructor(
    readonly sizes: CommonSizes,
    /** The feature classifier (features, logits, attention). */
    readonly classifier: Classifier,
    /** Classifier features `[sizes.realSamples, F]` of held-out real digits and their statistics: the metrics' reference. */
    readonly reference: MeasureReference,
    private readonly log: (line: string) => void = console.log,
    /** The second feature space (the feature autoencoder's) KID and FID are also measured in; none when absent. */
    readonly second?: SecondSpace,
  ) {}

  /** Returns the labels every point samples: `sizes.samples` entries cycling 0…9. */
  get evalLabels(): number[] {
    return Array.from({ length: this.sizes.samples }, (_, i) => i % 10);
  }

  /** Whether points get an FID (sizes.samples ≥ sizes.fidMinSamples). */
  get fidOn(): boolean {
    return this.sizes.samples >= this.sizes.fidMinSamples;
  }

  /**
   * Returns KID, precision/recall, class accuracy (NaN when unconditional) and FID (when enabled) of `sizes.samples` samples with
   * `guidance` at `seed`.
   */
  async measure(model: Denoiser, guidance: GuidanceTerm[], seed: number, options: MeasureOptions = {}): Promise<Measured> {
    const { sizes } = this;
    const conditional = model.config.classes > 0 && !options.unconditional;
    const labels = conditional ? this.evalLabels : this.evalLabels.map(() => NULL_LABEL);
    const metrics: MetricName[] = [
      'kid',
      'precisionRecall',
      ...(conditional ? (['classAccuracy'] as const) : []),
      ...(this.fidOn ? (['fid'] as const) : []),
    ];
    const images = await sample({ model, guidance, labels, seed, steps: sizes.steps, sampler: sizes.sampler, batchSize: sizes.batchSize });
    try {
      const m = measureSamples(images, labels, metrics, this.classifier, this.reference, `${model.config.arch} model`, this.second);
      const measured: Measured = {
        kid: m.kid as number,
        precision: m.precision as number,
        recall: m.recall as number,
        accuracy: m.classAccuracy ?? NaN,
      };
      if (m.fid !== undefined) measured.fid = m.fid;
      if (m.kidAe !== undefined) measured.kidAe = m.kidAe;
      if (m.fidAe !== undefined) measured.fidAe = m.fidAe;
      if (options.keepSamples) {
        measured.samples = pointSamples(
          images,
          conditional ? labels : undefined,
          this.classifier,
          seed,
          labels.map((_, i) => i),
          this.second?.featurizer,
        );
      }
      return measured;
    } finally {
      images.dispose();
    }
  }

  /** Returns rows of `make(γ)` for every γ and seed (logging each); γ = 0 reuses the `unguided` rows under `method`. */
  async sweep(
    method: string,
    model: Denoiser,
    gammas: readonly number[],
    make: (gamma: number) => GuidanceTerm[],
    unguided: readonly Row[],
  ): Promise<Row[]> {
    const rows: Row[] = [];
    for (const gamma of gammas) {
      if (gamma === 0) {
        rows.push(...unguided.map((r) => ({ ...r, method })));
        continue;
      }
      for (const seed of this.sizes.seeds) {
        const m = await this.measure(model, make(gamma), seed);
        rows.push({ method, gamma, seed, ...m });
        this.log(`${method} γ=${gamma} seed ${seed}: ${describe(m)}`);
      }
    }
    return rows;
  }

  /** Returns the unguided rows (method 'unguided', γ = 0) of `model`, one per seed, and logs the first. */
  async unguidedRows(model: Denoiser): Promise<Row[]> {
    const rows: Row[] = [];
    for (const seed of this.sizes.seeds) rows.push({ method: 'unguided', gamma: 0, seed, ...(await this.measure(model, [], seed)) });
    this.log(`unguided seed ${rows[0].seed}: ${describe(rows[0])}`);
    return rows;
  }

  /** Frees the classifier and the second space's autoencoder. */
  dispose(): void {
    this.classifier.dispose();
    this.second?.dispose();
  }
}

/** Returns a one-line summary of a measured point. */
function describe(m: Measured): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return `KID ${(m.kid * 1e3).toFixed(2)}e-3, precision ${pct(m.precision)}, recall ${pct(m.recall)}, accuracy ${pct(m.accuracy)}${m.fid === undefined ? '' : `, FID ${m.fid.toFixed(2)}`}${m.kidAe === undefined ? '' : `; AE space: KID ${(m.kidAe * 1e3).toFixed(2)}e-3`}${m.fidAe === undefined ? '' : `, FID ${m.fidAe.toFixed(2)}`}`;
}

/**
 * Returns a Study: the shipped classifier and the features (with statistics) of the first
 * `sizes.realSamples` held-out MNIST digits; logs the set-up.
 */
export async function openStudy(sizes: CommonSizes, options: OpenStudyOptions = {}): Promise<Study> {
  const log = options.log ?? console.log;
  const classifier = await loadClassifier();
  const mnist = await loadDataset('mnist');
  const heldOut = splitDataset(mnist, CLASSIFIER_SPLIT).heldOut;
  const realBatch = toTensor(mnist, spreadSubset(heldOut, sizes.realSamples));
  let rows: FeatureRows;
  let second: SecondSpace | undefined;
  try {
    rows = featureRows(classifier, realBatch.images);
    second = options.secondSpace === false ? undefined : await secondSpace(realBatch.images);
  } finally {
    tf.dispose([realBatch.images, realBatch.labels]);
  }
  const study = new Study(sizes, classifier, { rows, stats: featureStats(rowsNdarray(rows)), space: classifier.digest }, log, second);
  log(
    `measuring ${sizes.samples} samples per point, ${sizes.steps} ${sizes.sampler} steps, seeds [${sizes.seeds}], against ${rows.n} held-out digits in the classifier's space${second ? " and the feature autoencoder's" : ''}; FID ${study.fidOn ? 'on' : `off (needs ≥ ${sizes.fidMinSamples} samples)`}`,
  );
  return study;
}

/** Returns the shipped feature autoencoder's space with the features of `real` `[n, 32, 32, 1]` as its reference. */
async function secondSpace(real: tf.Tensor4D): Promise<SecondSpace> {
  const loaded = await loadAutoencoder();
  const featurizer = autoencoderFeatures(loaded.ae, loaded.digest);
  const rows = featureRows(featurizer, real);
  return { featurizer, reference: { rows, stats: featureStats(rowsNdarray(rows)), space: loaded.digest }, dispose: loaded.dispose };
}
