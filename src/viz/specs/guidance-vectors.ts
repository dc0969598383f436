/**
 * Views of the guidance vector Δ = γ(P − N): a statistic of Δ against σ per method (its size, its cosine with
 * CFG's), Δ's radial power spectrum with a σ selector, and |Δ| beside the sample with method and σ selectors.
 */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { summarise } from '../summary';
import { lineColour, themed } from '../theme';
import type { ImageInput } from '../types';
import { checkImage, imageLayer, imageUrl, pixelScale, round } from './image';
import { PICK_METHOD } from './curves';
import { wrappedCells } from './grid';

/** One value of a statistic of Δ for `method` at noise level `sigma` (one sample). */
export interface SigmaRow {
  method: string;
  sigma: number;
  value: number;
}

/** Options of sigmaCurves. */
export interface SigmaCurvesOptions {
  /** The y-axis title (e.g. "‖Δ‖ (RMS per pixel)"). */
  metric: string;
  logY?: boolean;
  /** A fixed y domain (e.g. [−1, 1] for a cosine). */
  yDomain?: [number, number];
  width?: number;
  height?: number;
  title?: string;
}

/** The σ selector of deltaSpectrumCurves and guidanceVectorViewer: the index of the shown σ in descending order. */
export const PICK_SIGMA = 'pickSigma';
/** The method selector of guidanceVectorViewer. */
export const PICK_VIEW_METHOD = 'pickViewMethod';

const SIGMA_AXIS = 'noise level σ (log; sampling runs left to right)';

function checkRows(where: string, rows: readonly SigmaRow[], logY: boolean): void {
  check.nonEmpty(where, 'rows', rows);
  rows.forEach((r, i) => {
    if (typeof r.method !== 'string' || r.method === '')
      throw new Error(`${where}: rows[${i}].method is ${JSON.stringify(r.method)}; give each row a method name`);
    check.finite(where, `rows[${i}].sigma`, r.sigma);
    if (r.sigma <= 0) throw new Error(`${where}: rows[${i}].sigma is ${r.sigma}; σ must be > 0 on a log axis`);
    check.finite(where, `rows[${i}].value`, r.value);
    if (logY && r.value <= 0) throw new Error(`${where}: rows[${i}].value is ${r.value}; a log y axis needs values > 0`);
  });
}

/**
 * Returns a spec of a statistic of Δ against σ (log, descending, so the trajectory runs left to right): per method the
 * mean over samples as a line with points and their min/max as a band; a click on a legend entry highlights a method.
 */
export function sigmaCurves(rows: readonly SigmaRow[], options: SigmaCurvesOptions): TopLevelSpec {
  const where = 'sigmaCurves';
  if (options == null || typeof options.metric !== 'string' || options.metric === '')
    throw new Error(`${where}: options.metric is missing; name the statistic`);
  checkRows(where, rows, options.logY ?? false);
  const summaries = summarise(
    rows,
    (r) => `${r.method}\u0000${r.sigma}`,
    (r) => ({ method: r.method, sigma: r.sigma }),
    (r) => r.value,
  );
  const values = summaries.map((s) => ({ ...s.key, mean: round(s.mean, 6), min: round(s.min, 6), max: round(s.max, 6), samples: s.n }));
  const methods = [...new Set(rows.map((r) => r.method))];
  const yScale = {
    ...(options.logY ? { type: 'log' as const } : { zero: false }),
    ...(options.yDomain ? { domain: options.yDomain } : {}),
  };
  const colour = lineColour('method', 'method', methods);
  const picked = (on: number, off: number) => ({ condition: { param: PICK_METHOD, value: on }, value: off });
  const tooltip = [
    { field: 'method', type: 'nominal' },
    { field: 'sigma', type: 'quantitative', title: 'σ', format: '.3g' },
    { field: 'mean', type: 'quantitative', title: `${options.metric} (mean)`, format: '.4g' },
    { field: 'min', type: 'quantitative', format: '.4g' },
    { field: 'max', type: 'quantitative', format: '.4g' },
    { field: 'samples', type: 'quantitative' },
  ];
  return themed({
    title: {
      text: options.title ?? `${options.metric} vs σ`,
      subtitle: 'line: mean over samples; band: min–max; click a legend entry to pick a method',
    },
    width: options.width ?? 360,
    height: options.height ?? 240,
    data: { values },
    encoding: { x: { field: 'sigma', type: 'quantitative', title: SIGMA_AXIS, scale: { type: 'log', reverse: true } }, color: colour },
    layer: [
      {
        mark: { type: 'area' },
        encoding: { y: { field: 'min', type: 'quantitative', scale: yScale }, y2: { field: 'max' }, opacity: picked(0.18, 0.04) },
      },
      {
        params: [{ name: PICK_METHOD, select: { type: 'point', fields: ['method'] }, bind: 'legend' }],
        mark: { type: 'line', point: { size: 25 }, strokeWidth: 1.5 },
        encoding: { y: { field: 'mean', type: 'quantitative', title: options.metric, scale: yScale }, tooltip, opacity: picked(1, 0.15) },
      },
    ],
  } as TopLevelSpec);
}

