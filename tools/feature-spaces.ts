/**
 * Where the two feature spaces agree and where they disagree: N random train-split digits against the 1000 held-out
 * digits (the studies' reference), as they are and after perturbations that a good metric should see (blur, pixel
 * noise), one that only the classifier was trained to ignore (random shifts of up to 2 px, its training augmentation),
 * and one that changes which digits there are but not how they are drawn (only the classes 0–4: half the modes
 * dropped). FID and KID in the classifier's space and in the feature autoencoder's, over `repeats` random draws, and
 * each FID as a multiple of the unperturbed draw's (which is the estimator's floor at this N): the spaces' scales
 * differ, their ratios compare.
 *   node --import tsx tools/feature-spaces.ts [--n 256] [--repeats 3]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { loadDataset, splitDataset, toTensor, type Dataset } from '../src/data';
import { gaussianBlur } from '../src/analysis/filters';
import {
  CLASSIFIER_SPLIT,
  autoencoderFeaturizer,
  featureRows,
  featureStats,
  fid,
  kid,
  loadClassifier,
  rowsNdarray,
  shiftImages,
  type FeatureRows,
  type FeatureStats,
  type Featurizer,
} from '../src/metrics';
import { Rng } from '../src/random';
import { option } from './argv';

/** A perturbation: which train digits to draw (all, or only some classes), and what to do to the images. */
interface Perturbation {
  name: string;
  classes?: number[];
  apply?: (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
}

const PERTURBATIONS: Perturbation[] = [
  { name: 'none (the floor)' },
  { name: 'Gaussian blur σ 0.7 px', apply: (x) => gaussianBlur(x, 0.7) },
  { name: 'Gaussian blur σ 1.5 px', apply: (x) => gaussianBlur(x, 1.5) },
  { name: 'pixel noise std 0.1', apply: (x, rng) => noisy(x, 0.1, rng) },
  { name: 'pixel noise std 0.3', apply: (x, rng) => noisy(x, 0.3, rng) },
  {
    name: 'random shifts ≤ 2 px',
    apply: (x, rng) => {
      const [n, size, , c] = x.shape;
      return tf.tensor4d(shiftImages(x.dataSync() as Float32Array, n, size, c, 2, rng), x.shape);
    },
  },
  { name: 'classes 0–4 only', classes: [0, 1, 2, 3, 4] },
];

/** Returns `x` plus Gaussian noise of standard deviation `std`, clipped to [−1, 1]. */
function noisy(x: tf.Tensor4D, std: number, rng: Rng): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(tf.tensor(rng.normals(x.size), x.shape), std)), -1, 1) as tf.Tensor4D);
}

/** A space: its featurizer, the reference's rows and statistics. */
interface Space {
  name: string;
  featurizer: Featurizer;
  rows: FeatureRows;
  stats: FeatureStats;
}

async function main(): Promise<void> {
  await initBackend();
  const n = Number(option('n', '256'));
  const repeats = Number(option('repeats', '3'));
  const mnist = await loadDataset('mnist');
  const split = splitDataset(mnist, CLASSIFIER_SPLIT);
  const classifier = await loadClassifier();
  const ae = await autoencoderFeaturizer();
  const held = toTensor(mnist, split.heldOut);
  const spaces: Space[] = [
    { name: 'classifier', featurizer: classifier },
    { name: 'autoencoder', featurizer: ae },
  ].map((s) => {
    const rows = featureRows(s.featurizer, held.images);
    return { ...s, rows, stats: featureStats(rowsNdarray(rows)) };
  });
  tf.dispose([held.images, held.labels]);
  console.log(
    `# ${n} train-split digits vs the ${split.heldOut.length} held-out digits, ${repeats} random draws; ` +
      `classifier ${classifier.digest.slice(0, 12)}… (${spaces[0].rows.d} dims), autoencoder ${ae.digest.slice(0, 12)}… (${spaces[1].rows.d} dims)`,
  );
  console.log('| perturbation | FID classifier | ×floor | FID autoencoder | ×floor | KID×10³ classifier | KID×10³ autoencoder |');
  console.log('|---|---|---|---|---|---|---|');
  const floors: number[][] = [];
  for (const p of PERTURBATIONS) {
    const values = spaces.map(() => ({ fid: [] as number[], kid: [] as number[] }));
    for (let r = 0; r < repeats; r++) {
      const pick = draw(mnist, split.train, n, p.classes, r);
      const batch = toTensor(mnist, pick);
      const images = p.apply ? p.apply(batch.images, new Rng(7, r)) : batch.images;
      spaces.forEach((s, i) => {
        const gen = rowsNdarray(featureRows(s.featurizer, images));
        values[i].fid.push(fid(gen, s.stats, { warn: () => undefined }).fid);
        values[i].kid.push(kid(rowsNdarray(s.rows), gen));
      });
      tf.dispose([batch.images, batch.labels, images]);
    }
    if (floors.length === 0) floors.push(...values.map((v) => v.fid));
    const show = (v: number[], scale = 1) =>
      `${((v.reduce((a, b) => a + b, 0) / v.length) * scale).toFixed(2)} (${(Math.min(...v) * scale).toFixed(2)}…${(Math.max(...v) * scale).toFixed(2)})`;
    const ratio = (v: number[], i: number) => (v.reduce((a, b) => a + b, 0) / floors[i].reduce((a, b) => a + b, 0)).toFixed(1);
    console.log(
      `| ${p.name} | ${show(values[0].fid)} | ${ratio(values[0].fid, 0)} | ${show(values[1].fid)} | ${ratio(values[1].fid, 1)} | ` +
        `${show(values[0].kid, 1e3)} | ${show(values[1].kid, 1e3)} |`,
    );
  }
  classifier.dispose();
}

/** Returns `n` random indices of `train` (only of `classes` when given), deterministic in `repeat`. */
function draw(ds: Dataset, train: Int32Array, n: number, classes: number[] | undefined, repeat: number): Int32Array {
  const pool = classes === undefined ? train : train.filter((i) => classes.includes(ds.labels[i]));
  return Int32Array.from(new Rng(11, repeat).permutation(pool.length).slice(0, n), (i) => pool[i]);
}

void main();
