/**
 * Charts of the 2-D toy: panels in data coordinates that layer a density image, points, arrows and
 * trajectories; and an interactive γ slider over guided samples.
 */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { grayPngDataUrl } from '../png';
import { MAX_FIGURE_WIDTH, themed } from '../theme';
import { round } from './image';

/** A scalar map over the panel's extent, row 0 at the top, values in [0, 1] (1 = darkest). */
export interface ToyBackground {
  values: ArrayLike<number>;
  height: number;
  width: number;
}

/** A point with its colour group. */
export interface ToyPoint {
  x: number;
  y: number;
  group: string;
}

/** An arrow from (x, y) to (x2, y2). */
export interface ToyArrow {
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/** One vertex of trajectory `id` at position `step`. */
export interface ToyPathPoint {
  id: number;
  step: number;
  x: number;
  y: number;
  group: string;
}

/** One panel: a title and any of its layers. */
export interface ToyPanel {
  title: string;
  background?: ToyBackground;
  points?: readonly ToyPoint[];
  arrows?: readonly ToyArrow[];
  paths?: readonly ToyPathPoint[];
}

/** Options of toyPanels. */
export interface ToyPanelsOptions {
  /** [xmin, xmax, ymin, ymax] shared by every panel. */
  extent: [number, number, number, number];
  columns?: number;
  /** Panel width in pixels (height follows the extent's aspect ratio). */
  size?: number;
  title?: string;
  /** Colour legend title and group order (fixed colours across panels). */
  colourTitle?: string;
  groups?: readonly string[];
  pointSize?: number;
  pointOpacity?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Returns the extent after checking it is finite with xmin < xmax and ymin < ymax. */
function checkExtent(where: string, extent: [number, number, number, number]): [number, number, number, number] {
  const [x0, x1, y0, y1] = extent ?? [];
  [x0, x1, y0, y1].forEach((v, i) => check.finite(where, `extent[${i}]`, v));
  if (!(x1 > x0 && y1 > y0)) throw new Error(`${where}: extent [${extent}] must have xmin < xmax and ymin < ymax`);
  return [x0, x1, y0, y1];
}

/** A panel's width beyond its plot (axis labels, spacing) and the colour legend's width, for the fit within MAX_FIGURE_WIDTH. */
const PANEL_EXTRA = 50;
const LEGEND = 90;

/** Returns at most `wanted` columns, fewer when that many panels of `size` px would be wider than MAX_FIGURE_WIDTH. */
function fitColumns(wanted: number, size: number): number {
  let columns = wanted;
  while (columns > 1 && columns * (size + PANEL_EXTRA) + LEGEND > MAX_FIGURE_WIDTH) columns--;
  return columns;
}

/** Returns a quantitative position encoding of `field` over exactly [lo, hi], without axis title or grid. */
function position(field: 'x' | 'y', lo: number, hi: number) {
  const scale = { domain: [lo, hi], nice: false, zero: false };
  return { field, type: 'quantitative' as const, scale, axis: { title: null, tickCount: 5, grid: false } };
}

/**
 * Returns a spec of panels (wrapped into `columns`, fewer when that many would be wider than MAX_FIGURE_WIDTH), each
 * layering density image, trajectories, points and arrows over one shared extent.
 */
export function toyPanels(panels: readonly ToyPanel[], options: ToyPanelsOptions): TopLevelSpec {
  const where = 'toyPanels';
  check.nonEmpty(where, 'panels', panels);
  const [x0, x1, y0, y1] = checkExtent(where, options.extent);
  const size = options.size ?? 220;
  const height = Math.round((size * (y1 - y0)) / (x1 - x0));
  const used = panels.flatMap((p) => [...(p.points ?? []), ...(p.paths ?? [])].map((q) => q.group));
  const groups = options.groups ?? [...new Set(used)].sort();
  const scale = { domain: [...groups], range: PALETTE.slice(0, Math.max(groups.length, 1)) };
  const colour = { field: 'group', type: 'nominal' as const, title: options.colourTitle ?? null, scale };
  const [x, y] = [position('x', x0, x1), position('y', y0, y1)];
  const inside = { filter: `datum.x >= ${x0} && datum.x <= ${x1} && datum.y >= ${y0} && datum.y <= ${y1}` };
  panels.forEach((p, i) => {
    for (const [what, items] of [
      ['points', p.points],
      ['paths', p.paths],
      ['arrows', p.arrows],
    ] as const) {
      (items ?? []).forEach((q, j) => {
        for (const [k, v] of Object.entries(q)) if (typeof v === 'number') check.finite(where, `panels[${i}].${what}[${j}].${k}`, v);
      });
    }
  });
  // Identical density images (the same background under several panels) are stored once, as named datasets.
  const images = new Map<string, string>();
  const specs = panels.map((p, i) => {
    // An invisible frame layer, so every panel has the shared axes even when it only shows an image.
    const frame = {
      data: {
        values: [
          { x: x0, y: y0 },
          { x: x1, y: y1 },
        ],
      },
      mark: { type: 'point', opacity: 0 },
      encoding: { x, y },
    };
    const layer: object[] = [frame];
    if (p.background) {
      const b = p.background;
      check.grid(where, `panels[${i}].background.values`, b.values, b.height, b.width);
      const pixels = Array.from(b.values, (v) => 1 - 2 * Math.min(1, Math.max(0, v)));
      const scale = Math.max(1, Math.round(size / b.width));
      const url = grayPngDataUrl(pixels, b.height, b.width, scale);
      if (!images.has(url)) images.set(url, `background${images.size}`);
      layer.push({
        data: { name: images.get(url) },
        mark: { type: 'image', width: size, height, aspect: false, smooth: true, align: 'left', baseline: 'top' },
        encoding: { url: { field: 'url', type: 'nominal' }, x: { value: 0 }, y: { value: 0 } },
      });
    }
    if (p.paths?.length) {
      layer.push({
        data: { values: p.paths.map((q) => ({ ...q, x: round(q.x, 5), y: round(q.y, 5) })) },
        mark: { type: 'line', strokeWidth: 0.8, opacity: 0.6, clip: true },
        encoding: { x, y, detail: { field: 'id', type: 'nominal' }, order: { field: 'step', type: 'quantitative' }, color: colour },
      });
    }
    if (p.points?.length) {
      layer.push({
        data: { values: p.points.map((q) => ({ x: round(q.x, 5), y: round(q.y, 5), group: q.group })) },
        transform: [inside],
        mark: { type: 'circle', size: options.pointSize ?? 6, opacity: options.pointOpacity ?? 0.7, clip: true },
        encoding: { x, y, color: colour },
      });
    }
    if (p.arrows?.length) {
      // The head's angle turns the upward triangle clockwise onto the arrow's direction (x right, y up).
      const values = p.arrows.map((a) => {
        const angle = round((Math.atan2(a.x2 - a.x, a.y2 - a.y) * 180) / Math.PI, 4);
        return { x: round(a.x, 5), y: round(a.y, 5), x2: round(a.x2, 5), y2: round(a.y2, 5), angle };
      });
      layer.push({
        data: { values },
        mark: { type: 'rule', color: '#c2185b', strokeWidth: 1.2, clip: true },
        encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } },
      });
      layer.push({
        data: { values },
        mark: { type: 'point', shape: 'triangle-up', filled: true, size: 18, color: '#c2185b', opacity: 1, clip: true },
        encoding: { x: { ...x, field: 'x2' }, y: { ...y, field: 'y2' }, angle: { field: 'angle', type: 'quantitative', scale: null } },
      });
    }
    if (layer.length === 1) throw new Error(`${where}: panels[${i}] ("${p.title}") has nothing to draw`);
    return { title: { text: p.title, fontSize: 12 }, width: size, height, layer };
  });
  const columns = fitColumns(options.columns ?? Math.min(specs.length, 4), size);
  const datasets = Object.fromEntries([...images].map(([url, name]) => [name, [{ url }]]));
  return themed({ title: options.title, columns, datasets, concat: specs, resolve: { scale: { color: 'shared' } } } as TopLevelSpec);
}

