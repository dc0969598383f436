/**
 * Running a sweep: expand the grid, keep this shard's points, skip those already in the cache,
 * and run the rest in-process or on a worker pool, writing each row as it finishes. Each point is
 * claimed before it is computed, so sweeps sharing a cache folder compute every point once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism } from 'node:os';
import { initBackend, shareCoresWithWorkers, type BackendChoice } from '../backend';
import { featureStats } from '../metrics';
import type { MeasureReference } from '../metrics/measure';
import { Progress } from '../runtime/progress';
import { SweepCache } from './cache';
import { claimToken } from './claims';
import { loadModels, type ContextSetup } from './context';
import { Featurizer, FeaturizerSource, featureRows, loadFeaturizer, rowsDigest, rowsNdarray } from '../metrics/featurizer';
import { SweepPoint, expandGrid, pointModels } from './grid';
import { pointKey, type RowDigests, type SpaceDigests } from './key';
import { pointTerm, runPoint, type PointFailure, type PointOutcome, type SweepRow } from './point';
import { runPool } from './pool';
import { ClaimQueue } from './queue';
import { GridShare, gridShareItems } from '../runtime/grid-share';
import { secondSource, type SweepSpec } from './spec';

/** How to run a sweep. */
export interface SweepOptions {
  /** Cache folder (created if missing). */
  out: string;
  /** The featurizer of the metrics (the second space's, the feature autoencoder's, comes from the spec's `autoencoder`). */
  featurizer: FeaturizerSource;
  /** Returns the reference images `[n, h, w, c]` the metrics compare against, in every space (called once per sweep). */
  referenceImages: () => Promise<tf.Tensor4D> | tf.Tensor4D;
  /** Worker threads (default: one per core); 0 runs in this thread. */
  workers?: number;
  shard?: GridShare;
  /** Called after each finished row. */
  onRow?: (row: SweepRow, done: number, total: number) => void;
  /** Receives notices: damaged rows being recomputed, failed points, waits on other sweeps (default: stderr). */
  warn?: (message: string) => void;
  /** Show progress on stderr (default true). */
  progress?: boolean;
}

/** What a sweep did: the shard's points, how many rows were computed now, came from the cache, or failed. */
export interface SweepResult {
  points: SweepPoint[];
  /** Rows this call computed. */
  computed: number;
  /** Rows this call did not compute: finished before it started, or by another sweep on the same folder meanwhile. */
  cached: number;
  /** The finished rows of the shard's points (a failed point has none). */
  rows: SweepRow[];
  /** Points whose samples went non-finite, with the reason; also in `<out>/failed/<key>.json`. */
  failed: PointFailure[];
  /** Wall time of the whole call. */
  seconds: number;
  /** Wall time of computing the missing points (worker start-up included, model loading in this thread not). */
  computeSeconds: number;
  /** Of computeSeconds, the time until every worker had loaded its backend and models (0 without workers). */
  startupSeconds: number;
}

/**
 * Runs (or resumes) `spec` into `options.out`; returns the shard's rows, all finished, and its failed points.
 * Damaged row files are named and their points recomputed; points another live sweep has claimed are
 * waited for, not computed twice.
 */
export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepResult> {
  const start = Date.now();
  const workers = options.workers ?? availableParallelism();
  shareCoresWithWorkers(workers); // before the backend loads: a native backend sizes its thread pool once
  const backend = (await initBackend()) as BackendChoice;
  const warn = options.warn ?? ((m: string) => void process.stderr.write(`${m}\n`));
  const points = gridShareItems(expandGrid(spec), options.shard ?? { k: 1, n: 1 });
  const names = [...new Set(points.flatMap(pointModels))];
  const { models, digests: modelDigests } = await loadModels(names);
  const featurizer = await loadFeaturizer(options.featurizer);
  const aeSource = secondSource(spec);
  const ae = aeSource && (await loadFeaturizer(aeSource));
  const [reference, aeReference] = await references(ae ? [featurizer, ae] : [featurizer], options.referenceImages);
  const second = ae && { featurizer: ae, reference: aeReference };
  const digests: RowDigests = {
    models: modelDigests,
    ...spaceDigests(featurizer, reference),
    ...(second && { second: spaceDigests(second.featurizer, second.reference) }),
  };
  for (const p of points) pointTerm(p, models).check(models[p.model]);
  const cache = SweepCache.open(options.out, digests, claimToken());

  const keys = points.map((p) => pointKey(p, digests));
  const pending = points.flatMap((point, i) => {
    const s = cache.status(keys[i]);
    if (s.state === 'damaged') warn(`sweep: ${s.reason}`);
    return s.state === 'finished' ? [] : [{ point, key: keys[i] }];
  });
  const progress = options.progress === false ? null : new Progress('sweep', points.length, points.length - pending.length);
  let done = points.length - pending.length;
  const t0 = Date.now();
  const queue = new ClaimQueue(
    cache,
    [...pending],
    t0,
    () => {
      done++;
      progress?.update(done, { 'samples/s': (queue.computed * spec.n) / Math.max((Date.now() - t0) / 1000, 1e-9) });
    },
    warn,
  );
  const onOutcome = (o: PointOutcome) => {
    queue.settle(o);
    if (o.type === 'row') options.onRow?.(o.row, done, points.length);
  };
  const setup: ContextSetup = {
    backend,
    models: names,
    featurizer: options.featurizer,
    reference,
    ...(aeSource && { second: { featurizer: aeSource, reference: aeReference } }),
    digests,
    batchSize: spec.batchSize,
  };
  let readyAt = t0;
  try {
    if (workers === 0) {
      const ctx = { models, featurizer, reference, ...(second && { second }), digests, batchSize: spec.batchSize };
      for (let p = await queue.next(); p; p = await queue.next()) onOutcome(await runPoint(p, ctx));
    } else {
      readyAt = await runPool(queue.next, pending.length, setup, workers, onOutcome);
    }
  } finally {
    queue.releaseAll();
  }
  const computeSeconds = (Date.now() - t0) / 1000;
  const startupSeconds = (readyAt - t0) / 1000;
  progress?.done();
  // Only this sweep's own points: a damaged row of another shard sharing the folder is that shard's to recompute.
  const finished = keys.flatMap((k) => {
    const s = cache.status(k);
    return s.state === 'finished' ? [s.row] : [];
  });
  const { computed, failed } = queue;
  const seconds = (Date.now() - start) / 1000;
  return { points, computed, cached: finished.length - computed, rows: finished, failed, seconds, computeSeconds, startupSeconds };
}

/** Returns the reference in each featurizer's space, all of the same images (made once, then disposed). */
async function references(featurizers: Featurizer[], images: SweepOptions['referenceImages']): Promise<MeasureReference[]> {
  const x = await images();
  try {
    return featurizers.map((f) => {
      const rows = featureRows(f, x);
      return { rows, stats: featureStats(rowsNdarray(rows)), space: f.digest };
    });
  } finally {
    x.dispose();
  }
}

/** Returns a feature space's identity: its featurizer's digest and the digest of the reference rows in it. */
function spaceDigests(featurizer: Featurizer, reference: MeasureReference): SpaceDigests {
  return { featurizer: featurizer.digest, reference: rowsDigest(reference.rows) };
}
