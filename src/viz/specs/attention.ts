/** Attention views: one map over its image, a layer × head grid of maps, and SAG's mask over its image. */
import type { TopLevelSpec } from 'vega-lite';
import * as check from '../check';
import { HIGHLIGHT_COLOUR, SEQUENTIAL_SCHEME, themed } from '../theme';
import type { ImageInput, MapInput } from '../types';
import { robustTop } from '../summary';
import { cellPosition, cellRows, checkImage, checkMap, imageLayer, imageUrl, pixelScale, round } from './image';

/** Options shared by the overlays drawn on an image. */
export interface OverlayOptions {
  /** Display pixels per image pixel (default: the integer that makes the image about 192 px wide). */
  pixelSize?: number;
  title?: string;
}

/** Options of attentionOverlay. */
export interface AttentionOverlayOptions extends OverlayOptions {
  /** Opacity of the map over the image, in (0, 1] (default 0.6). */
  opacity?: number;
  /** Legend title (default "attention"). */
  valueTitle?: string;
}

const TOOLTIP = [
  { field: 'row', type: 'quantitative' as const, title: 'row' },
  { field: 'col', type: 'quantitative' as const, title: 'column' },
];

/** Checks an image and an overlay map of the same size; returns the display scale. */
function overlayScale(where: string, image: ImageInput, map: MapInput, mapName: string, pixelSize?: number): number {
  checkImage(where, 'image', image);
  checkMap(where, mapName, map);
  check.sameSize(where, 'image', image.height, image.width, mapName, map.height, map.width);
  return pixelScale(where, image.width, pixelSize ?? Math.max(1, Math.round(192 / image.width)));
}

/** Returns the layered spec body (image below, `top` layer over it) sized `scale` display pixels per pixel. */
function overImage(image: ImageInput, scale: number, top: object, title?: string): TopLevelSpec {
  const w = image.width * scale;
  const h = image.height * scale;
  return themed({
    ...(title === undefined ? {} : { title }),
    width: w,
    height: h,
    layer: [{ data: { values: [{ url: imageUrl(image, scale) }] }, ...imageLayer(w, h) }, top],
  } as TopLevelSpec);
}

/**
 * Returns a sequential colour encoding of the `value` field whose top is robust to outliers (robustTop): cells above it
 * take the brightest colour and the legend title says where it was clipped; tooltips keep the exact values.
 */
export function robustColour(values: ArrayLike<number>, title: string) {
  const all = Array.from(values);
  const { top, clipped } = robustTop(all);
  if (!clipped) return { field: 'value', type: 'quantitative' as const, title, scale: { scheme: SEQUENTIAL_SCHEME } };
  const bottom = all.reduce((lo, v) => Math.min(lo, v), 0);
  return {
    field: 'value',
    type: 'quantitative' as const,
    title: [title, `(≥ ${round(top, 3)}: brightest)`],
    scale: { scheme: SEQUENTIAL_SCHEME, domain: [bottom, round(top, 6)], clamp: true },
  };
}

/**
 * Returns a spec of `image` with the attention `map` (already resampled to the image size) drawn over it in a sequential scale, with a
 * tooltip per pixel.
 */
export function attentionOverlay(image: ImageInput, map: MapInput, options: AttentionOverlayOptions = {}): TopLevelSpec {
  const where = 'attentionOverlay';
  const scale = overlayScale(where, image, map, 'map', options.pixelSize);
  const opacity = options.opacity ?? 0.6;
  if (!(opacity > 0 && opacity <= 1)) throw new Error(`${where}: opacity is ${opacity}; allowed: (0, 1]`);
  const valueTitle = options.valueTitle ?? 'attention';
  return overImage(
    image,
    scale,
    {
      data: { values: cellRows(map) },
      // opacity reads a copy of value: on the same field vega-lite would merge it into the colour legend
      transform: [{ calculate: 'datum.value', as: 'alpha' }],
      mark: { type: 'rect' },
      encoding: {
        ...cellPosition(),
        // Low attention fades out so the image shows through; high attention is drawn at `opacity`.
        opacity: { field: 'alpha', type: 'quantitative', scale: { range: [0.05, opacity], zero: true }, legend: null },
        color: robustColour(map.values, valueTitle),
        tooltip: [...TOOLTIP, { field: 'value', type: 'quantitative', title: valueTitle, format: '.4g' }],
      },
    },
    options.title,
  );
}