/** One guided sample for the slider: `method`, γ, position and colour group (e.g. the class). */
export interface ToySliderRow {
  method: string;
  gamma: number;
  x: number;
  y: number;
  group: string;
}

/** Options of toyGammaSlider. */
export interface ToyGammaSliderOptions {
  extent: [number, number, number, number];
  /** Exact data points drawn in light grey behind every panel. */
  data?: readonly { x: number; y: number }[];
  /** The γ shown first (default the smallest). */
  initial?: number;
  size?: number;
  title?: string;
}

/**
 * Returns an interactive spec: one panel per method (wrapped to fit MAX_FIGURE_WIDTH), showing the samples of the γ
 * picked by a range slider (a select on an uneven γ grid; a `gamma` param).
 */
export function toyGammaSlider(rows: readonly ToySliderRow[], options: ToyGammaSliderOptions): TopLevelSpec {
  const where = 'toyGammaSlider';
  check.nonEmpty(where, 'rows', rows);
  rows.forEach((r, i) => ['gamma', 'x', 'y'].forEach((k) => check.finite(where, `rows[${i}].${k}`, r[k as 'gamma' | 'x' | 'y'])));
  const gammas = [...new Set(rows.map((r) => r.gamma))].sort((a, b) => a - b);
  const steps = gammas.slice(1).map((g, i) => g - gammas[i]);
  const step = steps.length ? Math.min(...steps) : 1;
  const methods = [...new Set(rows.map((r) => r.method))];
  const [x0, x1, y0, y1] = checkExtent(where, options.extent);
  const size = options.size ?? 240;
  const data = (options.data ?? []).map((d) => ({ kind: 'data', gamma: null, x: round(d.x, 5), y: round(d.y, 5), group: 'data' }));
  const values = [
    ...methods.flatMap((method) => data.map((d) => ({ method, ...d }))),
    ...rows.map((r) => ({ method: r.method, kind: 'sample', gamma: r.gamma, x: round(r.x, 5), y: round(r.y, 5), group: r.group })),
  ];
  const [x, y] = [position('x', x0, x1), position('y', y0, y1)];
  // A range slider only where the γ grid is evenly spaced; otherwise it would stop at γ values with no samples.
  const even = steps.every((s) => Math.abs(s - step) < 1e-9);
  const slider = even
    ? { input: 'range', min: gammas[0], max: gammas[gammas.length - 1], step, name: 'guidance weight γ ' }
    : { input: 'select', options: gammas, name: 'guidance weight γ ' };
  return themed({
    title: options.title,
    data: { values },
    params: [{ name: 'gamma', value: options.initial ?? gammas[0], bind: slider }],
    facet: { field: 'method', type: 'nominal', title: null, sort: methods },
    columns: fitColumns(methods.length, size),
    spec: {
      width: size,
      height: Math.round((size * (y1 - y0)) / (x1 - x0)),
      layer: [
        {
          transform: [{ filter: "datum.kind === 'data'" }],
          mark: { type: 'circle', size: 4, color: '#bbbbbb', opacity: 0.6, clip: true },
          encoding: { x, y },
        },
        {
          transform: [{ filter: `datum.kind === 'sample' && abs(datum.gamma - gamma) < ${step / 2}` }],
          mark: { type: 'circle', size: 7, opacity: 0.8, clip: true },
          encoding: { x, y, color: { field: 'group', type: 'nominal', title: 'class', scale: { range: PALETTE } } },
        },
      ],
    },
  } as TopLevelSpec);
}
