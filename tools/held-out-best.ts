/**
 * Is a ranking's best γ a winner's curse? `rankStudy` picks each method's best γ by the pooled FID of the same samples
 * whose paired differences it then reports, which favours the method. Here, from a study's committed points
 * (figures/<notebook>/rows.json and points/), each method's best γ is picked on the seeds `--select` only and its paired
 * differences to unguided (and to CFG at CFG's so-picked γ) are measured on the other seeds: a verdict that holds there
 * was not made by the choice of γ. Methods measured at one γ are left out (nothing is picked).
 *   node --import tsx tools/held-out-best.ts [--notebook 09-comparison] [--select 0,1] [--resamples 300]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/backend';
import { mergeSizes, PRESET_SIZES } from '../src/notebook/sizes';
import { openStudy, type Row, type StudyPoint } from '../src/notebook/study';
import { formatInterval, rankPoints, studyStatistics, type StudyRanking } from '../src/notebook/ranking';
import { readPoint } from '../src/notebook/point-cache';
import { numbers, option } from './argv';

/** Returns every measured point of a notebook's rows.json once (unguided ones as "unguided"), with its samples. */
function studyPoints(dir: string): { points: StudyPoint[]; seeds: number[]; samples: number } {
  const saved = JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')) as {
    sizes: { seeds: number[]; samples: number };
    rows: Record<string, (Row & { key?: string })[]>;
  };
  const seen = new Set<string>();
  const points: StudyPoint[] = [];
  for (const entry of Object.values(saved.rows).flat()) {
    if (typeof entry.key !== 'string') continue;
    const cached = readPoint(join(dir, 'points', `${entry.key}.json`), entry.key);
    const p = cached.point;
    // An unguided point is saved under each sweep's name at γ = 0 (and sometimes as "unguided"): one row, "unguided".
    const row = p.terms.length === 0 ? { ...entry, method: 'unguided', gamma: 0 } : entry;
    if (seen.has(`${row.key}|${row.method}`)) continue;
    seen.add(`${row.key}|${row.method}`);
    points.push({
      row: { ...row, samples: cached.samples },
      model: p.model,
      arch: p.arch,
      conditional: p.conditional,
      methods: p.terms.map((t) => t.method),
    });
  }
  return { points, seeds: saved.sizes.seeds, samples: saved.sizes.samples };
}

/** Returns `points` keeping, per (model, method), only the rows at the γ `pick` gives (unguided rows always). */
function atPicked(points: readonly StudyPoint[], pick: Map<string, number>): StudyPoint[] {
  return points.filter((p) => p.methods.length === 0 || pick.get(`${p.model}|${p.row.method}`) === p.row.gamma);
}

async function main(): Promise<void> {
  await initBackend();
  const notebook = option('notebook', '09-comparison');
  const select = numbers('select', '0,1');
  const resamples = Number(option('resamples', '300'));
  const dir = join('figures', notebook);
  const { points, seeds, samples } = studyPoints(dir);
  const held = seeds.filter((s) => !select.includes(s));
  if (select.length < 2 || held.length < 2) {
    throw new Error(`--select ${select} leaves ${held.length} of seeds [${seeds}] held out; both halves need ≥ 2 seeds`);
  }
  // FID is primary on either half (fidMinSamples 2): the selection and the check use the metric the ranking reports.
  const sizes = mergeSizes(PRESET_SIZES.full, { seeds: held, samples, fidMinSamples: 2 });
  const study = await openStudy(sizes, { log: (l) => console.log(`# ${l}`) });
  try {
    const statistics = studyStatistics(study);
    const on = (s: number[]) => points.filter((p) => s.includes(p.row.seed));
    const models = [...new Set(points.map((p) => p.model))];
    const archOf = new Map(points.map((p) => [p.model, p.arch]));
    // Pick per model (one ranking each), so that a method name shared by two models (07's icg) keeps both picks.
    const pick = new Map<string, number>();
    const multi = new Set<string>();
    for (const model of models) {
      const chosen = rankPoints(
        on(select).filter((p) => p.model === model),
        statistics,
        { resamples: 20 },
      );
      for (const m of chosen.methods) {
        pick.set(`${model}|${m.method}`, m.gamma);
        if (m.gammas.length > 1) multi.add(`${model}|${m.method}`);
      }
    }
    const reported = JSON.parse(readFileSync(join(dir, 'ranking.json'), 'utf8')) as StudyRanking;
    console.log(
      `# ${notebook}: best γ picked by pooled ${statistics.primary.name} on seeds [${select}], differences on seeds [${held}] ` +
        `(${held.length} × ${samples} samples, ${resamples} resamples within seeds); reported: all seeds [${seeds}]`,
    );
    console.log(
      '| model | method | reported best γ: FID − unguided (all seeds) | γ picked on held-in seeds | FID − unguided, held-out seeds | FID − CFG, held-out seeds |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const model of models) {
      // Only the methods with a γ to pick (and CFG, the baseline) are ranked: single-γ sweeps have no choice to test.
      const ranked = (p: StudyPoint) => p.methods.length === 0 || p.row.method === 'cfg' || multi.has(`${model}|${p.row.method}`);
      const ranking = rankPoints(
        atPicked(on(held), pick).filter((p) => p.model === model && ranked(p)),
        statistics,
        { resamples },
      );
      for (const m of ranking.methods) {
        if (!multi.has(`${model}|${m.method}`)) continue;
        const vs = (baseline: string) => {
          const d = m.versus.find((v) => v.baseline.startsWith(baseline))?.differences[0];
          return d ? `${formatInterval(d)} ${d.verdict}` : '–';
        };
        console.log(
          `| ${model.slice(0, 8)} | ${m.method} | ${reportedDifference(reported, m.method, model, archOf.get(model) ?? '')} | ${m.gamma} | ${vs('unguided')} | ${vs('CFG')} |`,
        );
      }
    }
  } finally {
    study.dispose();
  }
}

/** Returns the reported best γ and FID − unguided of `method` on `model` (family labels: the arch, and a digest when shared). */
function reportedDifference(reported: StudyRanking, method: string, model: string, arch: string): string {
  const named = reported.methods.filter((x) => x.method === method);
  const ofArch = named.length > 1 ? named.filter((x) => x.family.split(' ')[0] === arch) : named;
  const r = ofArch.length > 1 ? ofArch.find((x) => x.family.endsWith(model.slice(0, 8))) : ofArch[0];
  const d = r?.versus.find((v) => v.baseline === 'unguided')?.differences[0];
  return r && d ? `${r.gamma}: ${formatInterval(d)} ${d.verdict}` : '–';
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