/** Returns a spec of `image` with SAG's binary `mask` (1 = blurred, same size as the image) tinted over it. */
export function sagMaskOverlay(image: ImageInput, mask: MapInput, options: OverlayOptions = {}): TopLevelSpec {
  const where = 'sagMaskOverlay';
  const scale = overlayScale(where, image, mask, 'mask', options.pixelSize);
  for (let i = 0; i < mask.values.length; i++) {
    const v = mask.values[i];
    if (v !== 0 && v !== 1) throw new Error(`${where}: mask.values[${i}] is ${v}; a mask holds only 0 and 1`);
  }
  return overImage(
    image,
    scale,
    {
      data: { values: cellRows(mask, (v) => v === 1) },
      mark: { type: 'rect', color: HIGHLIGHT_COLOUR, opacity: 0.45 },
      encoding: { ...cellPosition(), tooltip: [...TOOLTIP, { field: 'value', type: 'quantitative', title: 'mask' }] },
    },
    options.title ?? 'SAG mask (tinted: blurred)',
  );
}

/** One attention map of the layer × head grid: a map of one head of one layer. */
export interface HeadMap extends MapInput {
  layer: string;
  head: number;
}

/** Options of attentionGrid. */
export interface AttentionGridOptions {
  /** 'query': attention from one query (marked when `query` is given); 'received': summed over queries. */
  kind?: 'query' | 'received';
  /** The query token's position in a token grid of height×width, drawn as an outlined cell on every map. */
  query?: { row: number; col: number; height: number; width: number };
  /** Display size of each map in pixels (default 96). */
  cellSize?: number;
  /** Title of the rows (default "layer"; e.g. "noise level" when the `layer` field holds σ labels). */
  rowTitle?: string;
  title?: string;
}

/**
 * Returns a spec with one heatmap per (layer, head): layers as rows in the given order, heads as columns, one shared sequential colour
 * scale.
 */
export function attentionGrid(maps: readonly HeadMap[], options: AttentionGridOptions = {}): TopLevelSpec {
  const where = 'attentionGrid';
  check.nonEmpty(where, 'maps', maps);
  const kind = options.kind ?? 'query';
  if (kind !== 'query' && kind !== 'received') throw new Error(`${where}: kind is "${String(kind)}"; allowed: "query", "received"`);
  const size = options.cellSize === undefined ? 96 : check.positiveInt(where, 'cellSize', options.cellSize);
  const values = maps.flatMap((m, i) => {
    checkMap(where, `maps[${i}]`, m);
    if (typeof m.layer !== 'string' || m.layer === '')
      throw new Error(`${where}: maps[${i}].layer is ${JSON.stringify(m.layer)}; give the layer's name`);
    check.finite(where, `maps[${i}].head`, m.head);
    return cellRows(m).map((c) => ({ layer: m.layer, head: m.head, ...c }));
  });
  const valueTitle = kind === 'query' ? 'attention' : 'received attention';
  const layers: object[] = [
    {
      mark: { type: 'rect' },
      encoding: {
        ...cellPosition(),
        color: robustColour(
          values.map((v) => v.value),
          valueTitle,
        ),
        tooltip: [
          { field: 'layer', type: 'nominal' },
          { field: 'head', type: 'quantitative' },
          ...TOOLTIP,
          { field: 'value', type: 'quantitative', title: valueTitle, format: '.4g' },
        ],
      },
    },
  ];
  const q = options.query;
  if (q !== undefined) {
    check.positiveInt(where, 'query.height', q.height);
    check.positiveInt(where, 'query.width', q.width);
    if (!(Number.isInteger(q.row) && q.row >= 0 && q.row < q.height && Number.isInteger(q.col) && q.col >= 0 && q.col < q.width)) {
      throw new Error(`${where}: query is at row ${q.row}, col ${q.col}; it must lie in its ${q.height}×${q.width} grid`);
    }
    layers.push({
      data: { values: [{ x0: q.col / q.width, x1: (q.col + 1) / q.width, y0: q.row / q.height, y1: (q.row + 1) / q.height }] },
      mark: { type: 'rect', fillOpacity: 0, stroke: HIGHLIGHT_COLOUR, strokeWidth: 2 },
      encoding: { x: cellPosition().x, x2: cellPosition().x2, y: cellPosition().y, y2: cellPosition().y2 },
    });
  }
  const layerNames = [...new Set(maps.map((m) => m.layer))];
  const defaultTitle =
    kind === 'query' && q !== undefined
      ? `Attention from query (row ${q.row}, col ${q.col})`
      : kind === 'query'
        ? 'Attention from one query'
        : 'Attention received per key';
  return themed({
    title: options.title ?? defaultTitle,
    data: { values },
    facet: {
      row: {
        field: 'layer',
        type: 'nominal',
        sort: layerNames,
        title: options.rowTitle ?? 'layer',
        header: { labelAngle: 0, labelAlign: 'left' },
      },
      column: { field: 'head', type: 'ordinal', sort: 'ascending', title: 'head' },
    },
    spacing: 4,
    spec: { width: size, height: size, layer: layers },
  } as TopLevelSpec);
}
