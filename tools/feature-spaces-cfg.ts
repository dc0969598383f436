/**
 * Generated digits in both feature spaces: mnist-unet-main unguided and with CFG at a few γ, the same noise for every γ
 * (seeds × samples), measured by the Study against all 1000 held-out digits. Per γ: FID in the classifier's space and in
 * the feature autoencoder's, and the paired difference to unguided in each with its bootstrap interval (within-seed,
 * the scheme for this project's independent noise) and verdict: where the verdicts differ, the spaces disagree.
 *   node --import tsx tools/feature-spaces-cfg.ts [--gammas 1,3] [--samples 128] [--seeds 0,1] [--steps 8] [--sampler euler]
 */
import { initBackend } from '../src/backend';
import { cfg } from '../src/guidance';
import { loadShipped } from '../src/model';
import {
  fidStatistic,
  frechetDistance,
  pairedDifference,
  poolRuns,
  weightedStats,
  type FeatureStats,
  type SampleRun,
} from '../src/metrics';
import { featureRun, type FeatureSpaceKey } from '../src/experiments/samples';
import { mergeSizes, PRESET_SIZES } from '../src/notebook/sizes';
import { openStudy, type Measured } from '../src/notebook/study';
import { option } from './argv';

async function main(): Promise<void> {
  await initBackend();
  const gammas = option('gammas', '1,3').split(',').map(Number);
  const sampler = option('sampler', 'euler');
  if (sampler !== 'euler' && sampler !== 'heun') throw new Error(`--sampler is "${sampler}"; allowed: euler, heun`);
  const sizes = mergeSizes(PRESET_SIZES.smoke, {
    samples: Number(option('samples', '128')),
    seeds: option('seeds', '0,1').split(',').map(Number),
    steps: Number(option('steps', '8')),
    sampler,
    realSamples: 1000,
    batchSize: 64,
    fidMinSamples: 2,
  });
  const study = await openStudy(sizes, { log: (l) => console.log(`# ${l}`) });
  const { model } = await loadShipped('mnist-unet-main');
  const second = study.second;
  if (second === undefined) throw new Error('the study has no second space');
  const measure = async (gamma: number): Promise<Measured[]> => {
    const out: Measured[] = [];
    for (const seed of sizes.seeds) out.push(await study.measure(model, gamma === 0 ? [] : [cfg({ gamma })], seed, { keepSamples: true }));
    return out;
  };
  const runs = (ms: Measured[], which: FeatureSpaceKey): SampleRun[] => ms.map((m) => featureRun(m.samples!, which));
  const space = (which: FeatureSpaceKey, stats: FeatureStats, digest: string) => ({
    which,
    stats,
    stat: fidStatistic({ stats, space: digest }),
  });
  const spaces = [
    space('features', study.reference.stats, study.classifier.digest),
    space('ae', second.reference.stats, second.featurizer.digest),
  ];
  const base = await measure(0);
  /** FID of all seeds' samples pooled, in one space. */
  const pooledFid = (ms: Measured[], s: (typeof spaces)[number]): number => {
    const pool = poolRuns(runs(ms, s.which), 'FID');
    return frechetDistance(weightedStats(pool, new Float64Array(pool.n).fill(1)), s.stats);
  };
  console.log(`| γ | FID classifier | − unguided (95%) | verdict | FID autoencoder | − unguided (95%) | verdict | class accuracy |`);
  console.log('|---|---|---|---|---|---|---|---|');
  const unguidedFids = spaces.map((s) => pooledFid(base, s));
  const accuracy = (ms: Measured[]) => ms.reduce((a, m) => a + m.accuracy, 0) / ms.length;
  console.log(`| 0 | ${unguidedFids[0].toFixed(2)} | | | ${unguidedFids[1].toFixed(3)} | | | ${(100 * accuracy(base)).toFixed(0)}% |`);
  for (const gamma of gammas) {
    const ms = await measure(gamma);
    const cells = spaces.map((s, i) => {
      const d = pairedDifference(runs(ms, s.which), runs(base, s.which), s.stat, { resamples: 300, scheme: 'within-seed' });
      const digits = i === 0 ? 2 : 3;
      return `${pooledFid(ms, s).toFixed(digits)} | ${d.estimate.toFixed(digits)} (${d.lo.toFixed(digits)}…${d.hi.toFixed(digits)}) | ${d.verdict}`;
    });
    console.log(`| ${gamma} | ${cells.join(' | ')} | ${(100 * accuracy(ms)).toFixed(0)}% |`);
  }
  study.dispose();
}

void main();
