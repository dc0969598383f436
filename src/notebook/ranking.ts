/**
 * A study notebook's ranking: per method (a sweep's label), its best γ by the primary metric (FID of the pooled
 * seeds, or KID when they are too few) with a bootstrap interval, and paired differences — primary metric, KID when
 * FID is primary, the primary metric in the feature autoencoder's space when the study measures there, class accuracy
 * when conditional — to unguided and to CFG at its best γ (where the study swept CFG on the same model), each with
 * its 95% interval and verdict (better / worse / tie: does the interval exclude 0?). Intervals resample samples
 * within every seed ('within-seed', figures/README.md says why); the best γ is chosen on the estimate and not
 * resampled, which favours every method slightly. Points are grouped per model and conditioning (a "family").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { correctnessRun, featureRun, type FeatureSpaceKey } from '../experiments/samples';
import {
  bootstrapInterval,
  fidStatistic,
  kidStatistic,
  meanStatistic,
  pairedDifference,
  poolRuns,
  type BootstrapOptions,
  type Interval,
  type PairedDifference,
  type SampleRun,
  type WeightedStatistic,
} from '../metrics/stats';
import { differenceChart, type DifferenceRow } from '../viz';
import type { PointCache } from './point-cache';
import type { Row, Study, StudyPoint } from './study';

/** The statistics a ranking uses: the primary metric (picks the best γ), an optional second feature metric, and class accuracy. */
export interface RankingStatistics {
  primary: WeightedStatistic;
  secondary?: WeightedStatistic;
  /** The primary metric in the second feature space (the feature autoencoder's), read from the records' `ae` features. */
  secondSpace?: WeightedStatistic;
  accuracy: WeightedStatistic;
}

/** Options of `rankPoints` / `rankStudy`. */
export interface RankingOptions {
  /** Bootstrap replicates per interval (default 1000; fewer for grids). */
  resamples?: number;
  /** Bootstrap seed (default 0). */
  seed?: number;
  /** Where bootstrap results are kept, keyed by the points' keys (a rerun of the ranking reads them). */
  cache?: PointCache;
}

/** Differences of a method at its best γ to one baseline: primary metric first, then the secondary, then accuracy (when conditional). */
export interface Versus {
  /** "unguided" or "CFG γ = …". */
  baseline: string;
  differences: PairedDifference[];
}

/** One method of one family at its best γ. */
export interface MethodRanking {
  family: string;
  method: string;
  /** The γ grid measured (γ = 0 excluded) and the best γ on it. */
  gammas: number[];
  gamma: number;
  /** The primary metric at the best γ with its interval. */
  best: Interval;
  versus: Versus[];
}

/** A study's ranking: what was resampled and how, the unguided interval per family, and every method. */
export interface StudyRanking {
  metric: string;
  scheme: 'within-seed';
  resamples: number;
  level: number;
  seeds: number[];
  /** Samples per seed and point. */
  samples: number;
  /** Per model: its label ("unet", "unet unconditional", …), whether it samples with labels, its unguided interval, CFG's best γ. */
  families: { family: string; conditional: boolean; unguided?: Interval; cfg?: { method: string; gamma: number } }[];
  methods: MethodRanking[];
}

const SCHEME = 'within-seed' as const;

/**
 * Returns the ranking of a study's swept points (see the module comment), its statistics measured against the study's
 * reference. FID is primary when a point's samples over all seeds reach `sizes.fidMinSamples` (the bootstrap pools the
 * seeds), else KID.
 */
export function rankStudy(study: Study, options: RankingOptions = {}): StudyRanking {
  return rankPoints(study.points, studyStatistics(study), { cache: study.cache, ...options });
}

/**
 * Returns the statistics a study is ranked by: FID of the pooled seeds when they reach `sizes.fidMinSamples` (KID the
 * secondary), else KID; the primary metric in the second feature space when the study measures there; class accuracy.
 */
