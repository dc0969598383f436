/** Child process for array.test.ts: runs the small sweep on argv[3] into argv[2], taking its shard from the job-array variables. */
import { initBackend } from '../../src/backend';
import { resolveShard, runSweep } from '../../src/experiments';
import { options, smallSpec } from './helpers';
import { testBackend } from '../test-backend';

async function main(): Promise<void> {
  await initBackend(testBackend());
  const { shard, reason } = resolveShard(undefined, process.env);
  const r = await runSweep(smallSpec(process.argv[3]), options(process.argv[2], { shard }));
  process.stdout.write(JSON.stringify({ shard, reason, computed: r.computed }));
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
