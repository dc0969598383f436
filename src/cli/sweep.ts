/**
 * `guidance-lab sweep` and `guidance-lab merge`: run (or resume) a sweep into a cache folder, and
 * join the rows of several cache folders into one JSON file.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { mergeRows, parseGridShare, parseSpec, referenceImages, resolveShard, runSweep } from '../experiments';
import { classifierSource } from '../metrics';
import { duration } from '../runtime/progress';
import { integer, workers } from './options';
import { checkWritable, checkWritableDir, readJson } from './files';
import { queueSweep } from './queue';

/** Options of `sweep`. */
interface SweepCliOptions {
  out?: string;
  workers?: number;
  shard?: ReturnType<typeof parseGridShare>;
  completions?: number;
  queue?: string;
  queueName?: string;
  status?: boolean;
}

/** Registers the `sweep` and `merge` commands on `program`. */
export function sweepCommands(program: Command): void {
  program
    .command('sweep <spec>')
    .description('sample and measure every point of a sweep spec (JSON); rerunning the same command resumes, reusing finished rows')
    .option('--out <dir>', 'cache folder: one JSON row per point (with --queue: wait for the workers and collect the rows here)')
    .option('--workers <n>', 'worker threads (default and most: one per core; 0 = this thread)', workers('--workers', 0))
    .option('--shard <k/n>', 'run only the k-th of n shares of the grid (default: from Slurm/Kubernetes array variables)', parseGridShare)
    .option('--completions <n>', 'Indexed Job completions (default: GUIDANCE_LAB_COMPLETIONS)', integer('--completions', { min: 1 }))
    .option('--queue <url>', 'instead of running: add the points to this Redis queue (redis://host:port) for `guidance-lab worker`s')
    .option('--queue-name <name>', 'with --queue: the queue name (default guidance-lab)')
    .option('--status', "with --queue: print the queue's and this grid's progress")
    .action(async (file: string, o: SweepCliOptions) => {
      const spec = parseSpec(readJson(file));
      if (o.out !== undefined) checkWritableDir(o.out, '--out');
      if (o.queue !== undefined) return queueSweep(spec, { queue: o.queue, queueName: o.queueName, status: o.status, out: o.out });
      if (o.out === undefined) throw new Error("required option '--out <dir>' not specified");
      const { shard, reason } = resolveShard(o.shard, process.env, o.completions);
      process.stderr.write(`sweep: shard ${shard.k}/${shard.n} (${reason})\n`);
      const r = await runSweep(spec, {
        out: o.out,
        workers: o.workers,
        shard,
        featurizer: classifierSource(spec.classifier),
        referenceImages: () => referenceImages(spec.reference),
      });
      const failed = r.failed.length > 0 ? `, ${r.failed.length} failed (reasons in ${o.out}/failed)` : '';
      const counts = `${r.computed} computed, ${r.cached} cached${failed}`;
      process.stderr.write(`sweep: ${r.points.length} points (${counts}) in ${duration(r.seconds)}; rows in ${o.out}\n`);
      if (r.failed.length > 0) process.exitCode = 1;
    });
  program
    .command('merge <dirs...>')
    .description('join the rows of several sweep cache folders (e.g. shards); the same point twice must give the same row')
    .requiredOption('--out <file>', 'rows JSON file to write')
    .action((dirs: string[], o: { out: string }) => {
      checkWritable(o.out, '--out');
      const rows = mergeRows(dirs);
      writeFileSync(o.out, `${JSON.stringify(rows, null, 2)}\n`);
      process.stderr.write(`merge: ${rows.length} rows from ${dirs.length} folders → ${o.out}\n`);
    });
}
