/**
 * The measuring set-up shared by the guidance notebooks (03…09): sample `sizes.samples` digits
 * (labels cycle 0…9) per point and compare the feature classifier's view of them with held-out real
 * digits, with the sweeps' own measurement (src/experiments/point.ts).
 *   KID: unbiased kernel distance between feature sets (lower is better), usable with few samples.
 *   precision / recall: how much of the samples lies on the real digits' feature manifold, and how much of that manifold the samples cover.
 *   class accuracy: does the classifier read the digit we asked for (higher is better)?
 *   FID: only when there are enough samples for a stable covariance (sizes.fidMinSamples).
 * Opened for a notebook (`openStudy(sizes, { notebook })`), a study caches every point in the notebook's `points/`
 * folder (src/notebook/point-cache.ts) and records its sweeps' rows for `rankStudy` (src/notebook/ranking.ts).
 * KID and FID are also measured in a second feature space, the feature autoencoder's bottleneck (`kidAe`, `fidAe`), which
 * no classifier trained: where the two spaces disagree, the classifier's view is not the whole story.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLASSIFIER_SPLIT, balancedFloor, featureStats, loadClassifier, type Classifier, type Floor, type TaggedRows } from '../metrics';
import { loadDataset, splitDataset, spreadSubset, toTensor } from '../data';
import { NULL_LABEL, type Denoiser } from '../model';
import { sample, type GuidanceTerm } from '../guidance';
import { featureRows, rowsDigest, rowsNdarray, type FeatureRows } from '../metrics/featurizer';
import { type MeasureReference, type MeasureSpace, type MetricName, measureSamples } from '../metrics/measure';
import { autoencoderFeatures, loadAutoencoder } from '../metrics/autoencoder';
import { pointSamples, type PointSamples } from '../experiments/samples';
import type { MetricRow } from '../viz';
import { figureDir } from './figure-dir';
import { PointCache, modelDigest, termKeys, type CachedPoint, type PointDescription, type StoredMetrics } from './point-cache';
import type { CommonSizes, NotebookSizes, SizeName } from './sizes';

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
  /** The point's cache key (when the study caches points): what bootstrap results computed from it are keyed by. */
  key?: string;
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
  /**
   * The notebook's figure folder name (e.g. "03-sag"): its points are cached in `figureDir(notebook)/points`
   * (committed `figures/<notebook>/points/` at full size, `.smoke/…` otherwise), so a rerun resumes.
   */
  notebook?: string;
  /** A points folder instead of the notebook's (tests). */
  points?: string;
  /**
   * Other points folders to copy a missing point from (same key, same point) instead of computing it; default for a
   * notebook: every other notebook's `points/` beside its own (09's CFG and SAG points are 07's and 03's).
   */
  shared?: string[];
  /** Also measure KID / FID in the shipped feature autoencoder's space (default true). */
  secondSpace?: boolean;
}

/** The second feature space of a study (the feature autoencoder's) and how to free it. */
export interface SecondSpace extends MeasureSpace {
  dispose(): void;
}

/** A row a study's sweep measured, with what groups it for ranking: its model, conditioning and the methods of its terms. */
export interface StudyPoint {
  row: Row;
  /** The positive model's content digest and architecture. */
  model: string;
  arch: string;
  conditional: boolean;
  /** The guidance terms' methods (empty: unguided). */
  methods: string[];
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

/** Real digits outside the reference with their classes, for the estimator's floor at the studies' design. */
export interface FloorPool {
  /** Classifier features of the digits. */
  pool: TaggedRows;
  labels: number[];
}

/** Seeded draws behind each floor value. */
const FLOOR_REPEATS = 20;

/** The classifier, the real reference and the sizes every point of a notebook is measured with (see the module comment). */
export class Study {
  /** Every row measured by `sweep` and `unguidedRows`, in order (γ = 0 copies left out), for `rankStudy`. */
  readonly points: StudyPoint[] = [];
  private readonly referenceDigest: string;
  private readonly floors = new Map<string, Floor>();

  constructor(
    readonly sizes: CommonSizes,
    /** The feature classifier (features, logits, attention). */
    readonly classifier: Classifier,
    /** Classifier features `[sizes.realSamples, F]` of held-out real digits and their statistics: the metrics' reference. */
    readonly reference: MeasureReference,
    private readonly log: (line: string) => void = console.log,
    /** Where measured points are kept and looked up (none: every point is computed). */
    readonly cache?: PointCache,
    /** The second feature space (the feature autoencoder's) KID and FID are also measured in; none when absent. */
    readonly second?: SecondSpace,
    /** Real digits for `floor`; none: `floor` throws. */
    private readonly floorPool?: FloorPool,
  ) {
    this.referenceDigest = rowsDigest(reference.rows);
  }

