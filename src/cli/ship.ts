/**
 * `guidance-lab ship`: turns a finished training run into shipped checkpoints with model cards.
 * The main file is the run's EMA at the export σ_rel; the other EMA lengths and the early
 * snapshots ship beside it. Each card (JSON) records the config, parameter count, training record
 * (images, time, the command that reproduces it), digest, a sample grid (PNG) and, for
 * class-conditional models, how often the feature classifier recognises the requested digit in
 * unguided samples.
 */
import type { Command } from 'commander';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { loadModel } from '../model/io';
import { loadCheckpoint } from '../model/checkpoint';
import { CHECKPOINT_DIR } from '../model/shipped';
import { NULL_LABEL } from '../model/denoiser';
import { sample } from '../guidance/sample';
import { loadClassifier } from '../metrics/classifier';
import { runFiles, snapshotTag } from '../train/trainer';
import { sampleGrid } from '../viz/specs/grid';
import { toPng } from '../viz/render';
import { integer, plainName } from './options';

interface ShipOptions {
  run: string;
  name: string;
  samples: number;
  steps: number;
  seed: number;
  variants: boolean;
  variantSamples: number;
  snapshotsOnly: boolean;
}

/** Registers the `ship` command on `program`. */
export function shipCommand(program: Command): void {
  program
    .command('ship')
    .description('copy a finished run into data/checkpoints with model cards (JSON + sample grid PNG)')
    .requiredOption('--run <dir>', 'the run folder of `guidance-lab train`')
    .requiredOption('--name <name>', 'shipped name, e.g. mnist-unet-main (letters, digits, ".", "_", "-")', shipName)
    .option('--samples <n>', 'samples on the main card (balanced over classes)', integer('--samples', { min: 1 }), 100)
    .option(
      '--variant-samples <n>',
      'samples on the cards of the other EMA lengths and snapshots',
      integer('--variant-samples', { min: 1 }),
      30,
    )
    .option('--steps <n>', 'Heun steps for the card samples', integer('--steps', { min: 1 }), 18)
    .option('--seed <n>', 'noise seed of the card samples', integer('--seed', { min: 0 }), 1)
    .option('--no-variants', 'ship only the main EMA, not the other EMA lengths and snapshots')
    .option('--snapshots-only', "ship only the run's early snapshots (every EMA length of each); the run may be unfinished")
    .action(async (o: ShipOptions) => {
      await initBackend();
      const plan = o.snapshotsOnly
        ? await snapshotPlan(o.run, o.name, await plannedImages(o.run))
        : await shipPlan(o.run, o.name, o.variants);
      for (const [from] of plan) await checkFinite(from);
      mkdirSync(CHECKPOINT_DIR, { recursive: true });
      for (const [from, to] of plan) {
        const dest = join(CHECKPOINT_DIR, `${to}.safetensors`);
        copyFileSync(from, dest);
        const card = await writeCard(dest, to, { ...o, samples: to === o.name ? o.samples : o.variantSamples });
        process.stderr.write(`shipped ${to}: ${JSON.stringify(card.evaluation)}\n`);
      }
    });
}

/**
 * Returns [source file, shipped name] pairs for a run: main EMA, other EMAs, early snapshots. A
 * snapshot is named by the share of the *final* run it had seen (e.g. `T-16`), which differs from
 * the fraction it was written at when a run was resumed with a longer T.
 */
async function shipPlan(run: string, name: string, variants: boolean): Promise<Array<[string, string]>> {
  checkRun(run);
  const main = runFiles.ema(run, 0.1);
  if (!existsSync(main)) {
    throw new Error(`${run} has no ${main}: the run has not finished (rerun its train command to resume it, or ship --snapshots-only)`);
  }
  const plan: Array<[string, string]> = [[main, name]];
  if (!variants) return plan;
  for (const s of EMA_LENGTHS)
    if (s !== 0.1 && existsSync(runFiles.ema(run, s))) plan.push([runFiles.ema(run, s), `${name}-ema${s.toFixed(3)}`]);
  return [...plan, ...(await snapshotPlan(run, name, imagesSeen((await loadCheckpoint(main)).metadata.training)))];
}

const EMA_LENGTHS = [0.05, 0.1, 0.15, 0.2];

/**
 * Returns [source file, shipped name] pairs for a run's early snapshots, each EMA length: `<name>-T-16` (the exported length) and
 * `<name>-T-16-ema0.050`. A snapshot is named by the share of `total` images it had seen, which differs from the fraction it
 * was written at when a run was resumed with a longer T.
 */