export function studyStatistics(study: Study): RankingStatistics {
  const space = study.classifier.digest;
  const fid = fidStatistic({ stats: study.reference.stats, space });
  const kid = kidStatistic({ rows: study.reference.rows, space });
  const { seeds, samples, fidMinSamples } = study.sizes;
  const fidOn = seeds.length * samples >= fidMinSamples;
  const second = study.second;
  const secondSpace = second
    ? {
        ...(fidOn
          ? fidStatistic({ stats: second.reference.stats, space: second.featurizer.digest })
          : kidStatistic({ rows: second.reference.rows, space: second.featurizer.digest })),
        name: `${fidOn ? 'FID' : 'KID'} (autoencoder)`,
      }
    : undefined;
  return {
    primary: fidOn ? fid : kid,
    secondary: fidOn ? kid : undefined,
    secondSpace,
    accuracy: meanStatistic('class accuracy', 'max'),
  };
}

/** Returns the ranking of `points` (rows with per-sample records, ≥ 2 seeds each; see the module comment). */
export function rankPoints(points: readonly StudyPoint[], statistics: RankingStatistics, options: RankingOptions = {}): StudyRanking {
  const boot = bootOptions(options);
  const families = groupFamilies(points);
  const { interval, difference } = bootstrapper(statistics, boot, options.cache);
  const out: StudyRanking = {
    metric: statistics.primary.name,
    scheme: SCHEME,
    resamples: boot.resamples,
    level: 0.95,
    seeds: [...new Set(points.map((p) => p.row.seed))].sort((a, b) => a - b),
    samples: points[0]?.row.samples?.n ?? 0,
    families: [],
    methods: [],
  };
  for (const fam of families) {
    const stats = [
      statistics.primary,
      ...(statistics.secondary ? [statistics.secondary] : []),
      ...(statistics.secondSpace ? [statistics.secondSpace] : []),
      ...(fam.conditional ? [statistics.accuracy] : []),
    ];
    const unguided = fam.unguided.length > 0 ? fam.unguided : undefined;
    const bests = fam.methods.map((m) => ({ ...m, ...bestGamma(m.byGamma, statistics.primary) }));
    const cfgCandidates = bests.filter((m) => m.cfg);
    const cfg = cfgCandidates.sort((a, b) => better(a.estimate, b.estimate, statistics.primary))[0];
    out.families.push({
      family: fam.label,
      conditional: fam.conditional,
      ...(unguided ? { unguided: interval(unguided, statistics.primary) } : {}),
      ...(cfg ? { cfg: { method: cfg.method, gamma: cfg.gamma } } : {}),
    });
    for (const m of bests) {
      const rows = m.byGamma.get(m.gamma) as Row[];
      const versus: Versus[] = [];
      if (unguided) versus.push({ baseline: 'unguided', differences: stats.map((s) => difference(rows, unguided, s)) });
      if (cfg && !m.cfg) {
        const cfgRows = cfg.byGamma.get(cfg.gamma) as Row[];
        versus.push({ baseline: `CFG γ = ${cfg.gamma}`, differences: stats.map((s) => difference(rows, cfgRows, s)) });
      }
      out.methods.push({
        family: fam.label,
        method: m.method,
        gammas: [...m.byGamma.keys()].sort((a, b) => a - b),
        gamma: m.gamma,
        best: interval(rows, statistics.primary),
        versus,
      });
    }
  }
  return out;
}

type Boot = Required<Pick<BootstrapOptions, 'resamples' | 'seed' | 'scheme'>>;

/** Returns the bootstrap options of a ranking: `options`' resamples (default 1000) and seed (default 0), within seeds. */
function bootOptions(options: RankingOptions): Boot {
  return { resamples: options.resamples ?? 1000, seed: options.seed ?? 0, scheme: SCHEME };
}