/** One radially averaged power spectrum of Δ (one sample) for `method` at `sigma`, frequencies in cycles per pixel. */
export interface SigmaSpectrum {
  method: string;
  sigma: number;
  frequency: number[];
  power: number[];
}

/** Returns the distinct σ values of `items`, descending (the order sampling visits them). */
function sigmasOf(items: readonly { sigma: number }[]): number[] {
  return [...new Set(items.map((i) => i.sigma))].sort((a, b) => b - a);
}

/** Returns a select binding over the σ values (as their index in descending order), with `initial` picked. */
function sigmaParam(sigmas: readonly number[], initial: number) {
  return {
    name: PICK_SIGMA,
    value: initial,
    bind: { input: 'select', options: sigmas.map((_, i) => i), labels: sigmas.map((s) => `σ = ${round(s, 3)}`), name: 'noise level ' },
  };
}

/** Returns the index of `sigma` among `sigmas` (relative tolerance 1e-6), or throws listing them. */
function sigmaIndex(where: string, sigmas: readonly number[], sigma: number): number {
  const i = sigmas.findIndex((s) => Math.abs(s - sigma) <= 1e-6 * Math.max(s, sigma));
  if (i < 0)
    throw new Error(`${where}: initialSigma is ${sigma}; it must be one of the recorded σ: ${sigmas.map((s) => round(s, 4)).join(', ')}`);
  return i;
}

/** Options of deltaSpectrumCurves. */
export interface DeltaSpectrumOptions {
  /** The σ shown first (and in the static PNG; default the largest). */
  initialSigma?: number;
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Returns a spec of Δ's radial power (log) against frequency at one σ at a time, chosen with a select (param
 * PICK_SIGMA): per method the mean over samples as a line and the min/max as a band.
 */
