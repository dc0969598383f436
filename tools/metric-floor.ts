/**
 * The estimator's floor in the feature classifier's space (or, with `--space ae`, the feature autoencoder's). The
 * held-out split has only 1000 digits (all of them the studies' reference), so two floors: disjoint held-out sets
 * (N vs N, and N vs the other 1000 − N), and N train-split digits against the 1000-digit reference (the studies'
 * estimator exactly; the featurizer was trained on those digits, so its features of them may sit slightly closer
 * to the reference's). Also FID∞ of train
 * digits, precision/recall with equal counts, and how much float16 storage of the features moves FID.
 *   node --import tsx tools/metric-floor.ts [--space classifier|ae] [--ns 256,512,1280] [--repeats 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { loadDataset, splitDataset, toTensor } from '../src/data';
import {
  CLASSIFIER_SPLIT,
  autoencoderFeaturizer,
  balancedPrecisionRecall,
  featureStats,
  fid,
  fidInfinity,
  kid,
  loadClassifier,
  realVsReal,
  type Featurizer,
} from '../src/metrics';
import { disjointDraws, pickRows } from '../src/metrics/stats/subsets';
import { Rng } from '../src/random';
import { featureRows, rowsNdarray } from '../src/metrics/featurizer';
import { fromFloat16, toFloat16 } from '../src/experiments/float16';
import { option } from './argv';

async function main(): Promise<void> {
  await initBackend();
  const ns = option('ns', '256,512,1280').split(',').map(Number);
  const repeats = Number(option('repeats', '5'));
  const space = option('space', 'classifier');
  if (space !== 'classifier' && space !== 'ae') throw new Error(`--space is "${space}"; allowed: classifier, ae`);
  const classifier = space === 'classifier' ? await loadClassifier() : undefined;
  const featurizer: Featurizer = classifier ?? (await autoencoderFeaturizer());
  const spaceName = space === 'classifier' ? "the classifier's space" : "the feature autoencoder's space";
  const mnist = await loadDataset('mnist');
  const split = splitDataset(mnist, CLASSIFIER_SPLIT);
  const features = (indices: Int32Array) => {
    const batch = toTensor(mnist, indices);
    const rows = featureRows(featurizer, batch.images);
    tf.dispose([batch.images, batch.labels]);
    return { rows, space: featurizer.digest };
  };
  const held = features(split.heldOut);
  // Split indices are sorted and the digits are stored grouped by class: take random ones, never a prefix.
  const trainPick = new Rng(1)
    .permutation(split.train.length)
    .slice(0, Math.max(...ns) * 2)
    .map((i) => split.train[i]);
  const train = features(Int32Array.from(trainPick));
  const m = held.rows.n;
  const refStats = featureStats(rowsNdarray(held.rows));
  const quiet = { warn: () => undefined };
  console.log(
    `# real-vs-real in ${spaceName} (${held.rows.d} dims, digest ${featurizer.digest.slice(0, 12)}…); ${m} held-out digits (the studies' reference), ${repeats} random draws`,
  );
  for (const n of [128, 256, 500]) {
    const f = realVsReal(held, 'FID', n, n, { repeats });
    const k = realVsReal(held, 'KID', n, n, { repeats });
    const fr = realVsReal(held, 'FID', n, m - n, { repeats });
    const [a, b] = disjointDraws(m, [n, n], 0, 0).map((take) => ({
      rows: { data: pickRows(held.rows, take).data, n, d: held.rows.d },
      space: held.space,
    }));
    const pr = balancedPrecisionRecall(a, b);
    console.log(
      `held-out ${n} vs ${n}: FID ${f.mean.toFixed(3)} (${f.min.toFixed(3)}…${f.max.toFixed(3)}), KID×10³ ${(k.mean * 1e3).toFixed(3)} (${(k.min * 1e3).toFixed(3)}…${(k.max * 1e3).toFixed(3)}), ` +
        `precision/recall ${pr.precision.toFixed(3)} / ${pr.recall.toFixed(3)}; ${n} vs the other ${m - n}: FID ${fr.mean.toFixed(3)} (${fr.min.toFixed(3)}…${fr.max.toFixed(3)})`,
    );
  }
  for (const n of ns) {
    const draws = Array.from({ length: repeats }, (_, r) => pickRows(train.rows, disjointDraws(train.rows.n, [n], 0, r)[0]));
    const f = draws.map((x) => fid(x, refStats, quiet).fid);
    const k = draws.map((x) => kid(x, rowsNdarray(held.rows)));
    const show = (v: number[], scale = 1) =>
      `${((v.reduce((a, b) => a + b, 0) / v.length) * scale).toFixed(3)} (${(Math.min(...v) * scale).toFixed(3)}…${(Math.max(...v) * scale).toFixed(3)})`;
    console.log(`train-split ${n} vs the ${m}-digit reference (the studies' estimator): FID ${show(f)}, KID×10³ ${show(k, 1e3)}`);
  }
  const inf = fidInfinity(train, { stats: refStats, space: held.space }, { repeats });
  console.log(
    `FID∞ of ${train.rows.n} train-split digits vs the reference: ${inf.fidInfinity.toFixed(3)} (slope ${inf.slope.toFixed(1)}; ` +
      `${inf.points.map((p) => `N ${p.n}: ${p.fid.toFixed(3)}`).join(', ')})`,
  );
  const first = { data: Float32Array.from(train.rows.data.subarray(0, 256 * train.rows.d)), n: 256, d: train.rows.d };
  const f32 = fid(rowsNdarray(first), refStats, quiet).fid;
  const f16 = fid(rowsNdarray({ ...first, data: fromFloat16(toFloat16(first.data)) }), refStats, quiet).fid;
  const maxAbs = first.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  console.log(
    `float16 storage: FID of 256 digits ${f32.toFixed(5)} (float32) vs ${f16.toFixed(5)} (float16); largest |feature| ${maxAbs.toFixed(2)}`,
  );
  classifier?.dispose();
}

void main();
