/**
 * The estimator's floor in the feature classifier's space: FID and KID between disjoint sets of held-out real
 * digits at the studies' sizes (N "generated" against the 1000-digit reference), FID∞ of real digits (what
 * the 1/N extrapolation gives when the truth is 0 up to the reference's own size), precision/recall with equal
 * counts, and how much float16 storage of the features moves FID.
 *   node --import tsx bench/metric-floor.ts [--ns 256,512,1280] [--repeats 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { loadDataset, splitDataset, toTensor } from '../src/data';
import { CLASSIFIER_SPLIT, balancedPrecisionRecall, featureStats, fid, fidInfinity, loadClassifier, realVsReal } from '../src/metrics';
import { featureRows, rowsNdarray } from '../src/experiments/featurizer';
import { fromFloat16, toFloat16 } from '../src/experiments/float16';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  await initBackend();
  const ns = option('ns', '256,512,1280').split(',').map(Number);
  const repeats = Number(option('repeats', '5'));
  const reference = 1000;
  const classifier = await loadClassifier();
  const mnist = await loadDataset('mnist');
  const heldOut = splitDataset(mnist, CLASSIFIER_SPLIT).heldOut;
  const total = reference + 2 * Math.max(...ns);
  if (total > heldOut.length) throw new Error(`need ${total} held-out digits; there are ${heldOut.length}`);
  const batch = toTensor(mnist, heldOut.subarray(0, total));
  const rows = featureRows(classifier, batch.images);
  tf.dispose([batch.images, batch.labels]);
  const real = { rows, space: classifier.digest };
  console.log(`# real-vs-real in the classifier's space (${rows.d} dims, digest ${classifier.digest.slice(0, 12)}…), ${repeats} random disjoint splits of ${total} held-out digits`);
  for (const n of ns) {
    const f = realVsReal(real, 'FID', n, reference, { repeats });
    const k = realVsReal(real, 'KID', n, reference, { repeats });
    const pr = balancedPrecisionRecall({ rows: { data: rows.data.subarray(0, n * rows.d), n, d: rows.d }, space: real.space },
      { rows: { data: rows.data.subarray(n * rows.d, 2 * n * rows.d), n, d: rows.d }, space: real.space });
    console.log(`N = ${n} vs ${reference}: FID ${f.mean.toFixed(3)} (${f.min.toFixed(3)}…${f.max.toFixed(3)}), KID×10³ ${(k.mean * 1e3).toFixed(3)} ` +
      `(${(k.min * 1e3).toFixed(3)}…${(k.max * 1e3).toFixed(3)}); precision/recall at ${n} vs ${n}: ${pr.precision.toFixed(3)} / ${pr.recall.toFixed(3)}`);
  }
  const refRows = { data: rows.data.subarray(0, reference * rows.d), n: reference, d: rows.d };
  const refStats = featureStats(rowsNdarray({ ...refRows, data: Float32Array.from(refRows.data) }));
  const rest = { data: rows.data.subarray(reference * rows.d), n: rows.n - reference, d: rows.d };
  const inf = fidInfinity({ rows: rest, space: real.space }, { stats: refStats, space: real.space }, { repeats });
  console.log(`FID∞ of ${rest.n} real digits vs the ${reference}-digit reference: ${inf.fidInfinity.toFixed(3)} (slope ${inf.slope.toFixed(1)}; ` +
    `${inf.points.map((p) => `N ${p.n}: ${p.fid.toFixed(3)}`).join(', ')})`);
  const first = { data: Float32Array.from(rest.data.subarray(0, 256 * rows.d)), n: 256, d: rows.d };
  const f32 = fid(rowsNdarray(first), refStats, { warn: () => undefined }).fid;
  const f16 = fid(rowsNdarray({ ...first, data: fromFloat16(toFloat16(first.data)) }), refStats, { warn: () => undefined }).fid;
  const maxAbs = first.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  console.log(`float16 storage: FID of 256 real digits ${f32.toFixed(5)} (float32) vs ${f16.toFixed(5)} (float16); largest |feature| ${maxAbs.toFixed(2)}`);
  classifier.dispose();
}

void main();
