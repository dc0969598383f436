/**
 * How big the toy notebook (10-toy-2d) runs at each notebook size: smoke in seconds (CI), full in
 * a few minutes on this 2-core machine.
 */

/** Sizes of the toy notebook. */
export interface ToySizes {
  /** Samples per measured point (labels alternate between the two classes). */
  samples: number;
  /** Noise seeds per point (the curves show min/max over them). */
  seeds: number[];
  steps: number;
  sampler: 'euler' | 'heun';
  /** Largest noise level of the Karras schedule (the data has σ_data = 0.5). */
  sigmaMax: number;
  /** Guidance weights of the metric curves and the slider. */
  gammas: number[];
  /** Guidance weights of the side-by-side panels. */
  panelGammas: number[];
  /** Exact samples of the reference (precision/recall, density levels). */
  reference: number;
  /** Points drawn per scatter panel, trajectories drawn, density-image width in cells, arrow grid width. */
  shown: number;
  trajectories: number;
  imageWidth: number;
  arrowGrid: number;
}

const SMOKE: ToySizes = {
  samples: 60,
  seeds: [0],
  steps: 8,
  sampler: 'euler',
  sigmaMax: 10,
  gammas: [0, 2],
  panelGammas: [0, 2],
  reference: 200,
  shown: 60,
  trajectories: 10,
  imageWidth: 60,
  arrowGrid: 10,
};

const FULL: ToySizes = {
  samples: 600,
  seeds: [0, 1, 2],
  steps: 24,
  sampler: 'heun',
  sigmaMax: 10,
  gammas: [0, 0.5, 1, 2, 3, 4],
  panelGammas: [0, 1, 3],
  reference: 1200,
  shown: 300,
  trajectories: 40,
  imageWidth: 120,
  arrowGrid: 18,
};

/** Returns the toy notebook's sizes for a notebook size name ('smoke' or 'full'). */
export function toySizes(size: string): ToySizes {
  if (size === 'smoke') return structuredClone(SMOKE);
  if (size === 'full') return structuredClone(FULL);
  throw new Error(`unknown notebook size "${size}"; sizes: smoke, full`);
}
