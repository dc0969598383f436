/**
 * The look shared by every guidance-lab chart: one font (the one render.ts embeds in PNGs),
 * a white background, and the colour schemes for each kind of quantity.
 */
import type { TopLevelSpec } from 'vega-lite';

type Config = NonNullable<TopLevelSpec['config']>;

/** The font family every chart names; render.ts loads this family's TTF into resvg. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Sequential scheme for non-negative magnitudes (attention, spectra, metrics). */
export const SEQUENTIAL_SCHEME = 'viridis';
/** Diverging scheme for signed differences, always centred on 0. */
export const DIVERGING_SCHEME = 'redblue';
/** The widest a figure may be at 1× (SVG pixels): wider ones overflow a notebook's output area; builders wrap to fit. */
export const MAX_FIGURE_WIDTH = 1000;
/** Colour of the SAG mask and of markers that must stand out on grayscale images. */
export const HIGHLIGHT_COLOUR = '#ff3d00';

const CONFIG: Config = {
  font: FONT_FAMILY,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', grid: true, gridOpacity: 0.5 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', orient: 'right' },
  header: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  title: { fontSize: 14, fontWeight: 'normal', anchor: 'start' },
};

/** Returns `spec` with the vega-lite v5 `$schema`, a white background and the shared config (font, sizes) filled in. */
export function themed(spec: TopLevelSpec): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    padding: 8,
    ...spec,
    config: { ...CONFIG, ...(spec.config ?? {}) },
  } as TopLevelSpec;
}

/** Distinct colours of the default nominal scheme; more groups than this switch to a 20-colour scheme. */
const DEFAULT_COLOURS = 10;

/**
 * Returns a nominal colour encoding for one line per group, with a legend of line strokes (not the bands' faint fills); more than 10 groups
 * get the 20-colour tableau scheme, so that no two share a colour.
 */
export function lineColour(field: string, title: string | null, sort: readonly string[]) {
  return {
    field,
    type: 'nominal' as const,
    title,
    sort: [...sort],
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
    ...(sort.length > DEFAULT_COLOURS ? { scale: { scheme: 'tableau20' } } : {}),
  };
}
