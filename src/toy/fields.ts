/**
 * Grids over the plane and what the notebook draws on them: density images, vector fields as
 * arrows, and error maps between two denoisers. Plain arrays; the viz layer draws them.
 */
import { dataLogDensity, logDensity, type ToyDenoiser } from './exact';
import type { GaussianMixture } from './mixture';
import { Points, checkLabels } from './points';

/** [xmin, xmax, ymin, ymax]. */
export type Extent = [number, number, number, number];

/** A scalar map of height×width cells over an extent, row 0 at the top (largest y). */
export interface GridMap {
  values: Float64Array;
  height: number;
  width: number;
}

/** Returns the grid height that keeps cells square for `width` columns over `extent`. */
export function gridHeight(extent: Extent, width: number): number {
  return Math.max(1, Math.round((width * (extent[3] - extent[2])) / (extent[1] - extent[0])));
}

/** Returns the centres `[2·width·height]` of a width×height grid over `extent` (height: square cells), row by row from the top. */
export function gridPoints(extent: Extent, width: number, height = gridHeight(extent, width)): Points {
  const [x0, x1, y0, y1] = extent;
  if (!(x1 > x0 && y1 > y0)) throw new Error(`extent [${extent}] must have xmin < xmax and ymin < ymax`);
  for (const [k, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`grid ${k} must be an integer ≥ 1; got ${v}`);
  }
  const out = new Float64Array(2 * width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      out[2 * (r * width + c)] = x0 + ((c + 0.5) / width) * (x1 - x0);
      out[2 * (r * width + c) + 1] = y1 - ((r + 0.5) / height) * (y1 - y0);
    }
  }
  return out;
}

/**
 * Returns the log density over a grid mapped to [0, 1]: 1 at the maximum, 0 at `range` nats below it or at the grid's
 * minimum, whichever is higher, so a broad density (large σ) still shows its falloff (σ = 0: the clean data density;
 * label NULL_LABEL: unconditional).
 */
export function densityMap(m: GaussianMixture, sigma: number, label: number, extent: Extent, width: number, range = 8): GridMap {
  const pts = gridPoints(extent, width);
  const logp = sigma === 0 ? dataLogDensity(m, pts, label) : logDensity(m, pts, sigma, label);
  const top = logp.reduce((a, b) => Math.max(a, b), -Infinity);
  const span = Math.min(range, top - logp.reduce((a, b) => Math.min(a, b), Infinity)) || 1;
  return { values: logp.map((v) => Math.min(1, Math.max(0, 1 - (top - v) / span))), height: gridHeight(extent, width), width };
}

/** Returns the length |a(x) − b(x)| over a grid at σ for one label (e.g. a learned model's error against the exact denoiser). */
export function errorMap(
  a: ToyDenoiser,
  b: ToyDenoiser,
  sigma: number,
  label: number,
  extent: Extent,
  width: number,
  classes: number,
): GridMap {
  const pts = gridPoints(extent, width);
  const labels = checkLabels(label, pts.length / 2, classes);
  const [da, db] = [a(pts, sigma, labels), b(pts, sigma, labels)];
  const values = Float64Array.from({ length: pts.length / 2 }, (_, i) => Math.hypot(da[2 * i] - db[2 * i], da[2 * i + 1] - db[2 * i + 1]));
  return { values, height: gridHeight(extent, width), width };
}

/** Returns arrows from each point along its vector, scaled so the longest is `maxLength` long (vectors `[2n]`, like the points). */
export function arrows(points: Points, vectors: Float64Array, maxLength: number): { x: number; y: number; x2: number; y2: number }[] {
  if (vectors.length !== points.length) throw new Error(`${vectors.length / 2} vectors for ${points.length / 2} points`);
  let longest = 0;
  for (let i = 0; i < vectors.length; i += 2) longest = Math.max(longest, Math.hypot(vectors[i], vectors[i + 1]));
  const k = longest > 0 ? maxLength / longest : 0;
  return Array.from({ length: points.length / 2 }, (_, i) => {
    const [x, y] = [points[2 * i], points[2 * i + 1]];
    return { x, y, x2: x + k * vectors[2 * i], y2: y + k * vectors[2 * i + 1] };
  });
}
