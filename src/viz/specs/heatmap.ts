/** Ablation charts: a metric over a grid of two parameters, and a metric per variant as bars. */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { bestIndex, direction as checkDirection, summarise, type Direction } from '../summary';
import { DIVERGING_SCHEME, HIGHLIGHT_COLOUR, SEQUENTIAL_SCHEME, themed } from '../theme';
import { round } from './image';

/** One cell of a two-parameter sweep: the metric's `value` at (x, y). */
export interface GridRow {
  x: number | string;
  y: number | string;
  value: number;
}

/** Options of parameterHeatmap. */
export interface ParameterHeatmapOptions {
  xTitle: string;
  yTitle: string;
  /** The metric's name (legend title), e.g. "FID". */
  metric: string;
  /** Which end is better (default 'min'); the best cell is outlined. */
  direction?: Direction;
  /** Values are signed differences: diverging scale centred on 0 (default false: sequential). */
  diverging?: boolean;
  /** d3-format of the number printed in each cell (default ".2f"). */
  format?: string;
  cellSize?: number;
  title?: string;
}

/** Returns the distinct values of `xs` in order: numerically ascending if all are numbers, else as first seen. */
function levels(xs: readonly (number | string)[]): (number | string)[] {
  const distinct = [...new Set(xs)];
  return distinct.every((v) => typeof v === 'number') ? (distinct as number[]).sort((a, b) => a - b) : distinct;
}

/** Returns a spec of `value` over an (x, y) parameter grid as coloured cells with the value printed in each and the best cell outlined. */
export function parameterHeatmap(rows: readonly GridRow[], options: ParameterHeatmapOptions): TopLevelSpec {
  const where = 'parameterHeatmap';
  check.nonEmpty(where, 'rows', rows);
  for (const key of ['xTitle', 'yTitle', 'metric'] as const) {
    if (options == null || typeof options[key] !== 'string' || options[key] === '')
      throw new Error(`${where}: options.${key} is missing; give the axis titles and the metric's name`);
  }
  const dir = checkDirection(where, options.direction ?? 'min');
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    check.finite(where, `rows[${i}].value`, r.value);
    for (const k of ['x', 'y'] as const) {
      if (typeof r[k] === 'number') check.finite(where, `rows[${i}].${k}`, r[k] as number);
      else if (typeof r[k] !== 'string') throw new Error(`${where}: rows[${i}].${k} is ${String(r[k])}; give a number or a string`);
    }
    const key = `${r.x}\u0000${r.y}`;
    if (seen.has(key)) throw new Error(`${where}: rows[${i}] repeats (x ${r.x}, y ${r.y}); give one value per cell (average seeds first)`);
    seen.add(key);
  });
  const best = bestIndex(
    rows.map((r) => r.value),
    dir,
  );
  const values = rows.map((r, i) => ({ x: r.x, y: r.y, value: round(r.value), best: i === best }));
  const nums = values.map((v) => v.value);
  const mid = options.diverging ? 0 : (Math.min(...nums) + Math.max(...nums)) / 2;
  const size = options.cellSize === undefined ? 44 : check.positiveInt(where, 'cellSize', options.cellSize);
  const xs = levels(rows.map((r) => r.x));
  const ys = levels(rows.map((r) => r.y));
  const colourScale = options.diverging ? { scheme: DIVERGING_SCHEME, domainMid: 0, reverse: true } : { scheme: SEQUENTIAL_SCHEME };
  // Text must read on its cell: viridis is dark at low values, redblue is dark at both ends.
  const darkTest = options.diverging ? `abs(datum.value) > ${Math.max(...nums.map(Math.abs)) / 2}` : `datum.value < ${mid}`;
  const format = options.format ?? '.2f';
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    width: size * xs.length,
    height: size * ys.length,
    data: { values },
    encoding: {
      x: { field: 'x', type: 'ordinal', sort: xs, title: options.xTitle, axis: { labelAngle: 0, grid: false } },
      y: { field: 'y', type: 'ordinal', sort: [...ys].reverse(), title: options.yTitle, axis: { grid: false } },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: options.metric, scale: colourScale },
          tooltip: [
            { field: 'x', title: options.xTitle },
            { field: 'y', title: options.yTitle },
            { field: 'value', type: 'quantitative', title: options.metric, format },
          ],
        },
      },
      { transform: [{ filter: 'datum.best' }], mark: { type: 'rect', fillOpacity: 0, stroke: HIGHLIGHT_COLOUR, strokeWidth: 3 } },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'value', type: 'quantitative', format },
          color: { condition: { test: darkTest, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec);
}

/** One measurement of a variant (e.g. a SAG masking strategy), one seed; or one estimate with its 95% interval (one row per variant). */
export interface VariantRow {
  variant: string;
  value: number;
  seed?: number;
  /** The estimate's 95% interval [lo, hi], drawn as the whisker instead of the min–max over seeds. */
  interval?: [number, number];
}

/** Options of variantBars. */
export interface VariantBarsOptions {
  /** The metric's name with its unit if any (axis title). */
  metric: string;
  /** Which end is better (default 'min'); the best bar is highlighted. */
  direction?: Direction;
  /** A reference value (e.g. unguided) drawn as a dashed rule. */
  reference?: { label: string; value: number };
  /** Highlight the best bar (default true); false where the best value is not a verdict (its interval may overlap others'). */
  highlightBest?: boolean;
  format?: string;
  width?: number;
  title?: string;
}