/** Returns interval and paired-difference functions over rows' records, each result kept in `cache` under the rows' keys. */
function bootstrapper(statistics: RankingStatistics, boot: Boot, cache?: PointCache) {
  const runsOf = (rows: readonly Row[], s: WeightedStatistic): SampleRun[] =>
    recordRuns(rows, s === statistics.accuracy ? 'correctness' : s === statistics.secondSpace ? 'ae' : 'features');
  const cached = <T>(what: Record<string, unknown>, keys: (string | undefined)[], compute: () => T): T =>
    cache && keys.every((k) => typeof k === 'string' && k !== '')
      ? cache.json({ ...what, keys, ...boot, level: 0.95 }, compute)
      : compute();
  return {
    interval: (rows: Row[], s: WeightedStatistic): Interval =>
      cached(
        { kind: 'interval', metric: s.name },
        rows.map((r) => r.key),
        () => bootstrapInterval(runsOf(rows, s), s, boot),
      ),
    difference: (rows: Row[], base: Row[], s: WeightedStatistic): PairedDifference =>
      cached(
        { kind: 'paired', metric: s.name },
        [...rows, ...base].map((r) => r.key),
        () => pairedDifference(runsOf(rows, s), runsOf(base, s), s, boot),
      ),
  };
}

/** Paired differences of one group of rows to a baseline group (`compareRows`). */
export interface Comparison {
  method: string;
  baseline: string;
  differences: PairedDifference[];
}

/**
 * Returns, per group, its paired differences to `baseline` (the same seeds and sample indices: e.g. an ablation's
 * variants against the paper's choice) in `statistics` (a study's: `studyStatistics`) — primary, secondary, second
 * space, and class accuracy when every row has one — with the ranking's bootstrap, kept in `options.cache`.
 */
export function compareRows(
  statistics: RankingStatistics,
  groups: readonly { method: string; rows: Row[] }[],
  baseline: { method: string; rows: Row[] },
  options: RankingOptions = {},
): Comparison[] {
  const { difference } = bootstrapper(statistics, bootOptions(options), options.cache);
  const conditional = [...baseline.rows, ...groups.flatMap((g) => g.rows)].every((r) => Number.isFinite(r.accuracy));
  const stats = [
    statistics.primary,
    ...(statistics.secondary ? [statistics.secondary] : []),
    ...(statistics.secondSpace ? [statistics.secondSpace] : []),
    ...(conditional ? [statistics.accuracy] : []),
  ];
  return groups.map((g) => ({
    method: g.method,
    baseline: baseline.method,
    differences: stats.map((s) => difference(g.rows, baseline.rows, s)),
  }));
}

/** Returns the comparisons as a Markdown table: one row per group, each difference "estimate [lo, hi] verdict (± half-width)". */
export function comparisonTable(comparisons: readonly Comparison[]): string {
  const names = [...new Set(comparisons.flatMap((c) => c.differences.map((d) => d.metric)))];
  const baseline = comparisons[0]?.baseline ?? '';
  const header = ['method', ...names.map((n) => `${n.replace(' difference', '')} − ${baseline}`)];
  const rows = comparisons.map((c) => [
    c.method,
    ...names.map((n) => {
      const d = c.differences.find((x) => x.metric === n);
      return d ? `${formatInterval(d)} ${d.verdict} (±${fmt(halfWidth(d), d.metric)})` : '–';
    }),
  ]);
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join(
    '\n',
  );
}

/** Returns a difference chart of the comparisons' first (primary) difference. */
export function comparisonChart(comparisons: readonly Comparison[], title: string): TopLevelSpec {
  const first = comparisons[0]?.differences[0];
  if (!first) throw new Error('comparisonChart: no comparisons; give at least one group');
  return differenceChart(
    comparisons.map((c) => ({ method: c.method, ...pick(c.differences[0]) })),
    {
      metric: first.metric.replace(' difference', ''),
      baseline: comparisons[0].baseline,
      direction: first.direction,
      level: first.level,
      title,
    },
  );
}

/** Returns the estimate, interval and verdict of a difference, the fields a difference chart draws. */
function pick(d: PairedDifference): { estimate: number; lo: number; hi: number; verdict: PairedDifference['verdict'] } {
  return { estimate: d.estimate, lo: d.lo, hi: d.hi, verdict: d.verdict };
}

