/** The paired-difference chart: per method, metric(method) − metric(baseline) with its interval, a zero line, the verdict as colour. */
import type { TopLevelSpec } from 'vega-lite';
import type { Verdict } from '../../metrics/stats';
import * as check from '../check';
import { direction as checkDirection, type Direction } from '../summary';
import { themed } from '../theme';
import { round } from './image';

/** One method's paired difference to the baseline: estimate and interval [lo, hi], and the verdict they give. */
export interface DifferenceRow {
  method: string;
  estimate: number;
  lo: number;
  hi: number;
  verdict: Verdict;
}

/** Options of differenceChart. */
export interface DifferenceChartOptions {
  /** The metric with its unit, e.g. "FID". */
  metric: string;
  /** What was subtracted, e.g. "unguided" or "CFG γ = 0.5". */
  baseline: string;
  /** Which end of the metric is better (FID, KID: 'min'; accuracy: 'max'); named in the subtitle. */
  direction: Direction;
  /** Coverage of the intervals (default 0.95), for the subtitle. */
  level?: number;
  width?: number;
  title?: string;
}

/** Verdict colours: green better, red worse, grey tie. */
const VERDICT_COLOURS: Record<Verdict, string> = { better: '#1a9850', worse: '#d73027', tie: '#8c8c8c' };

/** Returns a spec with one row per method: a point at the difference, a bar over its interval, coloured by verdict, and a rule at 0. */
export function differenceChart(rows: readonly DifferenceRow[], options: DifferenceChartOptions): TopLevelSpec {
  const where = 'differenceChart';
  check.nonEmpty(where, 'rows', rows);
  const dir = checkDirection(where, options.direction);
  rows.forEach((r, i) => {
    if (typeof r.method !== 'string' || r.method === '') {
      throw new Error(`${where}: rows[${i}].method is ${JSON.stringify(r.method)}; give each row a method name`);
    }
    for (const k of ['estimate', 'lo', 'hi'] as const) check.finite(where, `rows[${i}].${k}`, r[k]);
    if (!(r.lo <= r.estimate && r.estimate <= r.hi)) {
      throw new Error(`${where}: rows[${i}] (${r.method}) has estimate ${r.estimate} outside [${r.lo}, ${r.hi}]`);
    }
    if (!(r.verdict in VERDICT_COLOURS)) {
      throw new Error(`${where}: rows[${i}].verdict is ${JSON.stringify(r.verdict)}; allowed: better, worse, tie`);
    }
  });
  const values = rows.map((r) => ({ ...r, estimate: round(r.estimate, 6), lo: round(r.lo, 6), hi: round(r.hi, 6) }));
  const verdicts = Object.keys(VERDICT_COLOURS) as Verdict[];
  const colour = {
    field: 'verdict',
    type: 'nominal' as const,
    title: 'verdict',
    scale: { domain: verdicts, range: verdicts.map((v) => VERDICT_COLOURS[v]) },
  };
  // Method labels carry their γ and setting (e.g. "sag[high-frequency-mask] γ=0.75"): room for them before truncation.
  const y = { field: 'method', type: 'nominal' as const, title: null, sort: rows.map((r) => r.method), axis: { labelLimit: 320 } };
  const label = `${options.metric} difference (method − ${options.baseline})`;
  const tooltip = [
    { field: 'method', type: 'nominal' },
    { field: 'estimate', type: 'quantitative', title: 'difference', format: '.4g' },
    { field: 'lo', type: 'quantitative', format: '.4g' },
    { field: 'hi', type: 'quantitative', format: '.4g' },
    { field: 'verdict', type: 'nominal' },
  ];
  const level = Math.round((options.level ?? 0.95) * 100);
  return themed({
    title: {
      text: options.title ?? `${options.metric}: paired difference to ${options.baseline}`,
      subtitle: [
        `bar: ${level}% bootstrap interval over the shared noise; ` +
          `${dir === 'min' ? 'below' : 'above'} 0 is better (${dir === 'min' ? 'lower' : 'higher'} ${options.metric})`,
      ],
    },
    width: options.width ?? 360,
    height: { step: 26 },
    data: { values },
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
      {
        mark: { type: 'rule', strokeWidth: 3 },
        encoding: { y, x: { field: 'lo', type: 'quantitative', title: label }, x2: { field: 'hi' }, color: colour, tooltip },
      },
      {
        mark: { type: 'point', filled: true, size: 80, stroke: 'black', strokeWidth: 0.8 },
        encoding: { y, x: { field: 'estimate', type: 'quantitative' }, color: colour, tooltip },
      },
    ],
  } as TopLevelSpec);
}