export function deltaSpectrumCurves(spectra: readonly SigmaSpectrum[], options: DeltaSpectrumOptions = {}): TopLevelSpec {
  const where = 'deltaSpectrumCurves';
  check.nonEmpty(where, 'spectra', spectra);
  const points = spectra.flatMap((s, k) => {
    if (typeof s.method !== 'string' || s.method === '')
      throw new Error(`${where}: spectra[${k}].method is ${JSON.stringify(s.method)}; give each spectrum a method`);
    check.finite(where, `spectra[${k}].sigma`, s.sigma);
    if (!Array.isArray(s.frequency) || !Array.isArray(s.power) || s.frequency.length !== s.power.length || s.power.length === 0) {
      throw new Error(
        `${where}: spectra[${k}] has ${s.frequency?.length} frequencies and ${s.power?.length} powers; give the same non-zero number of each`,
      );
    }
    return s.frequency.map((f, i) => {
      check.finite(where, `spectra[${k}].power[${i}]`, s.power[i]);
      if (f < 0 || f > 0.5)
        throw new Error(`${where}: spectra[${k}].frequency[${i}] is ${f}; frequencies are in cycles per pixel, 0 … 0.5`);
      // Exact zeros (a constant Δ has no power above DC) are floored for the log axis.
      return { method: s.method, sigma: s.sigma, frequency: f, power: Math.max(s.power[i], 1e-12) };
    });
  });
  const sigmas = sigmasOf(spectra);
  const initial = options.initialSigma === undefined ? 0 : sigmaIndex(where, sigmas, options.initialSigma);
  const values = summarise(
    points,
    (p) => `${p.method}\u0000${p.sigma}\u0000${p.frequency}`,
    (p) => ({ method: p.method, sigma: p.sigma, frequency: p.frequency }),
    (p) => p.power,
  ).map((s) => ({
    ...s.key,
    step: sigmas.indexOf(s.key.sigma),
    mean: round(s.mean),
    min: round(s.min),
    max: round(s.max),
  }));
  const methods = [...new Set(spectra.map((s) => s.method))];
  const x = {
    field: 'frequency',
    type: 'quantitative' as const,
    title: 'frequency (cycles/pixel)',
    scale: { domain: [0, 0.5], nice: false },
  };
  const colour = lineColour('method', 'method', methods);
  return themed({
    title: {
      text: options.title ?? "Δ's radial power spectrum",
      subtitle: 'line: mean over samples; band: min–max; pick σ below the chart',
    },
    params: [sigmaParam(sigmas, initial)],
    width: options.width ?? 360,
    height: options.height ?? 240,
    data: { values },
    transform: [{ filter: `datum.step == ${PICK_SIGMA}` }],
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x, color: colour, y: { field: 'min', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x,
          color: colour,
          y: { field: 'mean', type: 'quantitative', title: 'power of Δ (mean, band: min–max)', scale: { type: 'log' } },
          tooltip: [
            { field: 'method', type: 'nominal' },
            { field: 'sigma', type: 'quantitative', title: 'σ', format: '.3g' },
            { field: 'frequency', type: 'quantitative', format: '.3f' },
            { field: 'mean', type: 'quantitative', format: '.3g' },
          ],
        },
      },
      {
        // The shown σ, written in the plot's top-right corner (the static PNG has no select to read it from).
        transform: [
          { aggregate: [{ op: 'max', field: 'sigma', as: 'shown' }] },
          { calculate: "'σ = ' + format(datum.shown, '.3~g')", as: 'label' },
        ],
        mark: { type: 'text', align: 'right', baseline: 'top', x: 'width', y: 4, dx: -4, fontSize: 12 },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  } as TopLevelSpec);
}

/** One image of the viewer: a method's sample (no σ: shown at every σ) or its |Δ| at one σ. */
export interface VectorViewCell {
  method: string;
  /** The σ of a |Δ| map; absent for the sample itself. */
  sigma?: number;
  image: ImageInput;
}

/** Options of guidanceVectorViewer. */
export interface VectorViewerOptions {
  /** The method and σ shown first (and in the static PNG; default the first method and the largest σ). */
  initialMethod?: string;
  initialSigma?: number;
  /** Display pixels per image pixel (default: about 96 px per image). */
  pixelSize?: number;
  title?: string;
}

/**
 * Returns a spec showing, for one method and one σ at a time (selects PICK_VIEW_METHOD and PICK_SIGMA), the method's
 * samples and then their |Δ| maps at that σ, each captioned by its image label. Every (method, σ) needs the same number of
 * |Δ| maps and every method the same number of samples (one per starting noise, in the same order).
 */
