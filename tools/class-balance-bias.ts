/**
 * What class-balanced sampling does to KID and FID. The studies sample labels cycling 0…9 (exactly balanced classes),
 * while KID's unbiased estimator and FID's covariance assume independent draws. This tool draws real digits two ways
 * from one pool (the training split, classes as they come; the held-out reference is the studies' 1000 digits): i.i.d.,
 * and balanced (n/10 per class, as the studies' labels), and prints the mean KID ×10³ and FID against the reference
 * over repeated draws, with standard errors, and KID's class-stratified form (`kidStratified`, which weighs same-class
 * pairs as independent draws would). Real digits against real digits: an unbiased estimator averages ≈ 0 KID.
 *   node --import tsx tools/class-balance-bias.ts [--sizes 64,320] [--draws 40]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src';
import { loadDataset, splitDataset, spreadSubset, toTensor } from '../src/data';
import { featureRows, type FeatureRows } from '../src/metrics';
import { CLASSIFIER_SPLIT, loadClassifier } from '../src/metrics/classifier';
import { featureStats, frechetDistance } from '../src/metrics/fid';
import { kid, kidStratified } from '../src/metrics/kid';
import { Rng } from '../src/random';
import { numbers } from './argv';

/** Returns rows `idx` of `f` as nested arrays. */
function pick(f: FeatureRows, idx: ArrayLike<number>): number[][] {
  return Array.from(idx, (i) => Array.from(f.data.subarray(i * f.d, (i + 1) * f.d)));
}

const meanSe = (a: number[]): string => {
  const m = a.reduce((x, y) => x + y, 0) / a.length;
  const se = Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / (a.length - 1) / a.length);
  return `${m.toFixed(2)} ± ${se.toFixed(2)}`;
};

async function main(): Promise<void> {
  const sizes = numbers('sizes', '64,320');
  const draws = numbers('draws', '40')[0];
  await initBackend();
  const classifier = await loadClassifier();
  const mnist = await loadDataset('mnist');
  const split = splitDataset(mnist, CLASSIFIER_SPLIT);
  const refBatch = toTensor(mnist, spreadSubset(split.heldOut, 1000));
  const poolBatch = toTensor(mnist, spreadSubset(split.train, 3000, 5));
  const ref = featureRows(classifier, refBatch.images);
  const pool = featureRows(classifier, poolBatch.images);
  const labels = Array.from(poolBatch.labels.dataSync());
  tf.dispose([refBatch.images, refBatch.labels, poolBatch.images, poolBatch.labels]);
  const refRows = pick(
    ref,
    Array.from({ length: ref.n }, (_, i) => i),
  );
  const refStats = featureStats(refRows);
  const byClass = Array.from({ length: 10 }, (_, c) => labels.flatMap((l, i) => (l === c ? [i] : [])));
  const rng = new Rng(1);
  console.log(`# class-balance bias: ${ref.n} held-out reference digits, pool of ${pool.n} training digits, ${draws} draws per size`);
  console.log('| samples | draw | KID ×10³ (mean ± s.e.) | stratified KID ×10³ | FID (mean ± s.e.) |');
  console.log('|---|---|---|---|---|');
  for (const n of sizes) {
    const empty = () => ({ kid: [] as number[], stratified: [] as number[], fid: [] as number[] });
    const result = { iid: empty(), balanced: empty() };
    for (let r = 0; r < draws; r++) {
      const iid = Array.from(rng.permutation(pool.n).slice(0, n));
      const perClass = byClass.map((c) => Array.from(rng.permutation(c.length), (j) => c[j]));
      const balanced = Array.from({ length: n }, (_, k) => perClass[k % 10][Math.floor(k / 10)]);
      for (const [name, idx] of [
        ['iid', iid],
        ['balanced', balanced],
      ] as const) {
        const rows = pick(pool, idx);
        result[name].kid.push(kid(rows, refRows) * 1e3);
        // An i.i.d. draw may hold a class once or not at all; the stratified form is for the balanced design.
        if (name === 'balanced')
          result[name].stratified.push(
            kidStratified(
              rows,
              idx.map((i) => labels[i]),
              refRows,
            ) * 1e3,
          );
        result[name].fid.push(frechetDistance(featureStats(rows), refStats));
      }
    }
    for (const name of ['iid', 'balanced'] as const) {
      console.log(
        `| ${n} | ${name === 'iid' ? 'i.i.d.' : 'balanced (n/10 per class)'} | ${meanSe(result[name].kid)} | ${name === 'balanced' ? meanSe(result[name].stratified) : '–'} | ${meanSe(result[name].fid)} |`,
      );
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