/** Returns the ranking as a Markdown table: one row per method, each difference as "estimate [lo, hi] verdict (± half-width)". */
export function rankingTable(r: StudyRanking): string {
  const manyFamilies = r.families.length > 1;
  const baselines = ['unguided', ...(r.families.some((f) => f.cfg) ? ['CFG'] : [])];
  const diffNames = [...new Set(r.methods.flatMap((m) => m.versus.flatMap((v) => v.differences.map((d) => d.metric))))];
  const header = [
    ...(manyFamilies ? ['model'] : []),
    'method',
    'best γ (grid)',
    `${r.metric} at best γ [95%]`,
    ...baselines.flatMap((b) => diffNames.map((d) => `${d.replace(' difference', '')} − ${b}`)),
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const f of r.families) {
    if (f.unguided) {
      const cells = [
        ...(manyFamilies ? [f.family] : []),
        'unguided',
        '0',
        formatInterval(f.unguided),
        ...baselines.flatMap(() => diffNames.map(() => '')),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    for (const m of r.methods.filter((x) => x.family === f.family)) {
      const diffCells = baselines.flatMap((b) => {
        const v = m.versus.find((x) => (b === 'unguided' ? x.baseline === 'unguided' : x.baseline.startsWith('CFG')));
        return diffNames.map((name) => {
          const d = v?.differences.find((x) => x.metric === name);
          return d ? `${formatInterval(d)} ${d.verdict} (±${fmt(halfWidth(d), d.metric)})${b === 'CFG' ? ` vs ${v?.baseline}` : ''}` : '–';
        });
      });
      const cells = [
        ...(manyFamilies ? [f.family] : []),
        m.method,
        `${m.gamma} (${m.gammas.join(', ')})`,
        formatInterval(m.best),
        ...diffCells,
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/** Returns difference charts of the primary metric: `difference-unguided`, and `difference-cfg` when the study has CFG. */
export function rankingCharts(r: StudyRanking): Record<string, TopLevelSpec> {
  const charts: Record<string, TopLevelSpec> = {};
  const manyFamilies = r.families.length > 1;
  const level = r.level;
  const forBaseline = (pick: (v: Versus) => boolean): DifferenceRow[] =>
    r.methods.flatMap((m) => {
      const d = m.versus.find(pick)?.differences[0];
      if (!d || !(d.lo <= d.estimate && d.estimate <= d.hi)) return []; // a bias-corrected interval can miss its estimate: table only
      return [
        {
          method: `${manyFamilies ? `${m.family}: ` : ''}${m.method} γ=${m.gamma}`,
          estimate: d.estimate,
          lo: d.lo,
          hi: d.hi,
          verdict: d.verdict,
        },
      ];
    });
  const direction = r.metric === 'FID' || r.metric === 'KID' ? 'min' : 'max';
  const design = `${r.seeds.length} seeds × ${r.samples} samples, ${r.resamples} resamples within seeds`;
  const unguided = forBaseline((v) => v.baseline === 'unguided');
  if (unguided.length > 0) {
    charts['difference-unguided'] = differenceChart(unguided, {
      metric: r.metric,
      baseline: 'unguided',
      direction,
      level,
      title: `each method at its best γ: ${r.metric} − unguided (${design})`,
    });
  }
  const cfg = forBaseline((v) => v.baseline.startsWith('CFG'));
  if (cfg.length > 0) {
    const cfgGammas = [...new Set(r.families.flatMap((f) => (f.cfg ? [f.cfg.gamma] : [])))];
    charts['difference-cfg'] = differenceChart(cfg, {
      metric: r.metric,
      baseline: cfgGammas.length === 1 ? `CFG γ = ${cfgGammas[0]}` : 'CFG at its best γ',
      direction,
      level,
      title: `each method at its best γ: ${r.metric} − CFG at its best γ (${design})`,
    });
  }
  return charts;
}

/** Writes the ranking as JSON to `path` (folders created; what tools/verdict-tables.ts reads) and returns the path. */
export function saveRanking(path: string, r: StudyRanking): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(r, null, 1)}\n`);
  return path;
}

/** Returns (hi − lo) / 2 of an interval. */
export function halfWidth(iv: Pick<Interval, 'lo' | 'hi'>): number {
  return (iv.hi - iv.lo) / 2;
}

/** Returns "estimate [lo, hi]" in the metric's unit (KID ×10³, accuracy in points). */
export function formatInterval(iv: Pick<Interval, 'metric' | 'estimate' | 'lo' | 'hi'>): string {
  return `${fmt(iv.estimate, iv.metric)} [${fmt(iv.lo, iv.metric)}, ${fmt(iv.hi, iv.metric)}]`;
}

/** Returns a value of `metric` for tables: KID ×10³, class accuracy in %, FID with 2 decimals. */
function fmt(v: number, metric: string): string {
  if (metric.startsWith('KID')) return (v * 1e3).toFixed(1);
  if (metric.startsWith('class accuracy')) return (v * 100).toFixed(1);
  return v.toFixed(2);
}

interface Family {
  label: string;
  conditional: boolean;
  unguided: Row[];
  methods: { method: string; cfg: boolean; byGamma: Map<number, Row[]> }[];
}

/** Returns the points grouped per (model, conditioning), each with its unguided rows (one per seed) and its methods' rows per γ. */
function groupFamilies(points: readonly StudyPoint[]): Family[] {
  const byKey = new Map<string, { point: StudyPoint; family: Family }>();
  for (const p of points) {
    const id = `${p.model}|${p.conditional}`;
    let entry = byKey.get(id);
    if (!entry) {
      entry = {
        point: p,
        family: { label: `${p.arch}${p.conditional ? '' : ' unconditional'}`, conditional: p.conditional, unguided: [], methods: [] },
      };
      byKey.set(id, entry);
    }
    const fam = entry.family;
    if (p.methods.length === 0) {
      if (!fam.unguided.some((r) => r.seed === p.row.seed)) fam.unguided.push(p.row);
      continue;
    }
    let m = fam.methods.find((x) => x.method === p.row.method);
    if (!m) {
      m = { method: p.row.method, cfg: p.methods.length === 1 && p.methods[0] === 'cfg', byGamma: new Map() };
      fam.methods.push(m);
    }
    const list = m.byGamma.get(p.row.gamma) ?? [];
    const twin = list.find((r) => r.seed === p.row.seed);
    if (twin && twin.key !== undefined && twin.key === p.row.key) continue; // the same point measured again (a rerun cell)
    if (twin) {
      throw new Error(
        `two rows of "${p.row.method}" γ = ${p.row.gamma} at seed ${p.row.seed} on one model: give each sweep its own method name`,
      );
    }
    m.byGamma.set(p.row.gamma, [...list, p.row]);
  }
  const entries = [...byKey.values()];
  const shared = new Set(entries.map((e) => e.family.label).filter((l, i, all) => all.indexOf(l) !== i));
  return entries.map((e) =>
    shared.has(e.family.label) ? { ...e.family, label: `${e.family.label} ${e.point.model.slice(0, 8)}` } : e.family,
  );
}

/** Returns the γ whose pooled rows give the best estimate of `s` (a statistic in the classifier's space), with that estimate. */
function bestGamma(byGamma: Map<number, Row[]>, s: WeightedStatistic): { gamma: number; estimate: number } {
  const scored = [...byGamma.entries()].map(([gamma, rows]) => {
    const pool = poolRuns(recordRuns(rows, 'features'), s.name);
    return { gamma, estimate: s.prepare(pool)(new Float64Array(pool.n).fill(1)) };
  });
  return scored.sort((a, b) => better(a.estimate, b.estimate, s))[0];
}

/** Sort comparator: the better value of `s` first. */
function better(a: number, b: number, s: WeightedStatistic): number {
  return s.direction === 'min' ? a - b : b - a;
}

/** Returns the rows' per-sample runs of one kind (correctness, or one space's features), one per row; throws naming a bare row. */
export function recordRuns(rows: readonly Row[], kind: FeatureSpaceKey | 'correctness'): SampleRun[] {
  return rows.map((r) => {
    if (r.samples === undefined) {
      throw new Error(`${r.method} γ = ${r.gamma} seed ${r.seed} has no per-sample record; measure it with keepSamples (Study.sweep does)`);
    }
    return kind === 'correctness' ? correctnessRun(r.samples) : featureRun(r.samples, kind);
  });
}
