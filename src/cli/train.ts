/**
 * `guidance-lab train`: trains (or resumes) a denoiser run folder.
 */
import type { Command } from 'commander';
import { loadDataset, splitDataset } from '../data';
import { initBackend } from '../backend';
import { preset } from '../model/presets';
import { DEFAULT_TRAIN, train } from '../train/trainer';
import { duration } from '../train/progress';

/** Registers the `train` command on `program`. */
export function trainCommand(program: Command): void {
  program
    .command('train')
    .description('train a denoiser with the EDM loss; rerunning the same command resumes from the saved state')
    .requiredOption('--preset <name>', 'model preset (dit-main, dit-small, unet-main, unet-small, unet-uncond)')
    .requiredOption('--out <dir>', 'run folder (state, loss log, snapshots, final models)')
    .requiredOption('--images <n>', 'training length T in images', (v) => positiveInt(v, '--images'))
    .option('--dataset <name>', 'mnist, fashion-mnist or an idx folder', 'mnist')
    .option('--batch <n>', 'batch size', (v) => positiveInt(v, '--batch'), DEFAULT_TRAIN.batch)
    .option('--lr <x>', 'Adam learning rate', Number, DEFAULT_TRAIN.lr)
    .option('--seed <n>', 'seed of initialisation, batches and noise', (v) => positiveInt(v, '--seed'), DEFAULT_TRAIN.seed)
    .option('--save-every <s>', 'seconds between state saves', Number, DEFAULT_TRAIN.saveEverySeconds)
    .option('--workers <n>', 'threads sharing each batch (data parallel; the machine has one core per thread to give)', (v) => positiveInt(v, '--workers'), DEFAULT_TRAIN.workers)
    .option('--p-mean <x>', 'mean of ln σ in the EDM noise distribution', (v) => finiteNumber(v, '--p-mean'), DEFAULT_TRAIN.loss.pMean)
    .option('--p-std <x>', 'standard deviation of ln σ in the EDM noise distribution', (v) => positiveNumber(v, '--p-std'), DEFAULT_TRAIN.loss.pStd)
    .option('--label-dropout <p>', 'fraction of labels replaced by the null class (so CFG works)', (v) => probability(v, '--label-dropout'), DEFAULT_TRAIN.loss.labelDropout)
    .option('--max-minutes <m>', 'stop after this many minutes with the state saved (rerun to continue)', (v) => positiveNumber(v, '--max-minutes'))
    .action(async (o: { preset: string; out: string; images: number; dataset: string; batch: number; lr: number; seed: number; saveEvery: number; workers: number; pMean: number; pStd: number; labelDropout: number; maxMinutes?: number }) => {
      await initBackend();
      const ds = await loadDataset(o.dataset);
      const split = splitDataset(ds, { heldOut: 0.1, seed: 0 });
      const command = `guidance-lab train --preset ${o.preset} --out ${o.out} --images ${o.images} --dataset ${o.dataset} --batch ${o.batch} --lr ${o.lr} --seed ${o.seed}${o.workers > 1 ? ` --workers ${o.workers}` : ''}${lossFlags(o)}`;
      const r = await train(ds, split.train, { ...DEFAULT_TRAIN, out: o.out, config: preset(o.preset), images: o.images, batch: o.batch, lr: o.lr, seed: o.seed, saveEverySeconds: o.saveEvery, workers: o.workers, loss: { pMean: o.pMean, pStd: o.pStd, labelDropout: o.labelDropout }, maxSeconds: o.maxMinutes === undefined ? undefined : o.maxMinutes * 60, command });
      process.stderr.write(`trained ${r.steps} steps; ${duration(r.seconds)} of training in total${r.finished ? '' : ' (stopped by --max-minutes; rerun to continue)'}\n`);
    });
}

/** Returns the loss flags that differ from the defaults, as they are typed on the command line (empty when none do). */
export function lossFlags(o: { pMean: number; pStd: number; labelDropout: number }): string {
  const d = DEFAULT_TRAIN.loss;
  return (o.pMean !== d.pMean ? ` --p-mean ${o.pMean}` : '') + (o.pStd !== d.pStd ? ` --p-std ${o.pStd}` : '') + (o.labelDropout !== d.labelDropout ? ` --label-dropout ${o.labelDropout}` : '');
}

/** Parses a finite number option, naming the option when it is not one. */
export function finiteNumber(v: string, name: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`${name} must be a finite number; got "${v}"`);
  return n;
}

/** Parses a probability in [0, 1), naming the option when it is not one. */
export function probability(v: string, name: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new Error(`${name} must be a number in [0, 1); got "${v}"`);
  return n;
}

/** Parses a positive finite number option, naming the option when it is not one. */
export function positiveNumber(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number > 0; got "${v}"`);
  return n;
}

/** Parses a positive integer option, naming the option when it is not one. */
export function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer; got "${v}"`);
  return n;
}
