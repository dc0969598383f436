/** Spectra: 2D log-magnitude (or signed difference) heatmaps and radially averaged power spectra. */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { summarise } from '../summary';
import { DIVERGING_SCHEME, SEQUENTIAL_SCHEME, lineColour, themed } from '../theme';
import type { MapInput } from '../types';
import { checkMap, round } from './image';

/** A centred 2D spectrum (DC at row ⌊h/2⌋, column ⌊w/2⌋, as after fftshift) with a panel label. */
export interface Spectrum2D extends MapInput {
  label: string;
}

/** Options of spectrumHeatmap. */
export interface SpectrumHeatmapOptions {
  /**
   * 'magnitude': values are |F| ≥ 0, drawn as log₁₀; 'difference': values are signed (e.g. a difference of log spectra), drawn on a
   * diverging scale centred on 0.
   */
  mode?: 'magnitude' | 'difference';
  /** Display size of each panel in pixels (default 192). */
  size?: number;
  title?: string;
}

const FREQ_AXIS = 'frequency (cycles/pixel)';
/** Short axis titles of the 2D panels, narrower than a panel so that side-by-side panels' titles never collide. */
const PANEL_AXIS = { x: 'fx (cycles/pixel)', y: 'fy (cycles/pixel)' };

/** Returns the frequency in cycles per pixel of index `i` of a centred axis of length `n`. */
function centredFrequency(i: number, n: number): number {
  return (i - Math.floor(n / 2)) / n;
}

/** Returns a spec with one heatmap panel per spectrum (sequential log₁₀|F| or diverging signed values), axes in cycles per pixel. */
export function spectrumHeatmap(spectra: readonly Spectrum2D[], options: SpectrumHeatmapOptions = {}): TopLevelSpec {
  const where = 'spectrumHeatmap';
  check.nonEmpty(where, 'spectra', spectra);
  const mode = options.mode ?? 'magnitude';
  if (mode !== 'magnitude' && mode !== 'difference')
    throw new Error(`${where}: mode is "${String(mode)}"; allowed: "magnitude", "difference"`);
  const size = options.size === undefined ? 192 : check.positiveInt(where, 'size', options.size);
  const values = spectra.flatMap((s, k) => {
    checkMap(where, `spectra[${k}]`, s);
    const rows = [];
    for (let r = 0; r < s.height; r++) {
      for (let c = 0; c < s.width; c++) {
        const v = s.values[r * s.width + c];
        if (mode === 'magnitude' && v < 0)
          throw new Error(
            `${where}: spectra[${k}].values[${r * s.width + c}] is ${v}; magnitudes must be ≥ 0 (use mode "difference" for signed values)`,
          );
        const fx = centredFrequency(c, s.width);
        const fy = -centredFrequency(r, s.height); // row 0 is the most negative frequency; draw +fy upwards
        rows.push({
          label: s.label,
          fx: round(fx),
          fy: round(fy),
          // Edges are multiples of 1/(2n): 8 digits keep them exact, so neighbouring cells meet without seams.
          fx0: round(fx - 0.5 / s.width, 8),
          fx1: round(fx + 0.5 / s.width, 8),
          fy0: round(fy - 0.5 / s.height, 8),
          fy1: round(fy + 0.5 / s.height, 8),
          // log10 of 0 is -Infinity: floor zeros at 1e-12 (|F| of float32 images is never that small unless exactly 0)
          value: round(mode === 'magnitude' ? Math.log10(Math.max(v, 1e-12)) : v),
        });
      }
    }
    return rows;
  });
  const valueTitle = mode === 'magnitude' ? 'log₁₀ |F|' : 'difference';
  const colourScale = mode === 'magnitude' ? { scheme: SEQUENTIAL_SCHEME } : { scheme: DIVERGING_SCHEME, domainMid: 0, reverse: true };
  // Cells are centred on their frequency; the frame spans half a cell beyond the extreme frequencies. An even-size
  // spectrum has a −0.5 bin and no +0.5 one (the same frequency, aliased), so the frame is not symmetric.
  const extent = (lo: 'fx0' | 'fy0', hi: 'fx1' | 'fy1') => [Math.min(...values.map((v) => v[lo])), Math.max(...values.map((v) => v[hi]))];
  const xDomain = extent('fx0', 'fx1');
  const yDomain = extent('fy0', 'fy1');
  // A whole number of display pixels per cell (of the first spectrum), so cell edges fall on pixel edges.
  const fit = (span: number, cells: number) => Math.max(1, Math.round(size / Math.round(span * cells))) * Math.round(span * cells);
  const axis = (field: 'fx0' | 'fy0', title: string, domain: number[]) => ({
    field,
    type: 'quantitative' as const,
    title,
    scale: { domain, nice: false, zero: false },
    axis: { values: [-0.5, -0.25, 0, 0.25, 0.5], format: '.2f', grid: false },
  });
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    data: { values },
    facet: { column: { field: 'label', type: 'nominal', sort: spectra.map((s) => s.label), title: null } },
    spacing: 24,
    spec: {
      width: fit(xDomain[1] - xDomain[0], spectra[0].width),
      height: fit(yDomain[1] - yDomain[0], spectra[0].height),
      mark: { type: 'rect' },
      encoding: {
        x: axis('fx0', PANEL_AXIS.x, xDomain),
        x2: { field: 'fx1' },
        y: axis('fy0', PANEL_AXIS.y, yDomain),
        y2: { field: 'fy1' },
        color: { field: 'value', type: 'quantitative', title: valueTitle, scale: colourScale },
        tooltip: [
          { field: 'fx', type: 'quantitative', title: 'fx (bin centre)', format: '.4f' },
          { field: 'fy', type: 'quantitative', title: 'fy (bin centre)', format: '.4f' },
          { field: 'value', type: 'quantitative', title: valueTitle, format: '.3f' },
        ],
      },
    },
  } as TopLevelSpec);
}