  /**
   * Returns KID or FID (raw) of `sizes.samples` real digits against the reference in the classifier's space, drawn as every
   * point draws its labels (cycling 0…9), over 20 seeded draws: what a generator indistinguishable from the data would read
   * per point, drawn as the floor on the KID/FID charts (below 0 for KID: the class-balance bias, figures/README.md).
   */
  floor(metric: 'KID' | 'FID'): Floor {
    if (!this.floorPool) throw new Error('Study.floor: this study was opened without real digits for the floor (openStudy has them)');
    const known = this.floors.get(metric);
    if (known) return known;
    const { pool, labels } = this.floorPool;
    const f = balancedFloor(pool, labels, { rows: this.reference.rows, space: this.classifier.digest }, metric, this.sizes.samples, {
      repeats: FLOOR_REPEATS,
    });
    const scale = metric === 'KID' ? 1e3 : 1;
    this.log(
      `floor: ${metric}${metric === 'KID' ? ' ×10³' : ''} of ${f.n} real digits (labels cycling 0…9) vs the ${f.m}-digit reference: ${(f.mean * scale).toFixed(2)} (${(f.min * scale).toFixed(2)} … ${(f.max * scale).toFixed(2)} over ${f.values.length} draws)`,
    );
    this.floors.set(metric, f);
    return f;
  }

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
   * `guidance` at `seed`; from the cache when the study has one and holds the point (throws for a term the cache cannot key).
   */
  async measure(model: Denoiser, guidance: GuidanceTerm[], seed: number, options: MeasureOptions = {}): Promise<Measured> {
    const point = await this.measurePoint(model, guidance, seed, options);
    const m = point.metrics;
    const measured: Measured = { kid: m.kid, precision: m.precision, recall: m.recall, accuracy: m.accuracy ?? NaN };
    if (m.fid !== undefined) measured.fid = m.fid;
    if (m.kidAe !== undefined) measured.kidAe = m.kidAe;
    if (m.fidAe !== undefined) measured.fidAe = m.fidAe;
    if (options.keepSamples) measured.samples = point.samples;
    if (point.key !== undefined) measured.key = point.key;
    return measured;
  }

  /**
   * Returns rows of `make(γ)` for every γ and seed (each logged, kept with its samples and recorded for ranking); γ = 0
   * reuses the `unguided` rows under `method`.
   */
  async sweep(
    method: string,
    model: Denoiser,
    gammas: readonly number[],
    make: (gamma: number) => GuidanceTerm[],
    unguided: readonly Row[],
  ): Promise<Row[]> {
    const before = this.cache?.counts.hits ?? 0;
    const rows: Row[] = [];
    for (const gamma of gammas) {
      if (gamma === 0) {
        rows.push(...unguided.map((r) => ({ ...r, method })));
        continue;
      }
      for (const seed of this.sizes.seeds) {
        const terms = make(gamma);
        const m = await this.measure(model, terms, seed, { keepSamples: true });
        const row: Row = { method, gamma, seed, ...m };
        rows.push(row);
        this.record(row, model, terms);
        this.log(`${method} γ=${gamma} seed ${seed}: ${describe(m)}`);
      }
    }
    this.logCache(method, before, rows.filter((r) => r.gamma !== 0).length);
    return rows;
  }

  /** Returns the unguided rows (method 'unguided', γ = 0) of `model`, one per seed (with samples), and logs the first. */
  async unguidedRows(model: Denoiser): Promise<Row[]> {
    const before = this.cache?.counts.hits ?? 0;
    const rows: Row[] = [];
    for (const seed of this.sizes.seeds) {
      const row: Row = { method: 'unguided', gamma: 0, seed, ...(await this.measure(model, [], seed, { keepSamples: true })) };
      rows.push(row);
      this.record(row, model, []);
    }
    this.log(`unguided seed ${rows[0].seed}: ${describe(rows[0])}`);
    this.logCache('unguided', before, rows.length);
    return rows;
  }

  /** Frees the classifier and the second space's autoencoder (and logs the cache's counts). */
  dispose(): void {
    if (this.cache) {
      const c = this.cache.counts;
      this.log(
        `points in ${this.cache.dir}: ${c.hits} read (${c.copied} copied from other notebooks), ${c.computed} computed, ${c.damaged} damaged (recomputed)`,
      );
    }
    this.classifier.dispose();
    this.second?.dispose();
  }

