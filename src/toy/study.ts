/**
 * Sampling guided toy samplers for measurement: n points (labels cycling over the classes) from a
 * noise seed with the ODE; their scores are kept as one row per (method, γ, seed, metric).
 */
import type { SamplerName } from '../diffusion';
import type { ToyScores } from './metrics';
import { PointDenoiseFn, solveToy, toyNoise } from './ode';
import type { Points } from './points';

/** How one point of a sweep is sampled. */
export interface ToyRunOptions {
  /** Samples per point (labels cycle 0 … classes−1). */
  n: number;
  sigmas: number[];
  sampler?: SamplerName;
}

/** Builds the (guided) denoiser for rows with `labels` and sample `indices`. */
export type ToyBuild = (labels: Int32Array, indices: number[]) => PointDenoiseFn;

/** One measurement of one metric. */
export interface ToyScoreRow {
  method: string;
  gamma: number;
  seed: number;
  metric: keyof ToyScores;
  value: number;
}

/** Returns n samples `[2n]` from noise seed `seed` (sample indices seed·n … seed·n + n − 1) and their labels. */
export function toySamples(build: ToyBuild, classes: number, seed: number, opts: ToyRunOptions): { points: Points; labels: Int32Array } {
  const labels = Int32Array.from({ length: opts.n }, (_, i) => i % classes);
  const indices = Array.from({ length: opts.n }, (_, i) => seed * opts.n + i);
  const { points } = solveToy(build(labels, indices), toyNoise(opts.n, seed), { sigmas: opts.sigmas, sampler: opts.sampler });
  return { points, labels };
}
