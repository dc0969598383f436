/**
 * `guidance-lab train-ae` and `guidance-lab ship-ae`: train (or resume) the feature autoencoder on the
 * classifier's train split, and ship a finished run as float16 safetensors with a card (digest, data, loss
 * curve, reconstruction error per class on held-out and train digits), a PNG of reconstructions, a PNG of the
 * loss curve, and the held-out digits' reference statistics in its space.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { loadDataset, splitDataset, spreadSubset, toTensor, type Dataset } from '../data';
import { Autoencoder, DEFAULT_AUTOENCODER_CONFIG, type AutoencoderConfig } from '../model/autoencoder';
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint';
import { CLASSIFIER_SPLIT, referenceStats } from '../metrics/classifier';
import { DEFAULT_AUTOENCODER_PATH, autoencoderFeatures, loadAutoencoder, reconstructionErrors } from '../metrics/autoencoder';
import { DEFAULT_AUTOENCODER_TRAIN, autoencoderRunFiles, trainAutoencoder } from '../train/autoencoder';
import { duration } from '../runtime/progress';
import { metricCurves } from '../viz/specs/curves';
import { sampleGrid } from '../viz/specs/grid';
import { toPng } from '../viz/render';
import { checkWritable, checkWritableDir } from './files';
import { integer, number } from './options';

/** Train-split digits the card's train reconstruction error is measured on (a seeded spread subset). */
const TRAIN_SAMPLE = 5000;

/** Registers `train-ae` and `ship-ae` on `program`. */
export function autoencoderCommands(program: Command): void {
  const d = DEFAULT_AUTOENCODER_TRAIN;
  program
    .command('train-ae')
    .description("train the feature autoencoder (no labels, MSE) on the classifier's train split; rerunning the same command resumes")
    .requiredOption('--out <dir>', 'run folder (state, loss log, final weights)')
    .requiredOption('--images <n>', 'training length in images', integer('--images', { min: 1 }))
    .option('--dataset <name>', 'mnist, fashion-mnist or an idx folder', 'mnist')
    .option('--batch <n>', 'batch size', integer('--batch', { min: 1 }), d.batch)
    .option('--lr <x>', 'peak Adam learning rate (cosine decay to 10%)', number('--lr', { above: 0 }), d.lr)
    .option('--seed <n>', 'seed of initialisation and batch order', integer('--seed', { min: 0 }), d.seed)
    .option('--save-every <s>', 'seconds between state saves', number('--save-every', { above: 0 }), d.saveEverySeconds)
    .option(
      '--max-minutes <m>',
      'stop after this many minutes with the state saved (rerun to continue)',
      number('--max-minutes', { above: 0 }),
    )
    .action(
      async (o: {
        out: string;
        images: number;
        dataset: string;
        batch: number;
        lr: number;
        seed: number;
        saveEvery: number;
        maxMinutes?: number;
      }) => {
        checkWritableDir(o.out, '--out');
        await initBackend();
        const ds = await loadDataset(o.dataset);
        const config: AutoencoderConfig = { ...DEFAULT_AUTOENCODER_CONFIG, imageSize: ds.height, channels: ds.channels };
        const command = `guidance-lab train-ae --out ${o.out} --images ${o.images} --dataset ${o.dataset} --batch ${o.batch} --lr ${o.lr} --seed ${o.seed}`;
        const r = await trainAutoencoder(ds, splitDataset(ds, CLASSIFIER_SPLIT).train, {
          ...d,
          out: o.out,
          config,
          images: o.images,
          batch: o.batch,
          lr: o.lr,
          seed: o.seed,
          saveEverySeconds: o.saveEvery,
          maxSeconds: o.maxMinutes === undefined ? undefined : o.maxMinutes * 60,
          command,
        });
        process.stderr.write(
          `trained ${r.steps} steps; ${duration(r.seconds)} of training in total${r.finished ? '' : ' (stopped by --max-minutes; rerun to continue)'}\n`,
        );
      },
    );
  program
    .command('ship-ae')
    .description('ship a finished train-ae run: float16 safetensors, card, reconstruction and loss PNGs, reference statistics')
    .requiredOption('--run <dir>', 'the run folder of `guidance-lab train-ae`')
    .option('--out <file>', 'the shipped .safetensors file', DEFAULT_AUTOENCODER_PATH)
    .option('--dataset <name>', 'the data set the run was trained on', 'mnist')
    .action(async (o: { run: string; out: string; dataset: string }) => {
      if (!o.out.endsWith('.safetensors')) throw new Error(`--out must be a .safetensors path; got "${o.out}"`);
      checkWritable(o.out, '--out');
      await initBackend();
      const card = await shipAutoencoder(o.run, o.out, o.dataset);
      process.stderr.write(`shipped ${o.out}: ${JSON.stringify(card.reconstruction)}\n`);
    });
}

/** The card written beside a shipped autoencoder (`<name>.card.json`). */
export interface AutoencoderCard {
  name: string;
  file: string;
  digest: string;
  dtype: 'F16';
  config: AutoencoderConfig;
  parameters: number;
  data: { dataset: string; split: typeof CLASSIFIER_SPLIT; trainCount: number; heldOutCount: number; labels: 'not used' };
  training: Record<string, unknown>;
  /** (images seen, mean loss over the log window) from the run's loss log, at most 200 points. */
  lossCurve: Array<[number, number]>;
  /** Mean squared error per pixel in [−1, 1] units: held-out (float32 and the shipped float16 weights) and train, per class. */
  reconstruction: {
    heldOut: number;
    heldOutF32: number;
    train: number;
    trainCount: number;
    heldOutPerClass: number[];
    trainPerClass: number[];
  };
  /** The reference statistics of the held-out digits in this space. */
  referenceStats: string;
  reconstructions: string;
  lossPlot: string;
  reproduce: string;
}

