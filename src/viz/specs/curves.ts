/**
 * Metric-vs-γ curves (FID, precision, recall, class accuracy): one line per method, a min/max band over seeds, the best γ marked, the
 * unguided value as a rule.
 */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { bestIndex, direction as checkDirection, summarise, type Direction } from '../summary';
import { lineColour, themed } from '../theme';
import { round } from './image';

/** One measurement: `value` of the metric for `method` at guidance weight `gamma` (one seed). */
export interface MetricRow {
  method: string;
  gamma: number;
  value: number;
  seed?: number;
}

/** The legend selection of metricCurves: clicking a method's legend entry highlights its curve. */
export const PICK_METHOD = 'pickMethod';

/** Above this many methods the min/max bands overlap into one mass: each is drawn only while its method is picked in the legend. */
const MAX_BANDS_SHOWN = 5;

/** Options of metricCurves. */
export interface MetricCurvesOptions {
  /** The metric's name with its unit if any, used as the y-axis title (e.g. "FID", "class accuracy (%)"). */
  metric: string;
  /** Which end is better (default 'min', as for FID); the marker sits at each method's best mean. */
  direction?: Direction;
  /** The unguided (γ = 0) value, drawn as a dashed horizontal rule. */
  unguided?: number;
  /** The estimator's floor at the same sample counts (the metric between two disjoint real sets), drawn as a solid grey rule. */
  floor?: number;
  /** Log-scale y (default false). */
  logY?: boolean;
  /** Log-scale x (default false), e.g. for curves over the noise level σ. */
  logX?: boolean;
  /** Mark each method's best value with a diamond (default true; false for curves with no "best", e.g. an error per σ). */
  markBest?: boolean;
  /** The x-axis title (default "guidance weight γ"), for curves over another parameter in the `gamma` field (e.g. a SIMS budget). */
  xTitle?: string;
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Returns a spec of the metric against γ (or the parameter named by `xTitle`): per method the mean over seeds as a line with points, the
 * min/max band, a large marker at the best γ, and the unguided rule.
 */
export function metricCurves(rows: readonly MetricRow[], options: MetricCurvesOptions): TopLevelSpec {
  const where = 'metricCurves';
  check.nonEmpty(where, 'rows', rows);
  if (options == null || typeof options.metric !== 'string' || options.metric === '')
    throw new Error(`${where}: options.metric is missing; name the metric (e.g. "FID")`);
  const dir = checkDirection(where, options.direction ?? 'min');
  rows.forEach((r, i) => {
    if (typeof r.method !== 'string' || r.method === '')
      throw new Error(`${where}: rows[${i}].method is ${JSON.stringify(r.method)}; give each row a method name`);
    check.finite(where, `rows[${i}].gamma`, r.gamma);
    check.finite(where, `rows[${i}].value`, r.value);
    if (options.logY && r.value <= 0) throw new Error(`${where}: rows[${i}].value is ${r.value}; a log y axis needs values > 0`);
    if (options.logX && r.gamma <= 0) throw new Error(`${where}: rows[${i}].gamma is ${r.gamma}; a log x axis needs values > 0`);
  });
  if (options.unguided !== undefined) check.finite(where, 'options.unguided', options.unguided);
  if (options.floor !== undefined) check.finite(where, 'options.floor', options.floor);
  const summaries = summarise(
    rows,
    (r) => `${r.method}\u0000${r.gamma}`,
    (r) => ({ method: r.method, gamma: r.gamma }),
    (r) => r.value,
  );
  const methods = [...new Set(rows.map((r) => r.method))];
  const values = summaries.map((s) => ({
    ...s.key,
    mean: round(s.mean, 6),
    min: round(s.min, 6),
    max: round(s.max, 6),
    seeds: s.n,
    best: false,
  }));
  for (const m of methods) {
    const mine = values.filter((v) => v.method === m);
    mine[
      bestIndex(
        mine.map((v) => v.mean),
        dir,
      )
    ].best = true;
  }
  // A log axis spans the data (nice would round it out to whole decades, squeezing FID 3…4 into a corner of 1…10).
  const yScale = options.logY ? { type: 'log' as const, nice: false, padding: 12 } : { zero: false };
  const y = { field: 'mean', type: 'quantitative' as const, title: options.metric, scale: yScale };
  const colour = lineColour('method', 'method', methods);
  const tooltip = [
    { field: 'method', type: 'nominal' },
    { field: 'gamma', type: 'quantitative', title: options.xTitle ?? 'γ' },
    { field: 'mean', type: 'quantitative', title: `${options.metric} (mean)`, format: '.4g' },
    { field: 'min', type: 'quantitative', format: '.4g' },
    { field: 'max', type: 'quantitative', format: '.4g' },
    { field: 'seeds', type: 'quantitative' },
  ];
  // Interaction: a click on a legend entry highlights that method (shift-click adds more); drag pans, wheel zooms.
  const picked = (on: number, off: number) => ({ condition: { param: PICK_METHOD, value: on }, value: off });
  const bandsOnPick = methods.length > MAX_BANDS_SHOWN;
  const curves: object[] = [
    {
      mark: { type: 'area' },
      encoding: {
        y: { field: 'min', type: 'quantitative', scale: yScale },
        y2: { field: 'max' },
        color: colour,
        opacity: bandsOnPick ? { condition: { param: PICK_METHOD, empty: false, value: 0.18 }, value: 0 } : picked(0.18, 0.04),
      },
    },
    {
      params: [
        { name: PICK_METHOD, select: { type: 'point', fields: ['method'] }, bind: 'legend' },
        { name: 'zoom', select: 'interval', bind: 'scales' },
      ],
      mark: { type: 'line', point: { size: 25 }, strokeWidth: 1.5 },
      encoding: { y, color: colour, tooltip, opacity: picked(1, 0.15) },
    },
  ];
  const markBest = options.markBest ?? true;
  if (markBest) {
    curves.push({
      transform: [{ filter: 'datum.best' }],
      mark: { type: 'point', shape: 'diamond', size: 140, filled: true, stroke: 'black', strokeWidth: 1 },
      encoding: { y, color: colour, tooltip, opacity: picked(1, 0.15) },
    });
  }
  // x lives on the curves only: the unguided rule spans the whole width.
  const xScale = options.logX ? { type: 'log' as const, nice: false, padding: 12 } : { zero: true };
  // Labels centred on their ticks: flush end labels (vega-lite's default) ran into their neighbours on dense grids ("0.00.2").
  const x = {
    field: 'gamma',
    type: 'quantitative',
    title: options.xTitle ?? 'guidance weight γ',
    scale: xScale,
    axis: { labelFlush: false },
  };
  const layers: object[] = [{ encoding: { x }, layer: curves }];
  // The unguided value is named in the subtitle, not printed on the plot, where it would sit on the curves.
  if (options.unguided !== undefined) {
    layers.push({
      data: { values: [{ unguided: options.unguided }] },
      mark: { type: 'rule', strokeDash: [5, 4], color: '#555' },
      encoding: { y: { field: 'unguided', type: 'quantitative' } },
    });
  }
  if (options.floor !== undefined) {
    layers.push({
      data: { values: [{ floor: options.floor }] },
      mark: { type: 'rule', strokeWidth: 2, color: '#9e9e9e' },
      encoding: { y: { field: 'floor', type: 'quantitative' } },
    });
  }
  return themed({
    title: {
      text: options.title ?? `${options.metric} vs ${options.xTitle ?? 'γ'}`,
      subtitle: [
        [
          ...(markBest ? [`◆ best ${options.xTitle ? 'value' : 'γ'} per method (${dir === 'min' ? 'lowest' : 'highest'} mean)`] : []),
          ...(values.some((v) => v.seeds > 1) ? [`band: min–max over seeds${bandsOnPick ? ' (click a method in the legend)' : ''}`] : []),
        ].join('; '),
        ...(options.unguided === undefined ? [] : [`dashed: unguided (${round(options.unguided)})`]),
        ...(options.floor === undefined ? [] : [`grey: real vs real at the same N (${round(options.floor)}), the estimator's floor`]),
      ],
    },
    width: options.width ?? 360,
    height: options.height ?? 240,
    data: { values },
    layer: layers,
  } as TopLevelSpec);
}
