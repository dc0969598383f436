/**
 * The settings of a training run that decide its result, saved with its state so that a resumed
 * run can refuse to continue with other ones (another batch, learning rate, seed, data set...).
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '../data';
import type { LossOptions } from './loss';

/** What a run's result depends on besides its length and model config (which the state records apart). */
export interface RunSettings {
  batch: number;
  lr: number;
  warmup: number;
  seed: number;
  loss: LossOptions;
  sigmaRels: number[];
  exportSigmaRel: number;
  /** The data set's name and image count, and a digest of the training indices into it. */
  data: { name: string; count: number; train: number; digest: string };
  /** Digest of the initial weights a run was started from (SIMS fine-tuning), or null for a fresh initialisation. */
  init: string | null;
  /** Threads sharing each batch: changes only the order the shard gradients are summed in (last bits), so it may change on resume. */
  workers: number;
}

/** Returns the settings of a run of `opts` on `ds` restricted to `trainIdx`. */
export function runSettings(
  ds: Dataset,
  trainIdx: Int32Array,
  opts: Omit<RunSettings, 'data' | 'init'> & { initFrom?: Record<string, { data: Float32Array }> },
): RunSettings {
  const init = opts.initFrom
    ? digestOf(
        Object.keys(opts.initFrom)
          .sort()
          .map((k) => opts.initFrom![k].data),
      )
    : null;
  return {
    batch: opts.batch,
    lr: opts.lr,
    warmup: opts.warmup,
    seed: opts.seed,
    loss: { ...opts.loss },
    sigmaRels: [...opts.sigmaRels],
    exportSigmaRel: opts.exportSigmaRel,
    data: { name: ds.name, count: ds.count, train: trainIdx.length, digest: digestOf([trainIdx]) },
    init,
    workers: opts.workers,
  };
}

/** Returns one line `name: saved X, now Y` per setting (workers aside) that differs between `saved` and `now`; empty when none does. */
export function settingsConflicts(saved: RunSettings, now: RunSettings): string[] {
  const lines: string[] = [];
  const compare = (name: string, a: unknown, b: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`  ${name}: saved ${JSON.stringify(a)}, now ${JSON.stringify(b)}`);
  };
  compare('batch', saved.batch, now.batch);
  compare('lr', saved.lr, now.lr);
  compare('warmup', saved.warmup, now.warmup);
  compare('seed', saved.seed, now.seed);
  for (const k of Object.keys(now.loss) as Array<keyof LossOptions>) compare(`loss.${k}`, saved.loss?.[k], now.loss[k]);
  compare('sigmaRels', saved.sigmaRels, now.sigmaRels);
  compare('exportSigmaRel', saved.exportSigmaRel, now.exportSigmaRel);
  if (saved.data?.name !== now.data.name || saved.data?.count !== now.data.count) {
    compare('dataset', `${saved.data?.name} (${saved.data?.count} images)`, `${now.data.name} (${now.data.count} images)`);
  } else if (saved.data.digest !== now.data.digest) {
    compare(
      'training split',
      `${saved.data.train} images, digest ${saved.data.digest.slice(0, 12)}`,
      `${now.data.train} images, digest ${now.data.digest.slice(0, 12)}`,
    );
  }
  compare('initial weights', saved.init, now.init);
  return lines;
}

function digestOf(arrays: ArrayBufferView[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}
