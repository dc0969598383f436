/** Sample grids: images as crisp image marks, wrapped with captions or laid out method × γ. */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { themed } from '../theme';
import type { ImageInput } from '../types';
import { checkImage, imageLayer, imageUrl, pixelScale } from './image';

/**
 * How sampleGrid places images: in reading order with a caption each, one row per method and one column per γ, or one
 * row per method and one column per label (e.g. a class or a noise level).
 */
export type GridLayout = 'wrap' | 'methodByGamma' | 'methodByLabel';

/** Options of sampleGrid. */
export interface SampleGridOptions {
  layout?: GridLayout;
  /** Columns of the 'wrap' layout (default: ⌈√n⌉). */
  columns?: number;
  /** Display pixels per image pixel (default: about 96 px per image). */
  pixelSize?: number;
  title?: string;
}

const WHERE = 'sampleGrid';

/** Returns the caption of an image: its label, else "method · γ = g" from what it has. */
function caption(image: ImageInput): string {
  if (image.label !== undefined) return image.label;
  const parts = [image.method, image.gamma === undefined ? undefined : `γ = ${image.gamma}`];
  return parts.filter((p) => p !== undefined).join(' · ');
}

/** One image of a wrapped grid: its caption, its data URL, its place in reading order (default: its index) and any extra fields. */
export type WrappedCell = { caption: string; url: string; place?: number } & Record<string, unknown>;

/**
 * Returns the data and facet of images laid out in reading order, `columns` per row, each `w`×`h` px with its caption
 * under it; extra fields of each cell (e.g. a γ to filter on) stay in the data.
 */
export function wrappedCells(cells: readonly WrappedCell[], columns: number, w: number, h: number) {
  // A wrapped facet always draws its labels (vega-lite ignores header: null there), so the caption
  // is the label: the field holds a zero-padded place (for order and uniqueness) + "|" + caption.
  const places = cells.map((c, i) => c.place ?? i);
  const pad = String(Math.max(...places)).length;
  const values = cells.map(({ caption: text, place: _place, ...rest }, i) => ({
    cell: `${String(places[i]).padStart(pad, '0')}|${text}`,
    ...rest,
  }));
  return {
    data: { values },
    columns,
    facet: {
      field: 'cell',
      type: 'ordinal' as const,
      sort: 'ascending' as const,
      title: null,
      header: { labelExpr: `substring(datum.value, ${pad + 1})`, labelLimit: w, labelFontSize: 11, labelPadding: 4 },
    },
    spacing: 6,
    spec: { width: w, height: h, layer: [imageLayer(w, h)] },
  };
}

/** Returns a Vega-Lite spec showing `images` as a grid (see GridLayout); all images must share one size. */
export function sampleGrid(images: readonly ImageInput[], options: SampleGridOptions = {}): TopLevelSpec {
  check.nonEmpty(WHERE, 'images', images);
  images.forEach((im, i) => checkImage(WHERE, `images[${i}]`, im));
  const { height, width } = images[0];
  images.forEach((im, i) => check.sameSize(WHERE, 'images[0]', height, width, `images[${i}]`, im.height, im.width));
  const scale = pixelScale(WHERE, width, options.pixelSize);
  const w = width * scale;
  const h = height * scale;
  const layout = options.layout ?? 'wrap';
  const title = options.title === undefined ? {} : { title: options.title };

  if (layout === 'wrap') {
    const columns =
      options.columns === undefined ? Math.ceil(Math.sqrt(images.length)) : check.positiveInt(WHERE, 'columns', options.columns);
    return themed({
      ...title,
      ...wrappedCells(
        images.map((im) => ({ caption: caption(im), url: imageUrl(im, scale) })),
        columns,
        w,
        h,
      ),
    } as TopLevelSpec);
  }
  if (layout !== 'methodByGamma' && layout !== 'methodByLabel') {
    throw new Error(`${WHERE}: layout is "${String(layout)}"; allowed: "wrap", "methodByGamma", "methodByLabel"`);
  }
  const byLabel = layout === 'methodByLabel';
  const column = byLabel ? 'label' : 'gamma';

  const seen = new Set<string>();
  const values = images.map((im, i) => {
    if (im.method === undefined || im[column] === undefined) {
      const has = `method ${String(im.method)} and ${column} ${String(im[column])}`;
      throw new Error(`${WHERE}: images[${i}] has ${has}; layout "${layout}" needs both on every image`);
    }
    const key = `${im.method}\u0000${im[column]}`;
    const at = byLabel ? `label "${im.label}"` : `γ = ${im.gamma}`;
    if (seen.has(key)) {
      throw new Error(
        `${WHERE}: images[${i}] repeats method "${im.method}" at ${at}; give one image per (method, ${column}) or use layout "wrap"`,
      );
    }
    seen.add(key);
    return { method: im.method, [column]: im[column], url: imageUrl(im, scale) };
  });
  const methods = [...new Set(values.map((v) => v.method))];
  const columnFacet = byLabel
    ? { field: 'label', type: 'ordinal', sort: [...new Set(images.map((im) => im.label))], title: null }
    : { field: 'gamma', type: 'ordinal', sort: 'ascending', title: null, header: { labelExpr: "'γ = ' + datum.value" } };
  return themed({
    ...title,
    data: { values },
    facet: {
      row: { field: 'method', type: 'nominal', sort: methods, title: null, header: { labelAngle: 0, labelAlign: 'left' } },
      column: columnFacet,
    },
    spacing: 6,
    spec: { width: w, height: h, layer: [imageLayer(w, h)] },
  } as TopLevelSpec);
}
