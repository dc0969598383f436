/**
 * A perturbation guidance (PAG, SEG, …) placed on each attention layer of a model alone and on all of them at once:
 * the sweep, its per-layer bars, and every layer's paired difference to one reference layer (04-pag, 05-seg).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { GuidanceTerm } from '../guidance';
import type { Denoiser } from '../model';
import { variantBars } from '../viz';
import { compareRows, comparisonChart, studyStatistics, type Comparison } from './ranking';
import { mean, type Row, type Study } from './study';

/** What `sweepLayers` runs: rows of `<method>[<layer>]` and `<method>[all]` from `make(γ, layers)` on `model` at γ = `gamma`. */
export interface LayerSweep {
  /** The method's name, e.g. "pag": rows are named "pag[mid.attn]", …, "pag[all]". */
  method: string;
  model: Denoiser;
  gamma: number;
  /** The guidance terms of γ on the given layers. */
  make: (gamma: number, layers: string[]) => GuidanceTerm[];
  /** The model's unguided rows (the sweep's γ = 0 and the ranking's baseline). */
  unguided: readonly Row[];
}

/** Returns the rows of each attention layer of the model alone, then of all of them at once (one per seed each), at one γ. */
export async function sweepLayers(study: Study, sweep: LayerSweep): Promise<Row[]> {
  const names = sweep.model.attentionLayers.map((l) => l.name);
  if (names.length === 0) throw new Error(`sweepLayers(${sweep.method}): the model has no attention layers to perturb`);
  const choices: [string, string[]][] = [...names.map((n): [string, string[]] => [n, [n]]), ['all', names]];
  const rows: Row[] = [];
  for (const [label, layers] of choices) {
    rows.push(
      ...(await study.sweep(`${sweep.method}[${label}]`, sweep.model, [sweep.gamma], (g) => sweep.make(g, layers), sweep.unguided)),
    );
  }
  return rows;
}

/**
 * Returns bars of KID ×10³ or class accuracy (%) per layer (mean over seeds, each seed a dot), the unguided mean as the
 * dashed rule; no bar is marked best (means are no verdict: `layerDifference` and the ranking give the intervals).
 * The title is `title` followed by ": <metric> per layer".
 */
export function layerBars(rows: readonly Row[], unguided: readonly Row[], metric: 'kid' | 'accuracy', title: string): TopLevelSpec {
  const scale = metric === 'kid' ? 1e3 : 100;
  const name = metric === 'kid' ? 'KID ×10³' : 'class accuracy (%)';
  return variantBars(
    rows.map((r) => ({ variant: r.method, seed: r.seed, value: r[metric] * scale })),
    {
      metric: name,
      direction: metric === 'kid' ? 'min' : 'max',
      highlightBest: false,
      ...(metric === 'accuracy' ? { format: '.0f' } : {}),
      reference: { label: 'unguided', value: mean(unguided.map((r) => r[metric])) * scale },
      title: `${title}: ${name} per layer`,
    },
  );
}

/**
 * Returns every other layer's paired differences to the rows of method `reference` (e.g. "pag[mid.attn]"), with the
 * study's statistics and bootstrap (kept in its cache), and their chart titled `title` followed by
 * ": <primary metric> − <reference>".
 */
export function layerDifference(
  study: Study,
  rows: readonly Row[],
  reference: string,
  title: string,
  resamples = 300,
): { comparisons: Comparison[]; chart: TopLevelSpec } {
  const groups = [...new Set(rows.map((r) => r.method))].map((method) => ({ method, rows: rows.filter((r) => r.method === method) }));
  const baseline = groups.find((g) => g.method === reference);
  if (!baseline) throw new Error(`layerDifference: no rows of "${reference}"; methods: ${groups.map((g) => g.method).join(', ')}`);
  const comparisons = compareRows(
    studyStatistics(study),
    groups.filter((g) => g !== baseline),
    baseline,
    { resamples, cache: study.cache },
  );
  const metric = comparisons[0].differences[0].metric.replace(' difference', '');
  return { comparisons, chart: comparisonChart(comparisons, `${title}: ${metric} − ${reference}`) };
}