/** Ships the finished run `run` to `out` (float16) with its card, PNGs and reference statistics; returns the card. */
async function shipAutoencoder(run: string, out: string, dataset: string): Promise<AutoencoderCard> {
  const final = autoencoderRunFiles.final(run);
  if (!existsSync(final)) throw new Error(`${run} has no ${basename(final)}: the run has not finished (rerun its train-ae command)`);
  const ckpt = await loadCheckpoint(final);
  const config = ckpt.metadata.config as unknown as AutoencoderConfig;
  const training = (ckpt.metadata.training ?? {}) as Record<string, unknown>;
  const ds = await loadDataset(dataset);
  const split = splitDataset(ds, CLASSIFIER_SPLIT);

  const f32 = new Autoencoder(config);
  f32.params.load(ckpt.tensors, final);
  const heldOutF32 = reconstructionErrors(f32, ds, split.heldOut).mse;
  const parameters = f32.params.count();
  f32.params.dispose();

  await saveCheckpoint(out, ckpt.tensors, { config: config as unknown as Record<string, unknown>, training }, { dtype: 'F16' });
  const shipped = await loadAutoencoder(out);
  try {
    const heldOut = reconstructionErrors(shipped.ae, ds, split.heldOut);
    const trainPick = spreadSubset(split.train, Math.min(TRAIN_SAMPLE, split.train.length), 1);
    const train = reconstructionErrors(shipped.ae, ds, trainPick);
    await referenceStats(dataset, 'heldOut', autoencoderFeatures(shipped.ae, shipped.digest));
    const name = basename(out).replace(/\.safetensors$/, '');
    const files = {
      card: join(dirname(out), `${name}.card.json`),
      png: join(dirname(out), `${name}.png`),
      loss: join(dirname(out), `${name}-loss.png`),
    };
    const curve = lossCurve(autoencoderRunFiles.log(run));
    writeFileSync(
      files.png,
      await reconstructionPng(shipped.ae, ds, split.heldOut, `${name}: held-out digits (top row) and their reconstructions (bottom row)`),
    );
    const plot = metricCurves(
      curve.map(([images, loss]) => ({ method: 'train MSE', gamma: images, value: loss })),
      { metric: 'MSE per pixel ([−1, 1])', xTitle: 'images seen', logY: true, markBest: false, title: `${name}: training loss` },
    );
    writeFileSync(files.loss, (await toPng(plot)).png);
    const card: AutoencoderCard = {
      name,
      file: basename(out),
      digest: shipped.digest,
      dtype: 'F16',
      config,
      parameters,
      data: {
        dataset: ds.name,
        split: CLASSIFIER_SPLIT,
        trainCount: split.train.length,
        heldOutCount: split.heldOut.length,
        labels: 'not used',
      },
      training,
      lossCurve: curve,
      reconstruction: {
        heldOut: heldOut.mse,
        heldOutF32,
        train: train.mse,
        trainCount: trainPick.length,
        heldOutPerClass: heldOut.perClass,
        trainPerClass: train.perClass,
      },
      referenceStats: `data/reference-stats/${basename(dataset)}-heldOut-${shipped.digest.slice(0, 12)}.json`,
      reconstructions: basename(files.png),
      lossPlot: basename(files.loss),
      reproduce: `${String(training.command)} && guidance-lab ship-ae --run ${run} --out ${relative(process.cwd(), out)}`,
    };
    writeFileSync(files.card, `${JSON.stringify(card, null, 2)}\n`);
    return card;
  } finally {
    shipped.dispose();
  }
}

/** Returns (images, loss) pairs of a run's loss log, thinned to at most 200 evenly spaced lines (the last one kept). */
function lossCurve(log: string): Array<[number, number]> {
  const lines = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const every = Math.max(1, Math.ceil(lines.length / 200));
  return lines.filter((_, i) => i % every === 0 || i === lines.length - 1).map((l) => [l[1], l[2]]);
}

/** Returns a PNG of two held-out digits per class (one row) above their reconstructions (the next row). */
async function reconstructionPng(ae: Autoencoder, ds: Dataset, heldOut: Int32Array, title: string): Promise<Buffer> {
  const picked: number[] = [];
  for (let c = 0; c < ds.classes; c++) picked.push(...Array.from(heldOut.filter((i) => ds.labels[i] === c).slice(0, 2)));
  const { images, labels } = toTensor(ds, picked);
  const recon = ae.reconstruct(images);
  const [real, rec] = [images.dataSync(), recon.dataSync()];
  tf.dispose([images, labels, recon]);
  const per = ds.height * ds.width;
  const cell = (pixels: ArrayLike<number>, i: number, label: string) => ({
    pixels: Array.from(pixels).slice(i * per, (i + 1) * per),
    height: ds.height,
    width: ds.width,
    label,
  });
  const grid = sampleGrid(
    [...picked.map((j, i) => cell(real, i, `real ${ds.labels[j]}`)), ...picked.map((_, i) => cell(rec, i, 'recon'))],
    { columns: picked.length, title },
  );
  return (await toPng(grid, 1)).png;
}
