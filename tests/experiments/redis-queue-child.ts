/**
 * Child process for redis-queue.test.ts: a queue worker with the test featurizer (argv: url, queue name, out
 * folder, featurizer delay in ms, lock in ms, optionally the featurizer's seed, default 3); prints one line per event and stops once the
 * queue is drained.
 */
import { initBackend } from '../../src/backend';
import { runQueueWorker } from '../../src/experiments/redis-queue';
import { options, projection } from './helpers';
import { testBackend } from '../test-backend';

async function main(): Promise<void> {
  const [url, name, out, delayMs, lockMs, seed = '3'] = process.argv.slice(2);
  await initBackend(testBackend());
  const featurizer = projection({ dims: 12, seed: Number(seed), delayMs: Number(delayMs) });
  const w = await runQueueWorker({
    url,
    name,
    out,
    lockMs: Number(lockMs),
    refuseDelayMs: 300,
    untilDrained: true,
    featurizer: () => featurizer,
    referenceImages: options(out).referenceImages,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const done = await w.done;
  process.stdout.write(`done ${JSON.stringify(done)}\n`);
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
