/**
 * Probability-flow ODE sampling of the toy through the project's own samplers: a thin adapter turns a
 * plain point denoiser into a `DenoiseFn` on `[n, 1, 1, 2]` tensors, so `solve` (Euler or Heun on any
 * σ schedule, e.g. `karrasSigmas`) integrates it unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DenoiseFn, SamplerName, solve } from '../diffusion';
import { Rng } from '../random';
import { Points, checkPoints } from './points';

/** A denoiser for fixed conditions: D(x; σ) `[2n]` for points `[2n]` (guided or not). */
export type PointDenoiseFn = (x: Points, sigma: number) => Points;

/** Options of an ODE solve on the toy. */
export interface ToySolveOptions {
  /** The schedule σ_0 > … > σ_N, e.g. `karrasSigmas(32, { sigmaMax: 10 })`. */
  sigmas: number[];
  sampler?: SamplerName;
  /** Keep every state: trajectory[0] = σ_0·noise, trajectory[i] the state after step i. */
  trajectory?: boolean;
}

/** Returns n unit-normal starting points `[2n]`; row i depends only on (seed, i). */
export function toyNoise(n: number, seed: number): Points {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`the number of points must be an integer ≥ 0; got ${n}`);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) out.set(new Rng(seed, i).normals(2), 2 * i);
  return out;
}

/** Returns `denoise` as a `DenoiseFn` on tensors `[n, 1, 1, 2]` (evaluated in float64, returned as float32). */
function asDenoiseFn(denoise: PointDenoiseFn): DenoiseFn {
  return (x, sigma) => {
    if (x.shape[1] !== 1 || x.shape[2] !== 1 || x.shape[3] !== 2) throw new Error(`toy states are [n, 1, 1, 2]; got [${x.shape}]`);
    const d = denoise(Float64Array.from(x.dataSync()), sigma);
    if (d.length !== x.size) throw new Error(`the denoiser returned ${d.length} values for ${x.size}`);
    return tf.tensor4d(Float32Array.from(d), x.shape as [number, number, number, number]);
  };
}

/** Returns a tensor `DenoiseFn` (e.g. a learned model guided by the project's guidance engine) as a point denoiser. */
export function pointDenoiser(fn: DenoiseFn): PointDenoiseFn {
  return (x, sigma) => {
    const n = checkPoints(x).length / 2;
    const d = tf.tidy(() => fn(tf.tensor4d(Float32Array.from(x), [n, 1, 1, 2]), sigma));
    const out = Float64Array.from(d.dataSync());
    d.dispose();
    return out;
  };
}

/** Returns the ODE solution at σ_N `[2n]` from x = σ_0·noise, and the states along the way when asked. */
export function solveToy(denoise: PointDenoiseFn, noise: Points, opts: ToySolveOptions): { points: Points; trajectory: Points[] } {
  checkPoints(noise);
  const n = noise.length / 2;
  const trajectory: Points[] = opts.trajectory ? [noise.map((v) => v * opts.sigmas[0])] : [];
  const z = tf.tensor4d(Float32Array.from(noise), [n, 1, 1, 2]);
  try {
    const out = solve(asDenoiseFn(denoise), z, {
      sigmas: opts.sigmas,
      sampler: opts.sampler,
      onStep: opts.trajectory ? ({ x }) => void trajectory.push(Float64Array.from(x.dataSync())) : undefined,
    });
    const points = Float64Array.from(out.dataSync());
    out.dispose();
    return { points, trajectory };
  } finally {
    z.dispose();
  }
}
