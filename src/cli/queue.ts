/**
 * The Redis queue from the command line: `guidance-lab sweep grid.json --queue URL` (enqueue, or
 * `--status`) and `guidance-lab worker --queue URL --out dir` (take points until stopped).
 */
import type { Command } from 'commander';
import { referenceImages, type SweepSpec } from '../experiments';
import { classifierSource } from '../metrics';
import { checkWritableDir } from './files';
import { number } from './options';
import { DEFAULT_QUEUE, collectRows, enqueueSweep, gridId, queueStatus, runQueueWorker } from '../experiments/redis-queue';
import type { ContextSources } from '../experiments/redis-queue';

/** Options of `sweep` that concern the queue. */
export interface QueueSweepOptions {
  queue: string;
  queueName?: string;
  status?: boolean;
  /** Wait for the workers and write the grid's rows here. */
  out?: string;
}

/** How the command line builds a point's context on any machine: the spec's classifier and its reference split. */
const SOURCES: ContextSources = { featurizer: classifierSource, referenceImages };

/**
 * Enqueues the points of `spec` and, with `out`, waits for the workers, writing the rows there (or, with
 * `status`, prints the queue's and the grid's progress); throws when points failed.
 */
export async function queueSweep(spec: SweepSpec, o: QueueSweepOptions): Promise<void> {
  const address = { url: o.queue, name: o.queueName ?? DEFAULT_QUEUE };
  const grid = gridId(spec);
  if (o.status) {
    const s = await queueStatus(address, grid);
    const line = (c: Record<string, number>) =>
      Object.entries(c)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
    process.stdout.write(`queue "${address.name}" at ${address.url}: ${line(s.queue)}\ngrid ${grid}: ${line(s.grid)}\n`);
    for (const f of s.failed) process.stdout.write(`failed ${f.key.slice(0, 12)}…: ${f.reason}\n`);
    return;
  }
  const r = await enqueueSweep(spec, address, SOURCES);
  process.stderr.write(
    `sweep: grid ${grid}, ${r.points} points: ${r.added} added to queue "${address.name}", ` +
      `${r.present} already there (${r.retried} failed ones retried); ` +
      `start workers with \`guidance-lab worker --queue ${address.url} --out <dir>\`, follow with \`--status\`\n`,
  );
  if (o.out === undefined) return;
  process.stderr.write(`sweep: waiting for the workers; rows into ${o.out} as they finish\n`);
  const done = await collectRows(address, grid, r.digests, o.out);
  process.stderr.write(`sweep: ${done.grid.completed} of ${r.points} points finished; rows in ${o.out}\n`);
  if (done.failed.length > 0) {
    const reasons = done.failed.map((f) => `${f.key.slice(0, 12)}…: ${f.reason}`).join('; ');
    throw new Error(`${done.failed.length} points failed (rerun to retry them): ${reasons}`);
  }
}

const lockSeconds = number('--lock', { min: 1 });

/** Registers the `worker` command on `program`. */
export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description('take sweep points from a Redis queue (see sweep --queue) until stopped, writing rows into a cache folder')
    .requiredOption('--queue <url>', 'the queue: redis://host:port')
    .requiredOption('--out <dir>', 'cache folder the rows are written into (merge joins such folders)')
    .option('--queue-name <name>', `queue name (default ${DEFAULT_QUEUE})`)
    .option('--lock <seconds>', "a point's lock, renewed while it runs (a killed worker's point is retaken after it)", lockSeconds, 30)
    .option('--until-drained', 'stop once no point is waiting, delayed or running')
    .action(async (o: { queue: string; out: string; queueName?: string; lock: number; untilDrained?: boolean }) => {
      checkWritableDir(o.out, '--out');
      const log = (line: string) => process.stderr.write(`worker: ${line}\n`);
      const name = o.queueName ?? DEFAULT_QUEUE;
      const lockMs = o.lock * 1000;
      const w = await runQueueWorker({ ...SOURCES, url: o.queue, name, out: o.out, lockMs, untilDrained: o.untilDrained, log });
      log(`taking points from ${o.queue} (queue "${name}") into ${o.out}; Ctrl-C stops after the point in progress`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void w.close());
      const done = await w.done;
      log(`stopped: ${done.computed} points computed, ${done.refused} refused`);
    });
}
