/** Child process for resume.test.ts: runs the small sweep on argv[3] into argv[2] with a slow featurizer (argv[4] workers). */
import { initBackend } from '../../src/backend';
import { runSweep } from '../../src/experiments';
import { options, projection, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

async function main(): Promise<void> {
  await initBackend(testBackend());
  const r = await runSweep(
    smallSpec(process.argv[3]),
    options(process.argv[2], { featurizer: projection({ dims: 12, seed: 3, delayMs: 150 }), workers: Number(process.argv[4]) }),
  );
  process.stdout.write(JSON.stringify({ computed: r.computed, cached: r.cached }));
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
