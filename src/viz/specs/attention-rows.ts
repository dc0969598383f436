/** An interactive attention explorer: hover a query cell on the image, see that query's attention row under each variant. */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { HIGHLIGHT_COLOUR, MAX_FIGURE_WIDTH, themed } from '../theme';
import type { ImageInput } from '../types';
import { robustColour } from './attention';
import { cellPosition, checkImage, imageLayer, imageUrl, pixelScale, round } from './image';

/** One attention matrix of a layer: `values` holds queries×keys probabilities, row-major (row q = where query q looks). */
export interface AttentionVariant {
  name: string;
  values: ArrayLike<number>;
}

/** Options of attentionRowExplorer. */
export interface AttentionRowExplorerOptions {
  /** The layer's token grid [h, w]; queries and keys index it row-major. */
  grid: [number, number];
  /** The query shown before the pointer moves (and in the static PNG; default: the centre token). */
  query?: number;
  /** Display size of each attention map in pixels (default 112). */
  cellSize?: number;
  /** Display pixels per image pixel (default: about 192 px wide). */
  pixelSize?: number;
  title?: string;
}

/** The hover selection's name: a point selection on field `q` (the query token's index). */
export const HOVER_QUERY = 'hoverQuery';

/** Legend's width and the concat's spacing, for the fit within MAX_FIGURE_WIDTH. */
const LEGEND = 110;
const GAP = 16;

/**
 * Returns an interactive spec: `image` with the token grid drawn over it (hovering a cell selects that query) beside one
 * map per variant of the selected query's attention row on the key grid, with the query's cell outlined, in one shared
 * robust colour scale. The views wrap so the figure stays within MAX_FIGURE_WIDTH.
 */
export function attentionRowExplorer(
  image: ImageInput,
  variants: readonly AttentionVariant[],
  options: AttentionRowExplorerOptions,
): TopLevelSpec {
  const where = 'attentionRowExplorer';
  checkImage(where, 'image', image);
  check.nonEmpty(where, 'variants', variants);
  const [h, w] = options?.grid ?? [];
  check.positiveInt(where, 'grid[0]', h);
  check.positiveInt(where, 'grid[1]', w);
  const tokens = h * w;
  const query = options.query ?? Math.floor(h / 2) * w + Math.floor(w / 2);
  if (!(Number.isInteger(query) && query >= 0 && query < tokens)) {
    throw new Error(`${where}: query is ${query}; it must be a token index 0…${tokens - 1} of the ${h}×${w} grid`);
  }
  const names = new Set<string>();
  variants.forEach((v, i) => {
    if (typeof v.name !== 'string' || v.name === '' || names.has(v.name)) {
      throw new Error(`${where}: variants[${i}].name is ${JSON.stringify(v.name)}; give each variant its own name`);
    }
    names.add(v.name);
    check.grid(where, `variants[${i}].values`, v.values, tokens, tokens);
  });
  const cell = options.cellSize === undefined ? 112 : check.positiveInt(where, 'cellSize', options.cellSize);
  const scale = pixelScale(where, image.width, options.pixelSize ?? Math.max(1, Math.round(192 / image.width)));
  const [iw, ih] = [image.width * scale, image.height * scale];

  const place = (t: number) => ({ x0: (t % w) / w, x1: ((t % w) + 1) / w, y0: Math.floor(t / w) / h, y1: (Math.floor(t / w) + 1) / h });
  const queries = Array.from({ length: tokens }, (_, q) => ({ q, row: Math.floor(q / w), col: q % w, ...place(q) }));
  const rows = variants.flatMap((v) =>
    Array.from({ length: tokens * tokens }, (_, i) => {
      return { variant: v.name, q: Math.floor(i / tokens), k: i % tokens, value: round(v.values[i], 3) };
    }),
  );
  const picked = { param: HOVER_QUERY, empty: false };
  const outline = (stroke: string, width: number) => ({ type: 'rect' as const, fillOpacity: 0, stroke, strokeWidth: width });

  const picker = {
    title: { text: 'hover a query', fontSize: 12 },
    width: iw,
    height: ih,
    layer: [
      { data: { values: [{ url: imageUrl(image, scale) }] }, ...imageLayer(iw, ih) },
      {
        data: { name: 'queries' },
        params: [{ name: HOVER_QUERY, select: { type: 'point', fields: ['q'], on: 'mouseover', clear: false }, value: [{ q: query }] }],
        // A nearly transparent fill, so the whole cell (not only its outline) takes the pointer.
        mark: { type: 'rect', fill: 'white', fillOpacity: 0.01, stroke: 'white', strokeOpacity: 0.25, strokeWidth: 0.5 },
        encoding: {
          ...cellPosition(),
          tooltip: [
            { field: 'q', type: 'quantitative', title: 'query' },
            { field: 'row', type: 'quantitative' },
            { field: 'col', type: 'quantitative', title: 'column' },
          ],
        },
      },
      { data: { name: 'queries' }, transform: [{ filter: picked }], mark: outline(HIGHLIGHT_COLOUR, 2), encoding: cellPosition() },
    ],
  };
  const colour = robustColour(
    rows.map((r) => r.value),
    'attention',
  );
  const maps = variants.map((v) => ({
    title: { text: v.name, fontSize: 12 },
    width: cell,
    height: cell,
    layer: [
      {
        data: { name: 'rows' },
        transform: [
          { filter: picked },
          { filter: { field: 'variant', equal: v.name } },
          { calculate: `(datum.k % ${w}) / ${w}`, as: 'x0' },
          { calculate: `(datum.k % ${w} + 1) / ${w}`, as: 'x1' },
          { calculate: `floor(datum.k / ${w}) / ${h}`, as: 'y0' },
          { calculate: `(floor(datum.k / ${w}) + 1) / ${h}`, as: 'y1' },
        ],
        mark: { type: 'rect' },
        encoding: {
          ...cellPosition(),
          color: colour,
          tooltip: [
            { field: 'q', type: 'quantitative', title: 'query' },
            { field: 'k', type: 'quantitative', title: 'key' },
            { field: 'value', type: 'quantitative', title: 'attention', format: '.3g' },
          ],
        },
      },
      { data: { name: 'queries' }, transform: [{ filter: picked }], mark: outline(HIGHLIGHT_COLOUR, 1.5), encoding: cellPosition() },
    ],
  }));
  const fits = (columns: number) => iw + (columns - 1) * (cell + GAP) + GAP + LEGEND <= MAX_FIGURE_WIDTH;
  let columns = variants.length + 1;
  while (columns > 2 && !fits(columns)) columns--;
  return themed({
    ...(options.title === undefined ? {} : { title: options.title }),
    datasets: { queries, rows },
    columns,
    spacing: GAP,
    concat: [picker, ...maps],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec);
}
