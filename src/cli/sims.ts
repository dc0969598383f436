/**
 * `guidance-lab sims`: the SIMS loop (synthetic set from the base, fine-tuned negatives per budget).
 */
import type { Command } from 'commander';
import { initBackend } from '../backend';
import { loadShipped } from '../model/shipped';
import { runSims, sampleSyntheticChunks } from '../train/sims';
import { parseGridShare, type GridShare } from '../runtime/grid-share';
import { integer, number, numberList } from './options';
import { checkWritableDir } from './files';

/** Registers the `sims` command on `program`. */
export function simsCommand(program: Command): void {
  program
    .command('sims')
    .description('sample a synthetic set from a base model and fine-tune copies on it (SIMS negatives); rerun to resume')
    .requiredOption('--base <name>', 'shipped model name or checkpoint path')
    .requiredOption('--out <dir>', 'run folder')
    .requiredOption('--synthetic <n>', 'synthetic set size', integer('--synthetic', { min: 1 }))
    .requiredOption('--budgets <list>', 'fine-tuning budgets in images, comma-separated', numberList('--budgets', { min: 1 }, true))
    .option('--steps <n>', 'Heun steps for the synthetic set', integer('--steps', { min: 1 }), 12)
    .option('--lr <x>', 'fine-tuning learning rate', number('--lr', { above: 0 }), 2e-4)
    .option('--batch <n>', 'batch size', integer('--batch', { min: 1 }), 32)
    .option('--seed <n>', 'seed', integer('--seed', { min: 0 }), 7)
    .option(
      '--shard <k/n>',
      'only sample this share of the synthetic set and stop (run n processes, then once without --shard)',
      parseGridShare,
    )
    .action(
      async (o: {
        base: string;
        out: string;
        synthetic: number;
        budgets: number[];
        steps: number;
        lr: number;
        batch: number;
        seed: number;
        shard?: GridShare;
      }) => {
        checkWritableDir(o.out, '--out');
        await initBackend();
        const base = await loadShipped(o.base);
        if (o.shard) {
          await sampleSyntheticChunks({ ...o, base, command: '' }, o.shard);
          process.stderr.write(`synthetic share ${o.shard.k}/${o.shard.n} sampled into ${o.out}\n`);
          return;
        }
        const command = `guidance-lab sims --base ${o.base} --out ${o.out} --synthetic ${o.synthetic} --budgets ${o.budgets.join(',')} --steps ${o.steps} --lr ${o.lr} --batch ${o.batch} --seed ${o.seed}`;
        const runs = await runSims({ ...o, base, command });
        process.stderr.write(`SIMS negatives: ${runs.join(', ')} (ship each with \`guidance-lab ship --run <dir> --name <name>\`)\n`);
      },
    );
}