/**
 * Returns a spec of one horizontal bar per variant (mean over seeds, in input order) with a min/max whisker when seeds differ, the best
 * variant highlighted, and an optional reference rule.
 */
export function variantBars(rows: readonly VariantRow[], options: VariantBarsOptions): TopLevelSpec {
  const where = 'variantBars';
  check.nonEmpty(where, 'rows', rows);
  if (options == null || typeof options.metric !== 'string' || options.metric === '')
    throw new Error(`${where}: options.metric is missing; name the metric (e.g. "FID")`);
  const dir = checkDirection(where, options.direction ?? 'min');
  rows.forEach((r, i) => {
    if (typeof r.variant !== 'string' || r.variant === '')
      throw new Error(`${where}: rows[${i}].variant is ${JSON.stringify(r.variant)}; give each row a variant name`);
    check.finite(where, `rows[${i}].value`, r.value);
  });
  const intervals = rows.some((r) => r.interval !== undefined);
  if (intervals) checkIntervals(where, rows);
  if (options.reference !== undefined) check.finite(where, 'options.reference.value', options.reference.value);
  const summaries = summarise(
    rows,
    (r) => r.variant,
    (r) => r,
    (r) => r.value,
  );
  const highlight = options.highlightBest ?? true;
  const best = highlight
    ? bestIndex(
        summaries.map((s) => s.mean),
        dir,
      )
    : -1;
  // With intervals, the whisker spans the interval (`seeds` 2 marks it as drawn); without, the min–max over seeds. The
  // value is printed at `labelAt`, right of both the whisker and the axis' zero, so that it sits on neither.
  const values = summaries.map((s, i) => {
    const max = round(s.key.interval?.[1] ?? s.max, 6);
    return {
      variant: s.key.variant,
      mean: round(s.mean, 6),
      min: round(s.key.interval?.[0] ?? s.min, 6),
      max,
      labelAt: Math.max(max, 0),
      seeds: intervals ? 2 : s.n,
      best: i === best,
    };
  });
  const whisker = intervals ? 'whisker: 95% interval' : values.some((v) => v.seeds > 1) ? 'whisker: min–max over seeds' : '';
  const legend = [
    ...(highlight ? [`highlighted: best (${dir === 'min' ? 'lowest' : 'highest'} mean)`] : []),
    ...(whisker ? [whisker] : []),
  ];
  const format = options.format ?? '.2f';
  const x = { field: 'mean', type: 'quantitative' as const, title: options.metric };
  const bars = [
    {
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        x,
        color: { condition: { test: 'datum.best', value: HIGHLIGHT_COLOUR }, value: '#4c78a8' },
        tooltip: [
          { field: 'variant', type: 'nominal' },
          { field: 'mean', type: 'quantitative', title: intervals ? 'estimate' : 'mean', format },
          { field: 'min', type: 'quantitative', title: intervals ? '95% low' : 'min', format },
          { field: 'max', type: 'quantitative', title: intervals ? '95% high' : 'max', format },
          ...(intervals ? [] : [{ field: 'seeds', type: 'quantitative' }]),
        ],
      },
    },
    {
      transform: [{ filter: 'datum.seeds > 1' }],
      mark: { type: 'rule', color: 'black' },
      encoding: { x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' } },
    },
    {
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
      encoding: { x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'mean', type: 'quantitative', format } },
    },
  ];
  // y lives on the bars only: the reference rule spans the whole height.
  const layers: object[] = [
    { encoding: { y: { field: 'variant', type: 'nominal', sort: values.map((v) => v.variant), title: null } }, layer: bars },
  ];
  // The reference is named in the subtitle, not printed on the plot, where it would sit on a bar.
  if (options.reference !== undefined) {
    const rule = { type: 'rule', strokeDash: [5, 4], color: '#555' };
    layers.push({
      data: { values: [{ value: options.reference.value }] },
      mark: rule,
      encoding: { x: { field: 'value', type: 'quantitative' } },
    });
  }
  return themed({
    title: {
      text: options.title ?? `${options.metric} per variant`,
      subtitle: [
        ...(legend.length ? [legend.join('; ')] : []),
        ...(options.reference === undefined ? [] : [`dashed: ${options.reference.label} (${round(options.reference.value)})`]),
      ],
    },
    width: options.width ?? 320,
    height: { step: 22 },
    data: { values },
    layer: layers,
  } as TopLevelSpec);
}

/**
 * Throws unless every row carries a finite interval [lo, hi] (a bootstrap percentile interval need not contain the
 * estimate) and no variant has two rows.
 */
function checkIntervals(where: string, rows: readonly VariantRow[]): void {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const iv = r.interval;
    if (!Array.isArray(iv) || iv.length !== 2 || !iv.every(Number.isFinite) || iv[0] > iv[1])
      throw new Error(
        `${where}: rows[${i}].interval is ${JSON.stringify(iv)}; give every row an interval [lo, hi] of finite numbers with lo ≤ hi`,
      );
    if (seen.has(r.variant))
      throw new Error(`${where}: variant "${r.variant}" has two rows; a row with an interval is the variant's one estimate`);
    seen.add(r.variant);
  });
}