export function guidanceVectorViewer(cells: readonly VectorViewCell[], options: VectorViewerOptions = {}): TopLevelSpec {
  const where = 'guidanceVectorViewer';
  check.nonEmpty(where, 'cells', cells);
  cells.forEach((c, i) => {
    if (typeof c.method !== 'string' || c.method === '')
      throw new Error(`${where}: cells[${i}].method is ${JSON.stringify(c.method)}; give each cell a method`);
    if (c.sigma !== undefined) check.finite(where, `cells[${i}].sigma`, c.sigma);
    checkImage(where, `cells[${i}].image`, c.image);
    check.sameSize(
      where,
      'cells[0].image',
      cells[0].image.height,
      cells[0].image.width,
      `cells[${i}].image`,
      c.image.height,
      c.image.width,
    );
  });
  const methods = [...new Set(cells.map((c) => c.method))];
  const maps = cells.filter((c) => c.sigma !== undefined) as (VectorViewCell & { sigma: number })[];
  check.nonEmpty(where, '|Δ| cells (cells with a sigma)', maps);
  const sigmas = sigmasOf(maps);
  const count = (m: string, s?: number) => cells.filter((c) => c.method === m && c.sigma === s).length;
  const samples = count(methods[0]);
  const perMap = count(methods[0], sigmas[0]);
  for (const m of methods) {
    if (count(m) !== samples)
      throw new Error(`${where}: method ${m} has ${count(m)} samples, ${methods[0]} has ${samples}; give every method the same noise`);
    for (const s of sigmas) {
      if (count(m, s) !== perMap)
        throw new Error(`${where}: ${m} at σ = ${s} has ${count(m, s)} |Δ| maps, ${methods[0]} at σ = ${sigmas[0]} has ${perMap}`);
    }
  }
  const initialMethod = options.initialMethod ?? methods[0];
  if (!methods.includes(initialMethod)) throw new Error(`${where}: initialMethod is "${initialMethod}"; methods: ${methods.join(', ')}`);
  const initialSigma = options.initialSigma === undefined ? 0 : sigmaIndex(where, sigmas, options.initialSigma);
  const scale = pixelScale(where, cells[0].image.width, options.pixelSize);
  const placed = cells.map((c) => {
    const group = cells.filter((o) => o.method === c.method && o.sigma === c.sigma);
    const place = c.sigma === undefined ? group.indexOf(c) : samples + group.indexOf(c);
    return {
      caption: c.image.label ?? (c.sigma === undefined ? 'sample' : '|Δ|'),
      url: imageUrl(c.image, scale),
      place,
      method: c.method,
      step: c.sigma === undefined ? -1 : sigmas.indexOf(c.sigma),
    };
  });
  const columns = Math.max(samples, perMap);
  const layout = wrappedCells(placed, columns, cells[0].image.width * scale, cells[0].image.height * scale);
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    params: [
      { name: PICK_VIEW_METHOD, value: initialMethod, bind: { input: 'select', options: methods, name: 'method ' } },
      sigmaParam(sigmas, initialSigma),
    ],
    ...layout,
    transform: [{ filter: `datum.method == ${PICK_VIEW_METHOD} && (datum.step == -1 || datum.step == ${PICK_SIGMA})` }],
  } as TopLevelSpec);
}

/** One |Δ| map of the overview: `method` at `sigma`. */
export interface OverviewCell {
  method: string;
  sigma: number;
  image: ImageInput;
}

/** Options of vectorOverview. */
export interface VectorOverviewOptions {
  /** Display pixels per image pixel (default: about 64 px per image). */
  pixelSize?: number;
  title?: string;
}

/** Returns a spec laying out one image per (method, σ): a row per method, a column per σ (descending, as sampling visits them). */
export function vectorOverview(cells: readonly OverviewCell[], options: VectorOverviewOptions = {}): TopLevelSpec {
  const where = 'vectorOverview';
  check.nonEmpty(where, 'cells', cells);
  const seen = new Set<string>();
  cells.forEach((c, i) => {
    if (typeof c.method !== 'string' || c.method === '')
      throw new Error(`${where}: cells[${i}].method is ${JSON.stringify(c.method)}; give each cell a method`);
    check.finite(where, `cells[${i}].sigma`, c.sigma);
    checkImage(where, `cells[${i}].image`, c.image);
    check.sameSize(
      where,
      'cells[0].image',
      cells[0].image.height,
      cells[0].image.width,
      `cells[${i}].image`,
      c.image.height,
      c.image.width,
    );
    const key = `${c.method}\u0000${c.sigma}`;
    if (seen.has(key))
      throw new Error(`${where}: cells[${i}] repeats method "${c.method}" at σ = ${c.sigma}; give one image per (method, σ)`);
    seen.add(key);
  });
  const scale =
    options.pixelSize === undefined
      ? Math.max(1, Math.round(64 / cells[0].image.width))
      : pixelScale(where, cells[0].image.width, options.pixelSize);
  const [w, h] = [cells[0].image.width * scale, cells[0].image.height * scale];
  const sigmas = sigmasOf(cells);
  const values = cells.map((c) => ({ method: c.method, column: sigmas.indexOf(c.sigma), url: imageUrl(c.image, scale) }));
  const labels = sigmas.map((s) => `σ = ${round(s, 3)}`);
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    data: { values },
    facet: {
      row: {
        field: 'method',
        type: 'nominal',
        sort: [...new Set(cells.map((c) => c.method))],
        title: null,
        header: { labelAngle: 0, labelAlign: 'left' },
      },
      column: {
        field: 'column',
        type: 'ordinal',
        sort: 'ascending',
        title: null,
        header: { labelExpr: `${JSON.stringify(labels)}[datum.value]` },
      },
    },
    spacing: 4,
    spec: { width: w, height: h, layer: [imageLayer(w, h)] },
  } as TopLevelSpec);
}
