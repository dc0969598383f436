/**
 * A/B of DiT variants at equal wall time: train one variant for a fixed number of seconds (one wasm
 * thread), then sample 100 digits from its σ_rel 0.10 EMA (labels cycling 0…9, Euler 16 steps, seed 0)
 * and report the feature classifier's class accuracy, the mean of the last five logged losses, images
 * seen and a sample grid (PNG). One process per variant, so a many-core machine runs the whole table at once:
 *   node --import tsx tools/dit-variants.ts <variant> <seconds> <out-dir>
 * Variants: see VARIANTS. Slow (minutes per variant); the runs behind the shipped DiT's choice are in
 * tools/results/2026-11-27-dit-variants.txt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_TRAIN,
  PRESETS,
  classAccuracy,
  initBackend,
  loadClassifier,
  loadDataset,
  sample,
  sampleGrid,
  splitDataset,
  stateDenoiser,
} from '../src';
import { toImages, toPng, train, type DitConfig } from '../src';

/** The plain transformer the variants add to: dit-main without its convolutions, local MLPs and skips. */
const { convChannels: _conv, localMlp: _local, skips: _skips, ...base } = PRESETS['dit-main'] as DitConfig;

/** Each variant: the DiT config, learning rate and batch it trains with. */
const VARIANTS: Record<string, { config: DitConfig; lr: number; batch: number }> = {
  base: { config: base, lr: 1e-3, batch: 32 },
  local: { config: { ...base, localMlp: true }, lr: 1e-3, batch: 32 },
  skips: { config: { ...base, skips: true }, lr: 1e-3, batch: 32 },
  'local-skips': { config: { ...base, localMlp: true, skips: true }, lr: 1e-3, batch: 32 },
  'base-lr2': { config: base, lr: 2e-3, batch: 32 },
  'base-b16': { config: base, lr: 1e-3, batch: 16 },
  'local-skips-b16': { config: { ...base, localMlp: true, skips: true }, lr: 1e-3, batch: 16 },
  'conv16-b16': { config: { ...base, convChannels: 16 }, lr: 1e-3, batch: 16 },
  main: { config: PRESETS['dit-main'] as DitConfig, lr: 1e-3, batch: 16 },
};

async function main(): Promise<void> {
  const [name, secondsArg, outDir] = process.argv.slice(2);
  const variant = VARIANTS[name];
  if (!variant || !(Number(secondsArg) > 0) || !outDir) {
    throw new Error(
      `usage: dit-variants.ts <variant> <seconds> <out-dir>; variants: ${Object.keys(VARIANTS).join(', ')}; got ${JSON.stringify([name, secondsArg, outDir])}`,
    );
  }
  await initBackend('wasm');
  const ds = await loadDataset('mnist');
  const split = splitDataset(ds, { heldOut: 0.1, seed: 0 });
  const run = join(outDir, name);
  const r = await train(ds, split.train, {
    ...DEFAULT_TRAIN,
    out: run,
    config: variant.config,
    images: 10_000_000,
    lr: variant.lr,
    batch: variant.batch,
    snapshots: [],
    saveEverySeconds: 1e9,
    maxSeconds: Number(secondsArg),
    command: `tools/dit-variants.ts ${name}`,
  });
  const { model, images } = await stateDenoiser(run, 0.1);
  const labels = Array.from({ length: 100 }, (_, i) => i % 10);
  const t0 = Date.now();
  const x = await sample({ model, labels, steps: 16, sampler: 'euler', seed: 0, batchSize: 50 });
  const sampleSeconds = (Date.now() - t0) / 1000;
  const classifier = await loadClassifier();
  const accuracy = tf.tidy(() => classAccuracy(classifier.logits(x), labels));
  const shown = toImages(x, (i) => ({ label: String(labels[i]) })).slice(0, 50);
  x.dispose();
  const grid = sampleGrid(shown, { columns: 10, title: `${name}: ${images} images, ${(accuracy * 100).toFixed(0)}%` });
  writeFileSync(join(outDir, `${name}.png`), (await toPng(grid)).png);
  const log = readFileSync(join(run, 'loss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const last = log.slice(-5);
  const row = {
    variant: name,
    lr: variant.lr,
    batch: variant.batch,
    config: variant.config,
    parameters: model.net.params.count(),
    images,
    trainSeconds: Math.round(r.seconds),
    imagesPerSecond: images / r.seconds,
    loss: last.reduce((a, l) => a + l[2], 0) / last.length,
    accuracy,
    sampleSeconds,
  };
  console.log(JSON.stringify(row));
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(row, null, 1));
}

void main();