/**
 * One radially averaged power spectrum: `power[i]` at `frequency[i]` cycles per pixel (0 … 0.5); several curves of one group make its band.
 */
export interface RadialCurve {
  group: string;
  frequency: number[];
  power: number[];
}

/** Options of radialSpectrum. */
export interface RadialSpectrumOptions {
  width?: number;
  height?: number;
  title?: string;
}

/**
 * Returns a spec of radially averaged power (log y) against frequency (0 … Nyquist 0.5): per group, the mean over its curves as a line and
 * their min/max as a band.
 */
export function radialSpectrum(curves: readonly RadialCurve[], options: RadialSpectrumOptions = {}): TopLevelSpec {
  const where = 'radialSpectrum';
  check.nonEmpty(where, 'curves', curves);
  const points = curves.flatMap((c, k) => {
    if (typeof c.group !== 'string' || c.group === '')
      throw new Error(`${where}: curves[${k}].group is ${JSON.stringify(c.group)}; give each curve a group name`);
    if (!Array.isArray(c.frequency) || !Array.isArray(c.power) || c.frequency.length !== c.power.length || c.power.length === 0) {
      throw new Error(
        `${where}: curves[${k}] has ${c.frequency?.length} frequencies and ${c.power?.length} powers; give the same non-zero number of each`,
      );
    }
    return c.frequency.map((f, i) => {
      check.finite(where, `curves[${k}].frequency[${i}]`, f);
      check.finite(where, `curves[${k}].power[${i}]`, c.power[i]);
      if (f < 0 || f > 0.5)
        throw new Error(`${where}: curves[${k}].frequency[${i}] is ${f}; frequencies are in cycles per pixel, 0 … 0.5 (Nyquist)`);
      if (c.power[i] <= 0) throw new Error(`${where}: curves[${k}].power[${i}] is ${c.power[i]}; power must be > 0 on a log axis`);
      return { group: c.group, frequency: f, power: c.power[i] };
    });
  });
  const values = summarise(
    points,
    (p) => `${p.group}\u0000${p.frequency}`,
    (p) => ({ group: p.group, frequency: p.frequency }),
    (p) => p.power,
  ).map((s) => ({
    ...s.key,
    mean: round(s.mean),
    min: round(s.min),
    max: round(s.max),
  }));
  const groups = [...new Set(curves.map((c) => c.group))];
  const x = { field: 'frequency', type: 'quantitative' as const, title: FREQ_AXIS, scale: { domain: [0, 0.5], nice: false } };
  const colour = lineColour('group', null, groups);
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    width: options.width ?? 360,
    height: options.height ?? 240,
    data: { values },
    encoding: { x, color: colour },
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: { y: { field: 'min', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: 'power (mean, band: min–max)', scale: { type: 'log' } },
          tooltip: [
            { field: 'group', type: 'nominal' },
            { field: 'frequency', type: 'quantitative', format: '.3f' },
            { field: 'mean', type: 'quantitative', format: '.3g' },
            { field: 'min', type: 'quantitative', format: '.3g' },
            { field: 'max', type: 'quantitative', format: '.3g' },
          ],
        },
      },
    ],
  } as TopLevelSpec);
}
