/**
 * `guidance-lab train`: trains (or resumes) a denoiser run folder.
 */
import type { Command } from 'commander';
import { loadDataset, splitDataset } from '../data';
import { initBackend, shareCoresWithWorkers } from '../backend';
import { preset } from '../model/presets';
import { DEFAULT_TRAIN, train } from '../train/trainer';
import { duration } from '../runtime/progress';
import { integer, number, workers } from './options';
import { checkWritableDir } from './files';

/** Registers the `train` command on `program`. */
export function trainCommand(program: Command): void {
  program
    .command('train')
    .description('train a denoiser with the EDM loss; rerunning the same command resumes from the saved state')
    .requiredOption('--preset <name>', 'model preset (dit-main, dit-small, unet-main, unet-small, unet-uncond)')
    .requiredOption('--out <dir>', 'run folder (state, loss log, snapshots, final models)')
    .requiredOption('--images <n>', 'training length T in images', integer('--images', { min: 1 }))
    .option('--dataset <name>', 'mnist, fashion-mnist or an idx folder', 'mnist')
    .option('--batch <n>', 'batch size', integer('--batch', { min: 1 }), DEFAULT_TRAIN.batch)
    .option('--lr <x>', 'Adam learning rate', number('--lr', { above: 0 }), DEFAULT_TRAIN.lr)
    .option('--seed <n>', 'seed of initialisation, batches and noise', integer('--seed', { min: 0 }), DEFAULT_TRAIN.seed)
    .option('--save-every <s>', 'seconds between state saves', number('--save-every', { above: 0 }), DEFAULT_TRAIN.saveEverySeconds)
    .option(
      '--workers <n>',
      'threads sharing each batch (data parallel; at most one per core and per batch row)',
      workers('--workers', 1),
      DEFAULT_TRAIN.workers,
    )
    .option('--p-mean <x>', 'mean of ln σ in the EDM noise distribution', number('--p-mean'), DEFAULT_TRAIN.loss.pMean)
    .option(
      '--p-std <x>',
      'standard deviation of ln σ in the EDM noise distribution',
      number('--p-std', { above: 0 }),
      DEFAULT_TRAIN.loss.pStd,
    )
    .option(
      '--label-dropout <p>',
      'fraction of labels replaced by the null class (so CFG works)',
      number('--label-dropout', { min: 0, below: 1 }),
      DEFAULT_TRAIN.loss.labelDropout,
    )
    .option(
      '--max-minutes <m>',
      'stop after this many minutes with the state saved (rerun to continue)',
      number('--max-minutes', { above: 0 }),
    )
    .action(
      async (o: {
        preset: string;
        out: string;
        images: number;
        dataset: string;
        batch: number;
        lr: number;
        seed: number;
        saveEvery: number;
        workers: number;
        pMean: number;
        pStd: number;
        labelDropout: number;
        maxMinutes?: number;
      }) => {
        const config = preset(o.preset);
        if (o.workers > o.batch) {
          throw new Error(`--workers ${o.workers} is more than --batch ${o.batch}: each worker needs at least one row of the batch`);
        }
        checkWritableDir(o.out, '--out');
        shareCoresWithWorkers(o.workers);
        await initBackend();
        const ds = await loadDataset(o.dataset);
        const split = splitDataset(ds, { heldOut: 0.1, seed: 0 });
        const command = `guidance-lab train --preset ${o.preset} --out ${o.out} --images ${o.images} --dataset ${o.dataset} --batch ${o.batch} --lr ${o.lr} --seed ${o.seed}${o.workers > 1 ? ` --workers ${o.workers}` : ''}${lossFlags(o)}`;
        const r = await train(ds, split.train, {
          ...DEFAULT_TRAIN,
          out: o.out,
          config,
          images: o.images,
          batch: o.batch,
          lr: o.lr,
          seed: o.seed,
          saveEverySeconds: o.saveEvery,
          workers: o.workers,
          loss: { pMean: o.pMean, pStd: o.pStd, labelDropout: o.labelDropout },
          maxSeconds: o.maxMinutes === undefined ? undefined : o.maxMinutes * 60,
          command,
        });
        process.stderr.write(
          `trained ${r.steps} steps; ${duration(r.seconds)} of training in total${r.finished ? '' : ' (stopped by --max-minutes; rerun to continue)'}\n`,
        );
      },
    );
}

/** Returns the loss flags that differ from the defaults, as they are typed on the command line (empty when none do). */
export function lossFlags(o: { pMean: number; pStd: number; labelDropout: number }): string {
  const d = DEFAULT_TRAIN.loss;
  return (
    (o.pMean !== d.pMean ? ` --p-mean ${o.pMean}` : '') +
    (o.pStd !== d.pStd ? ` --p-std ${o.pStd}` : '') +
    (o.labelDropout !== d.labelDropout ? ` --label-dropout ${o.labelDropout}` : '')
  );
}