async function snapshotPlan(run: string, name: string, total: number): Promise<Array<[string, string]>> {
  checkRun(run);
  const plan: Array<[string, string]> = [];
  for (const f of [1 / 16, 1 / 8, 1 / 3.5]) {
    const file = runFiles.snapshot(run, f);
    if (!existsSync(file)) continue;
    const tag = `${name}-${snapshotTag(Number((imagesSeen((await loadCheckpoint(file)).metadata.training) / total).toPrecision(3)))}`;
    plan.push([file, tag]);
    for (const s of EMA_LENGTHS)
      if (existsSync(runFiles.snapshot(run, f, s))) plan.push([runFiles.snapshot(run, f, s), `${tag}-ema${s.toFixed(3)}`]);
  }
  if (plan.length === 0) throw new Error(`${run} has no snapshots yet (they are written at T/16, T/8 and T/3.5)`);
  return plan;
}

/** Returns the length T in images that a run's saved state plans (finished or not). */
async function plannedImages(run: string): Promise<number> {
  checkRun(run);
  const state = runFiles.state(run);
  if (!existsSync(state)) throw new Error(`${run} has no ${state}; give the --out folder of a \`guidance-lab train\` run`);
  const total = ((await loadCheckpoint(state)).metadata.training as { totalImages?: unknown } | undefined)?.totalImages;
  if (typeof total !== 'number' || !(total > 0))
    throw new Error(`${state} records no planned length (totalImages ${JSON.stringify(total)})`);
  return total;
}

function checkRun(run: string): void {
  if (!existsSync(run)) throw new Error(`--run ${run} does not exist; give the --out folder of a \`guidance-lab train\` run`);
}

/**
 * Returns `raw` when it can be a shipped model's name: a plain file name (no folders, no ".."), not ending in .safetensors (a path
 * to `sample`).
 */
export function shipName(raw: string): string {
  const name = plainName(raw, '--name');
  if (name.endsWith('.safetensors')) {
    throw new Error(`--name must not end in .safetensors (that names a file path, not a shipped model); got "${raw}"`);
  }
  return name;
}

/** Throws naming the first tensor of the checkpoint at `path` that holds a value that is not finite (NaN, ±∞). */
async function checkFinite(path: string): Promise<void> {
  for (const [name, t] of Object.entries((await loadCheckpoint(path)).tensors)) {
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) {
      throw new Error(
        `${path}: weight ${name} holds ${t.data[i]} at index ${i}; a run whose weights are not finite is not shipped (nothing was copied)`,
      );
    }
  }
}

function imagesSeen(training: unknown): number {
  const images = (training as { images?: unknown } | undefined)?.images;
  if (typeof images !== 'number' || !(images > 0))
    throw new Error(`checkpoint training record has no image count (got ${JSON.stringify(images)})`);
  return images;
}

async function writeCard(path: string, name: string, o: ShipOptions): Promise<{ evaluation: Record<string, unknown> }> {
  const { model, digest, training } = await loadModel(path);
  const classes = model.config.classes;
  const labels = Array.from({ length: o.samples }, (_, i) => (classes > 0 ? i % classes : NULL_LABEL));
  const t0 = Date.now();
  const images = await sample({ model, labels, steps: o.steps, sampler: 'heun', seed: o.seed, batchSize: 50 });
  const sampleSeconds = (Date.now() - t0) / 1000;
  const evaluation: Record<string, unknown> = {
    samples: o.samples,
    sampler: 'heun',
    steps: o.steps,
    seed: o.seed,
    guidance: 'none',
    sampleSeconds,
  };
  if (classes > 0) {
    const classifier = await loadClassifier();
    const predicted = tf.tidy(() => classifier.logits(images).argMax(1).dataSync());
    evaluation.classAccuracy = labels.filter((l, i) => predicted[i] === l).length / labels.length;
    evaluation.classifierDigest = classifier.digest;
    classifier.dispose();
  }
  const pixels = images.dataSync();
  images.dispose();
  const shown = Math.min(o.samples, 50);
  const grid = sampleGrid(
    Array.from({ length: shown }, (_, i) => ({
      pixels: Array.from(pixels.subarray(i * 1024, (i + 1) * 1024)),
      height: 32,
      width: 32,
      label: classes > 0 ? String(labels[i]) : undefined,
    })),
    { columns: 10, title: `${name}: unguided samples (Heun, ${o.steps} steps)` },
  );
  writeFileSync(path.replace(/\.safetensors$/, '.png'), (await toPng(grid)).png);
  const card = {
    name,
    file: `${name}.safetensors`,
    digest,
    config: model.config,
    parameters: model.net.params.count(),
    training,
    evaluation,
    sampleGrid: `${name}.png`,
    reproduce: training.command,
  };
  writeFileSync(path.replace(/\.safetensors$/, '.card.json'), JSON.stringify(card, null, 2) + '\n');
  model.net.params.dispose();
  return card;
}
