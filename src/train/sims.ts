/**
 * SIMS (Alemohammad et al. 2024): sample a synthetic set from the base model, fine-tune a copy of
 * the base on it for a budget B of images, and use that self-trained model as the negative
 * (D = D_syn + (1+ω)(D_base − D_syn)). The synthetic set is saved in chunks as it is sampled, so an
 * interrupted run resumes; each budget is a resumable training run of its own.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import type { LoadedModel } from '../model/io';
import { sample } from '../guidance/sample';
import { DEFAULT_TRAIN, TrainOptions, train } from './trainer';
import { Progress } from '../runtime/progress';
import { type GridShare, gridShareItems } from '../runtime/grid-share';

export interface SimsOptions {
  /** Run folder: synthetic chunks and one training run per budget. */
  out: string;
  base: LoadedModel;
  /** Synthetic set size (SIMS: about the real training set's size). */
  synthetic: number;
  /** Fine-tuning budgets in images. */
  budgets: number[];
  /** Sampler steps (Heun) for the synthetic set. */
  steps: number;
  seed: number;
  lr: number;
  batch: number;
  command: string;
}

const CHUNK = 500;

/** Returns the synthetic set's chunks as [start, count] pairs. */
function chunks(synthetic: number): Array<[number, number]> {
  return Array.from(
    { length: Math.ceil(synthetic / CHUNK) },
    (_, i) => [i * CHUNK, Math.min(CHUNK, synthetic - i * CHUNK)] as [number, number],
  );
}

function chunkFile(out: string, start: number): string {
  return join(out, `synthetic-${start}.safetensors`);
}

/** Returns the balanced labels of the synthetic set `[synthetic]` (0 for an unconditional base). */
function syntheticLabels(opts: SimsOptions): Int32Array {
  const classes = opts.base.model.config.classes;
  return Int32Array.from({ length: opts.synthetic }, (_, i) => (classes > 0 ? i % classes : 0));
}

/**
 * Samples the synthetic chunks of `shard` (every chunk by default) that are not yet saved in `out`;
 * several processes with shards 1/n … n/n share the sampling (two cores: two processes).
 */
export async function sampleSyntheticChunks(opts: SimsOptions, shard: GridShare = { k: 1, n: 1 }): Promise<void> {
  const { base, steps, seed, out } = opts;
  mkdirSync(out, { recursive: true });
  const classes = base.model.config.classes;
  const size = base.model.config.imageSize;
  const labels = syntheticLabels(opts);
  const mine = gridShareItems(chunks(opts.synthetic), shard);
  const progress = new Progress(
    `synthetic set${shard.n > 1 ? ` ${shard.k}/${shard.n}` : ''}`,
    mine.reduce((n, [, c]) => n + c, 0),
  );
  let done = 0;
  for (const [start, count] of mine) {
    const file = chunkFile(out, start);
    // An existing chunk is checked against these settings where the set is read (syntheticSet), not loaded twice here.
    if (!existsSync(file)) {
      const indices = Array.from({ length: count }, (_, i) => start + i);
      const x = await sample({
        model: base.model,
        indices,
        labels: classes > 0 ? Array.from(labels.subarray(start, start + count)) : undefined,
        steps,
        sampler: 'heun',
        seed,
        batchSize: 50,
      });
      const data = x.dataSync() as Float32Array;
      x.dispose();
      await saveCheckpoint(
        file,
        { images: { data, shape: [count, size, size, 1] } },
        { config: { kind: 'sims-synthetic', base: base.digest, steps, seed, start, count } },
      );
    }
    done += count;
    progress.update(done);
  }
  progress.done();
}

/**
 * Throws, with the saved and the new values side by side, when the chunk in `file` was sampled with other settings than `opts` asks
 * for.
 */
function checkChunk(file: string, opts: SimsOptions, start: number, count: number, saved: unknown): void {
  const s = (saved ?? {}) as Record<string, unknown>;
  const now: Record<string, unknown> = { base: opts.base.digest, steps: opts.steps, seed: opts.seed, start, count };
  const diff = Object.keys(now)
    .filter((k) => s[k] !== now[k])
    .map((k) => `  ${k}: saved ${JSON.stringify(s[k])}, now ${JSON.stringify(now[k])}`);
  if (diff.length > 0) {
    throw new Error(
      `${file} was sampled with other settings:\n${diff.join('\n')}\n` +
        'rerun with the saved values (--base, --steps, --seed, --synthetic), or use another --out',
    );
  }
}

/** Returns the synthetic set (balanced labels), sampling only the chunks not already saved in `out`. */
export async function syntheticSet(opts: SimsOptions): Promise<Dataset> {
  const { base, synthetic, out } = opts;
  await sampleSyntheticChunks(opts);
  const size = base.model.config.imageSize;
  const images = new Float32Array(synthetic * size * size);
  for (const [start] of chunks(synthetic)) {
    const file = chunkFile(out, start);
    const ck = await loadCheckpoint(file);
    checkChunk(file, opts, start, Math.min(CHUNK, synthetic - start), ck.metadata.config);
    images.set(ck.tensors.images.data, start * size * size);
  }
  return {
    name: `sims-synthetic-${base.digest.slice(0, 12)}`,
    images,
    labels: syntheticLabels(opts),
    count: synthetic,
    height: 32,
    width: 32,
    channels: 1,
    classes: Math.max(base.model.config.classes, 1),
  };
}

/** Runs the whole SIMS loop; returns the run folder of each budget (its final EMA files are the negatives). */
export async function runSims(opts: SimsOptions): Promise<string[]> {
  mkdirSync(opts.out, { recursive: true });
  const ds = await syntheticSet(opts);
  const all = Int32Array.from({ length: ds.count }, (_, i) => i);
  const initFrom = opts.base.model.net.params.snapshot();
  const runs: string[] = [];
  for (const budget of opts.budgets) {
    const dir = join(opts.out, `budget-${budget}`);
    const train_: TrainOptions = {
      ...DEFAULT_TRAIN,
      out: dir,
      config: opts.base.model.config,
      images: budget,
      batch: opts.batch,
      lr: opts.lr,
      warmup: 0,
      seed: opts.seed,
      initFrom,
      command: `${opts.command} (budget ${budget})`,
    };
    await train(ds, all, train_);
    runs.push(dir);
  }
  return runs;
}
