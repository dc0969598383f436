/**
 * Command line for `trainClassifier`:
 * `node --import tsx src/metrics/classifier/train-main.ts --dataset mnist --out data/classifier/mnist.safetensors [--epochs 6] [--seed 0]`.
 */
import { parseArgs } from 'node:util';
import { trainClassifier } from './train';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string', default: 'mnist' },
      out: { type: 'string' },
      epochs: { type: 'string', default: '6' },
      seed: { type: 'string', default: '0' },
      'batch-size': { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.002' },
    },
  });
  const dataset = values.dataset as string;
  const out = values.out ?? `data/classifier/${dataset}.safetensors`;
  const command = `node --import tsx src/metrics/classifier/train-main.ts ${process.argv.slice(2).join(' ')}`;
  const card = await trainClassifier({
    dataset,
    out,
    command,
    epochs: Number(values.epochs),
    seed: Number(values.seed),
    batchSize: Number(values['batch-size']),
    lr: Number(values.lr),
  });
  process.stdout.write(
    `${JSON.stringify({ out, digest: card.digest, dtype: card.dtype, heldOutAccuracy: card.heldOutAccuracy, trainingSeconds: card.trainingSeconds })}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`train-main: ${e.message}\n`);
  process.exit(1);
});
