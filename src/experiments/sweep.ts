/**
 * Running a sweep: expand the grid, keep this shard's points, skip those already in the cache,
 * and run the rest in-process or on a worker pool, writing each row as it finishes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { initBackend, type BackendChoice } from '../backend';
import { featureStats } from '../metrics';
import { Progress } from '../train/progress';
import { SweepCache } from './cache';
import { loadModels, type ContextSetup } from './context';
import { FeatureRows, Featurizer, FeaturizerSource, featureRows, loadFeaturizer, rowsDigest, rowsNdarray } from './featurizer';
import { SweepPoint, expandGrid, pointModels } from './grid';
import { pointKey } from './key';
import { pointTerm, runPoint, type SweepRow } from './point';
import { runPool } from './pool';
import { Shard, shardItems } from './shard';
import type { SweepSpec } from './spec';

/** How to run a sweep. */
export interface SweepOptions {
  /** Cache folder (created if missing). */
  out: string;
  featurizer: FeaturizerSource;
  /** Returns the reference images `[n, h, w, c]` the metrics compare against (called once per sweep). */
  referenceImages: () => Promise<tf.Tensor4D> | tf.Tensor4D;
  /** Worker threads (default: one per core); 0 runs in this thread. */
  workers?: number;
  shard?: Shard;
  /** Called after each finished row. */
  onRow?: (row: SweepRow, done: number, total: number) => void;
  /** Show progress on stderr (default true). */
  progress?: boolean;
}

/** What a sweep did: the shard's points, how many were computed now and how many came from the cache. */
export interface SweepResult {
  points: SweepPoint[];
  computed: number;
  cached: number;
  rows: SweepRow[];
  /** Wall time of the whole call. */
  seconds: number;
  /** Wall time of computing the missing points (worker start-up included, model loading in this thread not). */
  computeSeconds: number;
  /** Of computeSeconds, the time until every worker had loaded its backend and models (0 without workers). */
  startupSeconds: number;
}

/** Runs (or resumes) `spec` into `options.out`; returns the shard's rows, all of them finished. */
export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepResult> {
  const start = Date.now();
  const backend = (await initBackend()) as BackendChoice;
  const points = shardItems(expandGrid(spec), options.shard ?? { k: 1, n: 1 });
  const names = [...new Set(points.flatMap(pointModels))];
  const { models, digests: modelDigests } = await loadModels(names);
  const featurizer = await loadFeaturizer(options.featurizer);
  const rows = await referenceRows(featurizer, options.referenceImages);
  const reference = { rows, stats: featureStats(rowsNdarray(rows)) };
  const digests = { models: modelDigests, featurizer: featurizer.digest, reference: rowsDigest(rows) };
  for (const p of points) pointTerm(p, models).check(models[p.model]);
  const cache = SweepCache.open(options.out, digests);

  const todo = points.filter((p) => !cache.has(pointKey(p, digests)));
  const cached = points.length - todo.length;
  const progress = options.progress === false ? null : new Progress('sweep', points.length, cached);
  let done = cached;
  const t0 = Date.now();
  const onRow = (row: SweepRow) => {
    cache.write(row);
    done++;
    progress?.update(done, { 'samples/s': ((done - cached) * spec.n) / Math.max((Date.now() - t0) / 1000, 1e-9) });
    options.onRow?.(row, done, points.length);
  };
  const workers = options.workers ?? availableParallelism();
  const setup: ContextSetup = { backend, models: names, featurizer: options.featurizer, reference, digests, batchSize: spec.batchSize };
  let readyAt = t0;
  if (workers === 0) {
    const ctx = { models, featurizer, reference, digests, batchSize: spec.batchSize };
    for (const p of todo) onRow(await runPoint(p, ctx));
  } else {
    readyAt = await runPool(todo, setup, workers, onRow);
  }
  const computeSeconds = (Date.now() - t0) / 1000;
  const startupSeconds = (readyAt - t0) / 1000;
  progress?.done();
  const byKey = new Map(cache.rows().map((r) => [r.key, r]));
  return { points, computed: todo.length, cached, rows: points.map((p) => byKey.get(pointKey(p, digests)) as SweepRow), seconds: (Date.now() - start) / 1000, computeSeconds, startupSeconds };
}

async function referenceRows(featurizer: Featurizer, images: SweepOptions['referenceImages']): Promise<FeatureRows> {
  const x = await images();
  try {
    return featureRows(featurizer, x);
  } finally {
    x.dispose();
  }
}
