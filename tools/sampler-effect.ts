/**
 * The studies' sampler against a converged one, on the ranked metrics (issue 18, "the sampler question"): the same
 * points as 09-comparison's full size (mnist-unet-main, seeds 0–4 × 64 samples, labels cycling 0…9, the same noise)
 * measured with Heun 12 and with a high-step Heun reference, unguided and with each method named. Prints, with
 * bootstrap 95% intervals over samples within seeds (the rankings' scheme):
 *   - the sampler's own effect per point: metric(Heun 12) − metric(reference), paired on the noise;
 *   - each method's effect, method − unguided, at both samplers (does the ranking's effect survive a converged sampler?).
 *   node --import tsx tools/sampler-effect.ts [--reference 64] [--methods cfg:1,autoguidance:1] [--resamples 1000]
 *     [--seeds 0,1,2,3,4] [--samples 64] [--points tools/results/sampler-effect/points]
 *     [--out tools/results/<date>-sampler-effect.json]
 * Points are cached in the --points folder (a rerun reads them).
 */
import { writeFileSync } from 'node:fs';
import { initBackend, loadShipped } from '../src';
import type { FeatureSpaceKey } from '../src/experiments/samples';
import { autoguidance, cfg, type GuidanceTerm } from '../src/guidance';
import {
  fidStatistic,
  kidStatistic,
  meanStatistic,
  pairedDifference,
  type PairedDifference,
  type WeightedStatistic,
} from '../src/metrics/stats';
import { notebookSizes } from '../src/notebook/sizes';
import { openStudy, type Row, type Study } from '../src/notebook/study';
import { formatInterval, recordRuns } from '../src/notebook/ranking';
import { numbers, option } from './argv';

/** The guidance terms of a method at γ (the 09 comparison's set-up). */
type Maker = (gamma: number) => GuidanceTerm[];

/** One statistic and the per-sample record it reads. */
interface Measure {
  statistic: WeightedStatistic;
  record: FeatureSpaceKey | 'correctness';
}

function measuresOf(study: Study): Measure[] {
  const second = study.second;
  if (!second) throw new Error('the sampler effect needs the feature autoencoder (data/feature-ae/mnist-ae)');
  return [
    { statistic: fidStatistic({ stats: study.reference.stats, space: study.classifier.digest }), record: 'features' },
    { statistic: kidStatistic({ rows: study.reference.rows, space: study.classifier.digest }), record: 'features' },
    {
      statistic: { ...fidStatistic({ stats: second.reference.stats, space: second.featurizer.digest }), name: 'FID (autoencoder)' },
      record: 'ae',
    },
    { statistic: meanStatistic('class accuracy', 'max'), record: 'correctness' },
  ];
}

async function main(): Promise<void> {
  const referenceSteps = numbers('reference', '64')[0];
  const resamples = numbers('resamples', '1000')[0];
  const methodList = option('methods', 'cfg:1,autoguidance:1')
    .split(',')
    .map((s) => {
      const [method, gamma] = s.split(':');
      if (!method || !Number.isFinite(Number(gamma)) || Number(gamma) <= 0) {
        throw new Error(`--methods: "${s}" is not method:γ with γ > 0 (methods: cfg, autoguidance)`);
      }
      return { method, gamma: Number(gamma) };
    });
  const out = option('out', `tools/results/${new Date().toISOString().slice(0, 10)}-sampler-effect.json`);
  const backend = await initBackend();
  const model = (await loadShipped('mnist-unet-main')).model;
  const guide = (await loadShipped('mnist-unet-small')).model;
  const makers: Record<string, Maker> = {
    cfg: (g) => [cfg({ gamma: g })],
    autoguidance: (g) => [autoguidance({ gamma: g, guide })],
  };
  for (const { method } of methodList) {
    if (!(method in makers)) throw new Error(`--methods: unknown method "${method}"; methods: ${Object.keys(makers).join(', ')}`);
  }
  const full = notebookSizes({ GUIDANCE_LAB_SIZE: 'full' });
  const sizes = { ...full, seeds: numbers('seeds', full.comparison.seeds.join(',')), samples: numbers('samples', String(full.samples))[0] };
  const points = option('points', 'tools/results/sampler-effect/points');
  const samplers = [
    { label: `heun ${sizes.steps}`, study: await openStudy(sizes, { points }) },
    { label: `heun ${referenceSteps}`, study: await openStudy({ ...sizes, steps: referenceSteps }, { points }) },
  ];
  console.log(
    `# sampler effect: ${backend}, mnist-unet-main, seeds [${sizes.seeds}] × ${sizes.samples} samples, ${resamples} resamples within seeds`,
  );
  const rowsBy = new Map<string, Row[]>();
  for (const s of samplers) {
    const unguided = await s.study.unguidedRows(model);
    rowsBy.set(`${s.label}|unguided`, unguided);
    for (const { method, gamma } of methodList) {
      rowsBy.set(`${s.label}|${method}`, await s.study.sweep(method, model, [gamma], makers[method], unguided));
    }
  }
  const measures = measuresOf(samplers[0].study);
  const boot = { resamples, seed: 0, scheme: 'within-seed' as const };
  const diff = (a: Row[], b: Row[], m: Measure): PairedDifference =>
    pairedDifference(recordRuns(a, m.record), recordRuns(b, m.record), m.statistic, boot);
  const rowsOf = (sampler: string, method: string) => rowsBy.get(`${sampler}|${method}`) as Row[];
  const record: Record<string, unknown>[] = [];
  const [h, ref] = samplers.map((s) => s.label);
  console.log(`\n## the sampler's own effect: ${h} − ${ref}, same noise`);
  console.log(`| point | ${measures.map((m) => m.statistic.name).join(' | ')} |`);
  console.log(`|---|${measures.map(() => '---|').join('')}`);
  for (const method of ['unguided', ...methodList.map((m) => m.method)]) {
    const label = method === 'unguided' ? method : `${method} γ = ${methodList.find((m) => m.method === method)?.gamma}`;
    const ds = measures.map((m) => diff(rowsOf(h, method), rowsOf(ref, method), m));
    console.log(`| ${label} | ${ds.map((d) => `${formatInterval(d)} ${d.verdict}`).join(' | ')} |`);
    record.push({ kind: 'sampler', point: label, differences: ds });
  }
  console.log(`\n## each method's effect (method − unguided) at both samplers`);
  console.log(`| method | sampler | ${measures.map((m) => m.statistic.name).join(' | ')} |`);
  console.log(`|---|---|${measures.map(() => '---|').join('')}`);
  for (const { method, gamma } of methodList) {
    for (const s of [h, ref]) {
      const ds = measures.map((m) => diff(rowsOf(s, method), rowsOf(s, 'unguided'), m));
      console.log(`| ${method} γ = ${gamma} | ${s} | ${ds.map((d) => `${formatInterval(d)} ${d.verdict}`).join(' | ')} |`);
      record.push({ kind: 'method', point: `${method} γ = ${gamma}`, sampler: s, differences: ds });
    }
  }
  writeFileSync(
    out,
    JSON.stringify({ backend, seeds: sizes.seeds, samples: sizes.samples, reference: referenceSteps, resamples, record }, null, 1),
  );
  console.log(`\nwritten ${out}`);
  for (const s of samplers) s.study.dispose();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
