/** Pieces shared by builders that draw images: input checks, the image layer and per-cell rows of a map. */
import * as check from '../check';
import { grayPngDataUrl } from '../png';
import type { ImageInput, MapInput } from '../types';

/** Throws unless `image` is a well-formed ImageInput (size, finite pixels); returns it. */
export function checkImage(where: string, what: string, image: ImageInput): ImageInput {
  if (image == null || typeof image !== 'object')
    throw new Error(`${where}: ${what} is ${String(image)}; expected {pixels, height, width}`);
  check.grid(where, `${what}.pixels`, image.pixels, image.height, image.width);
  if (image.gamma !== undefined) check.finite(where, `${what}.gamma`, image.gamma);
  return image;
}

/** Throws unless `map` is a well-formed MapInput; returns it. */
export function checkMap(where: string, what: string, map: MapInput): MapInput {
  if (map == null || typeof map !== 'object') throw new Error(`${where}: ${what} is ${String(map)}; expected {values, height, width}`);
  check.grid(where, `${what}.values`, map.values, map.height, map.width);
  return map;
}

/** Returns the display pixels per image pixel: `requested` if given, else the integer that makes the image about 96 px wide. */
export function pixelScale(where: string, width: number, requested?: number): number {
  if (requested !== undefined) return check.positiveInt(where, 'pixelSize', requested);
  return Math.max(1, Math.round(96 / width));
}

/** Returns a data URL of `image` upscaled by `scale` (nearest neighbour, so it stays crisp in any renderer). */
export function imageUrl(image: ImageInput, scale: number): string {
  return grayPngDataUrl(image.pixels, image.height, image.width, scale);
}

/** Returns a unit layer drawing the `url` field as an image with its top-left corner at (0, 0), `w`×`h` display pixels. */
export function imageLayer(w: number, h: number) {
  return {
    mark: { type: 'image' as const, width: w, height: h, smooth: false, align: 'left' as const, baseline: 'top' as const },
    encoding: { url: { field: 'url', type: 'nominal' as const }, x: { value: 0 }, y: { value: 0 } },
  };
}

/** One cell of a map: its grid position, its edges in [0, 1] (top-left origin) and its value. */
export interface CellRow {
  row: number;
  col: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  value: number;
}

/** Returns one CellRow per map cell (optionally only those passing `keep`), edges normalised to [0, 1]. */
export function cellRows(map: MapInput, keep?: (value: number) => boolean): CellRow[] {
  const rows: CellRow[] = [];
  for (let r = 0; r < map.height; r++) {
    for (let c = 0; c < map.width; c++) {
      const value = map.values[r * map.width + c];
      if (keep && !keep(value)) continue;
      rows.push({
        row: r,
        col: c,
        x0: c / map.width,
        x1: (c + 1) / map.width,
        y0: r / map.height,
        y1: (r + 1) / map.height,
        value: round(value),
      });
    }
  }
  return rows;
}

/** Returns x/x2/y/y2 encodings that place CellRows over a [0, 1]² frame, row 0 at the top, without axes. */
export function cellPosition() {
  const scale = { domain: [0, 1], nice: false, zero: false };
  return {
    x: { field: 'x0', type: 'quantitative' as const, scale, axis: null },
    x2: { field: 'x1' },
    y: { field: 'y0', type: 'quantitative' as const, scale: { ...scale, reverse: true }, axis: null },
    y2: { field: 'y1' },
  };
}

/**
 * Returns `v` rounded to `digits` significant digits, so specs and snapshots stay small and stable (4 for
 * pixels and spectra; summaries whose labels print 2 decimals keep 6, so a label is never rounded twice).
 */
export function round(v: number, digits = 4): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}
