/**
 * `guidance-lab models`: the shipped checkpoints as a Markdown table, read from their model cards.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CHECKPOINT_DIR, shippedModels } from '../model/shipped';
import { readJson } from './files';

/** The fields of a model card (written by `guidance-lab ship`) that the table shows. */
interface Card {
  name: string;
  config: { arch: string; classes: number };
  parameters: number;
  training: { images: number; elapsedSeconds?: number };
  evaluation?: { samples: number; steps: number; classAccuracy?: number };
}

/** Returns the Markdown table of the models in `dir` (one row per card; models without a card are listed as such). */
export function modelTable(dir: string = CHECKPOINT_DIR): string {
  if (!existsSync(dir)) {
    throw new Error(`--dir ${dir} does not exist; it should be a folder of shipped checkpoints (default ${CHECKPOINT_DIR})`);
  }
  const rows = shippedModels(dir).map((name) => {
    const file = join(dir, `${name}.card.json`);
    if (!existsSync(file)) return `| ${name} | (no card) | | | | |`;
    const c = readJson(file) as Card;
    const kind = `${c.config.arch}${c.config.classes > 0 ? '' : ', unconditional'}`;
    const minutes = c.training.elapsedSeconds === undefined ? '' : (c.training.elapsedSeconds / 60).toFixed(0);
    const acc =
      c.evaluation?.classAccuracy === undefined ? '–' : `${(c.evaluation.classAccuracy * 100).toFixed(0)}% of ${c.evaluation.samples}`;
    return `| ${c.name} | ${kind} | ${(c.parameters / 1e3).toFixed(0)}k | ${c.training.images.toLocaleString('en-US')} | ${minutes} | ${acc} |`;
  });
  return [
    '| model | architecture | parameters | training images | training minutes (wall) | unguided class accuracy |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Registers the `models` command on `program`. */
export function modelsCommand(program: Command): void {
  program
    .command('models')
    .description('list the shipped checkpoints (data/checkpoints or GUIDANCE_LAB_CHECKPOINTS) as a Markdown table from their model cards')
    .option('--dir <dir>', 'checkpoint folder', CHECKPOINT_DIR)
    .action((o: { dir: string }) => {
      process.stdout.write(`${modelTable(o.dir)}\n`);
    });
}