  private async measurePoint(
    model: Denoiser,
    guidance: GuidanceTerm[],
    seed: number,
    options: MeasureOptions,
  ): Promise<Pick<CachedPoint, 'metrics' | 'samples'> & { key?: string }> {
    const { sizes } = this;
    const conditional = model.config.classes > 0 && !options.unconditional;
    const labels = conditional ? this.evalLabels : this.evalLabels.map(() => NULL_LABEL);
    const metrics: MetricName[] = [
      'kid',
      'precisionRecall',
      ...(conditional ? (['classAccuracy'] as const) : []),
      ...(this.fidOn ? (['fid'] as const) : []),
    ];
    const compute = async (): Promise<Omit<CachedPoint, 'key' | 'point'>> => {
      const t0 = Date.now();
      const { steps, sampler, batchSize } = sizes;
      const images = await sample({ model, guidance, labels, seed, steps, sampler, batchSize });
      try {
        const m = measureSamples(images, labels, metrics, this.classifier, this.reference, `${model.config.arch} model`, this.second);
        const stored: StoredMetrics = {
          kid: m.kid as number,
          precision: m.precision as number,
          recall: m.recall as number,
          accuracy: m.classAccuracy ?? null,
        };
        if (m.fid !== undefined) stored.fid = m.fid;
        if (m.kidAe !== undefined) stored.kidAe = m.kidAe;
        if (m.fidAe !== undefined) stored.fidAe = m.fidAe;
        const indices = labels.map((_, i) => i);
        const samples = pointSamples(images, conditional ? labels : undefined, this.classifier, seed, indices, this.second?.featurizer);
        const provenance = { backend: tf.getBackend(), batchSize, seconds: (Date.now() - t0) / 1000, finishedAt: new Date().toISOString() };
        return { metrics: stored, samples, provenance };
      } finally {
        images.dispose();
      }
    };
    if (!this.cache) return compute();
    const description: PointDescription = {
      version: 1,
      model: modelDigest(model),
      arch: model.config.arch,
      terms: termKeys(guidance),
      seed,
      labels,
      steps: sizes.steps,
      sampler: sizes.sampler,
      samples: labels.length,
      conditional,
      metrics,
      featurizer: this.classifier.digest,
      reference: this.referenceDigest,
      second: this.second ? { featurizer: this.second.featurizer.digest, reference: rowsDigest(this.second.reference.rows) } : null,
    };
    return this.cache.point(description, compute);
  }

  private record(row: Row, model: Denoiser, terms: GuidanceTerm[]): void {
    const conditional = model.config.classes > 0; // sweeps never ask for unconditional samples
    this.points.push({ row, model: modelDigest(model), arch: model.config.arch, conditional, methods: terms.map((t) => t.method) });
  }

  private logCache(what: string, hitsBefore: number, points: number): void {
    if (this.cache) this.log(`${what}: ${this.cache.counts.hits - hitsBefore} of ${points} points from ${this.cache.dir}`);
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
  const split = splitDataset(mnist, CLASSIFIER_SPLIT);
  // The held-out digits are all the reference: the floor draws from the classifier's training split (figures/README.md, the floor).
  const floorBatch = toTensor(mnist, spreadSubset(split.train, FLOOR_POOL, 1));
  let floorPool: FloorPool;
  try {
    floorPool = {
      pool: { rows: featureRows(classifier, floorBatch.images), space: classifier.digest },
      labels: Array.from(floorBatch.labels.dataSync()),
    };
  } finally {
    tf.dispose([floorBatch.images, floorBatch.labels]);
  }
  const realBatch = toTensor(mnist, spreadSubset(split.heldOut, sizes.realSamples));
  let rows: FeatureRows;
  let second: SecondSpace | undefined;
  try {
    rows = featureRows(classifier, realBatch.images);
    second = options.secondSpace === false ? undefined : await secondSpace(realBatch.images);
  } finally {
    tf.dispose([realBatch.images, realBatch.labels]);
  }
  const dir = options.points ?? (options.notebook === undefined ? undefined : `${figureDir(options.notebook, sizeOf(sizes))}/points`);
  const shared = options.shared ?? (options.notebook === undefined || dir === undefined ? [] : otherPointFolders(dir));
  const cache = dir === undefined ? undefined : new PointCache(dir, log, shared);
  const reference = { rows, stats: featureStats(rowsNdarray(rows)), space: classifier.digest };
  const study = new Study(sizes, classifier, reference, log, cache, second, floorPool);
  log(
    `measuring ${sizes.samples} samples per point, ${sizes.steps} ${sizes.sampler} steps, seeds [${sizes.seeds}], against ${rows.n} held-out digits in the classifier's space${second ? " and the feature autoencoder's" : ''}; FID ${study.fidOn ? 'on' : `off (needs ≥ ${sizes.fidMinSamples} samples)`}` +
      (cache ? `; points cached in ${cache.dir}` : ''),
  );
  return study;
}

/** Returns the `points/` folders of the other notebooks beside the one `dir` (`<figures>/<notebook>/points`) belongs to. */
function otherPointFolders(dir: string): string[] {
  const notebook = dirname(dir);
  const root = dirname(notebook);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && join(root, e.name) !== notebook)
    .map((e) => join(root, e.name, 'points'))
    .filter((d) => existsSync(d))
    .sort();
}

/** Training-split digits featurized for the floor (≈ 100 per class: enough for balanced draws of up to ≈ 900). */
const FLOOR_POOL = 1000;

/** Returns the size preset `sizes` came from (its `size` field; smoke when absent). */
function sizeOf(sizes: CommonSizes): SizeName {
  const size = (sizes as Partial<NotebookSizes>).size;
  return size === 'full' ? 'full' : 'smoke';
}

/** Returns the shipped feature autoencoder's space with the features of `real` `[n, 32, 32, 1]` as its reference. */
async function secondSpace(real: tf.Tensor4D): Promise<SecondSpace> {
  const loaded = await loadAutoencoder();
  const featurizer = autoencoderFeatures(loaded.ae, loaded.digest);
  const rows = featureRows(featurizer, real);
  return { featurizer, reference: { rows, stats: featureStats(rowsNdarray(rows)), space: loaded.digest }, dispose: loaded.dispose };
}
