/** Child process for trainer.test.ts: trains a tiny DiT into argv[2] for argv[3] images, saving state every step. */
import { initBackend } from '../../src/backend';
import { loadDataset, splitDataset } from '../../src/data';
import { DEFAULT_TRAIN, train } from '../../src/train/trainer';
import { testBackend } from '../test-backend';

async function main(): Promise<void> {
  await initBackend(testBackend());
  const ds = await loadDataset('mnist');
  const { train: idx } = splitDataset(ds, { heldOut: 0.1, seed: 0 });
  await train(ds, idx, {
    ...DEFAULT_TRAIN,
    out: process.argv[2],
    images: Number(process.argv[3]),
    config: { arch: 'dit', imageSize: 32, channels: 1, classes: 10, patch: 8, width: 16, depth: 1, heads: 2 },
    batch: 8,
    warmup: 16,
    saveEverySeconds: 0,
    logEverySteps: 2,
    sigmaRels: [0.05, 0.1],
    exportSigmaRel: 0.1,
    command: 'tests/train/train-child.ts',
  });
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
