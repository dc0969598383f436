/**
 * How big each notebook runs. `GUIDANCE_LAB_SIZE=smoke` (default: seconds per notebook, for CI) or
 * `full` (for `npm run figures`), or `GUIDANCE_LAB_SIZES=/path/to/sizes.json` holding a partial
 * NotebookSizes merged over the preset its `size` field names (smoke when absent). Papermill cannot
 * pass parameters to a TypeScript kernel, so notebooks read them here.
 */
import { readFileSync } from 'node:fs';

export type SizeName = 'smoke' | 'full';

/** Sizes shared by every notebook that samples and measures. */
export interface CommonSizes {
  /** Sampler steps N (Euler: N evaluations per term; Heun: 2N − 1). */
  steps: number;
  sampler: 'euler' | 'heun';
  /** Generated samples per measured point (labels cycle 0…9). */
  samples: number;
  /** Noise seeds per point (curves show min/max over them). */
  seeds: number[];
  /** Held-out real images whose classifier features are the KID / precision-recall reference. */
  realSamples: number;
  /** Rows per forward pass. */
  batchSize: number;
  /** FID is reported only from this many samples per point (it is biased and unstable with N near the feature width, 128). */
  fidMinSamples: number;
}

export interface NotebookSizes extends CommonSizes {
  size: SizeName;
  /** Samples per γ, the γ the text discusses, and the γ grid of the sample grids (0 = unguided). */
  quickstart: { samples: number; gamma: number; gammas: number[] };
  attention: { images: number; sigmas: number[] };
  frequency: { real: number; generated: number; cutoffs: number[]; blurSigmas: number[] };
  /** 03: the γ of the masking ablation, and the γ grid of the SAG-mask curve. */
  sag: { gamma: number; gammas: number[] };
  /** 04: the γ grid (mnist-unet-main), and the γ at which every attention layer (alone, and all) is perturbed on both architectures. */
  pag: { gammas: number[]; layerGamma: number };
  /** 05: query blurs σ and γ of the σ × γ grid (mid.attn), and the γ at which every layer (alone, and all) is smoothed with σ = ∞. */
  seg: { sigmas: number[]; gammas: number[]; layerGamma: number };
  /**
   * 06: the γ grid of panels (a) training time and (b) capacity; panel (c), the heatmap over the two EMA lengths: its γ and the
   * EMA lengths σ_rel on both axes (0.1 is each model itself; the others are its shipped -ema variants).
   */
  autoguidance: { gammas: number[]; emaGamma: number; emaLengths: number[] };
  /** 07: the γ grid of ICG and CFG, and per TSG perturbation scale s its own γ grid (the last s is the one shown sample by sample). */
  icgTsg: { gammas: number[]; tsg: { s: number; gammas: number[] }[] };
  /**
   * 08: ω grid, and the shipped SIMS negatives (fine-tuned copies of mnist-unet-main; each card gives its budget and command).
   * Full size: the synthetic set sampled with Heun 12 and budgets of 32, 100 and 320 optimizer steps (10×); smoke size: the older
   * Heun 6 negatives, only to check the pipeline.
   */
  sims: { omegas: number[]; negatives: string[] };
  /** The comparison notebook's own seeds (its curves show min/max over them) and γ per method. */
  comparison: { seeds: number[]; gammas: Record<string, number[]> };
  /**
   * 11-guidance-vectors: samples per method (the same noise for every method; Δ is recorded at every step for all of
   * them), the models, and γ per method (a method not named runs at its descriptor's default γ).
   */
  vectors: { samples: number; models: string[]; gammas: Record<string, number> };
  /** The cheap views before each method's sweeps (03–09): γ rows × `classes` columns of samples, and its steps at `sigmas`. */
  look: { gammas: number[]; classes: number; sigmas: number[] };
}

/** Partial overrides, one level deep for the per-notebook groups. */
export type NotebookSizesOverride = {
  [K in keyof NotebookSizes]?: NotebookSizes[K] extends object ? Partial<NotebookSizes[K]> : NotebookSizes[K];
};

const SMOKE: NotebookSizes = {
  size: 'smoke',
  steps: 6,
  sampler: 'euler',
  samples: 20,
  seeds: [0, 1],
  realSamples: 200,
  batchSize: 20,
  fidMinSamples: 500,
  quickstart: { samples: 10, gamma: 2, gammas: [0, 2] },
  attention: { images: 2, sigmas: [20, 2, 0.3] },
  frequency: { real: 64, generated: 20, cutoffs: [0.25, 0.5], blurSigmas: [1, 3] },
  sag: { gamma: 0.75, gammas: [0, 0.75] },
  pag: { gammas: [0, 3], layerGamma: 3 },
  seg: { sigmas: [1, 16, Infinity], gammas: [0, 3], layerGamma: 3 },
  autoguidance: { gammas: [0, 1], emaGamma: 1, emaLengths: [0.1, 0.2] },
  icgTsg: { gammas: [0, 2], tsg: [{ s: 1, gammas: [0, 2] }] },
  sims: { omegas: [0, 1], negatives: ['mnist-unet-main-sims-B1000', 'mnist-unet-main-sims-B3000'] },
  comparison: {
    seeds: [0, 1],
    gammas: {
      cfg: [0, 2],
      sag: [0, 0.75],
      pag: [0, 3],
      seg: [0, 3],
      autoguidance: [0, 1],
      icg: [0, 2],
      apg: [0, 2],
      cfgpp: [0.6],
      'cfg-zero': [0, 2],
      fdg: [0, 2],
      tcfg: [0, 2],
      'mambo-g': [0, 2],
      slg: [0, 3],
      tpg: [0, 3],
      erg: [0, 3],
    },
  },
  vectors: {
    samples: 2,
    models: ['mnist-unet-main'],
    gammas: { cfg: 2, autoguidance: 1, icg: 2, tsg: 2, apg: 2, cfgpp: 0.6, 'cfg-zero': 2, fdg: 2, tcfg: 2, 'mambo-g': 2 },
  },
  look: { gammas: [0, 1, 4], classes: 4, sigmas: [10, 2, 0.3] },
};

/**
 * Full size (issue 18): Heun 12 (23 evaluations per sample; figures/README "The sampler question": a quarter of Euler
 * 8's distance to the converged solution, class accuracy at the reference's), 5 seeds (0–4) everywhere, γ grids with
 * step 0.25 around each method's best at Euler 8, 64 samples per point, so that `npm run figures` fits in 6 hours on
 * this 2-core machine (two notebooks at once). The arithmetic (tools/time-point.ts, 2026-12-01, load 6–8 from other
 * jobs, so CPU seconds rather than wall): the native backend samples 92 denoiser rows per CPU second (64 samples, CFG
 * γ = 1: 2944 rows in 32.1 CPU s; a 256-sample point took 510 s wall at that load; wasm: 46, half as fast, so the
 * budget needs the native backend); one point costs samples × 23 × rows
 * per evaluation / 92 s, i.e. 0.25 s per sample and row. The studies' points sum to about 2060 sample-rows ×
 * evaluations units per sample (09: 52 guided γ × 2 rows + unguided, × 5 seeds = 525; 03–08 ≈ 1535 with the setups'
 * second architecture and extra guides), so sampling costs ≈ 515 CPU s per sample per point: 33 k CPU s at 64 samples,
 * plus ≈ 4 k for the rankings' bootstraps (0.032 CPU s per FID replicate over 5 × 64 samples; 1000 resamples in 09,
 * 300 elsewhere) and ≈ 1 k for the other notebooks: ≈ 38 k CPU s = 5.3 h on two cores. 5 seeds × 256 samples would need
 * ≈ 140 k CPU s (≈ 20 h): it does not fit. FID is off per point (64 < fidMinSamples) but on in the rankings, which
 * pool 5 × 64 = 320 samples. More samples: a GUIDANCE_LAB_SIZES file (`{"size": "full", "samples": 256}`), and the
 * committed points make reruns free.
 * The refined grids below hold 1,465 distinct points whose recorded sampling times sum to 10.7 thread-hours (≈ 5.4 h
 * on two cores before bootstraps): a run from nothing is at the 6-hour edge (figures/README "How big, how long").
 */
const FULL: NotebookSizes = {
  size: 'full',
  steps: 12,
  sampler: 'heun',
  samples: 64,
  seeds: [0, 1, 2, 3, 4],
  realSamples: 1000,
  batchSize: 64,
  fidMinSamples: 256,
  quickstart: { samples: 40, gamma: 2, gammas: [0, 0.5, 1, 2, 4] },
  attention: { images: 4, sigmas: [40, 10, 2, 0.5, 0.1] },
  frequency: { real: 1000, generated: 256, cutoffs: [0.125, 0.25, 0.5], blurSigmas: [0.5, 1, 2, 3] },
  // 0.75, 1, 1.25, 1.75 (SAG), 1.25, 1.75, 4.25, 4.75 (PAG), 0.5 (ICG, CFG) and 1.5 … 2.5 (SIMS) were added once the Heun-12
  // runs put a best between or at the end of the earlier points (figures/README "Results at full size"), so that each
  // best has a neighbour 0.25 away on either side; later rounds added 2, 2.25 and 5 … 10 (PAG), 0.25 (ICG without
  // dropout), 0.25 and 1.5 … 3.25 (TSG), 2.75, 3 (SIMS), 0.5 and 1.5 (autoguidance) and the comparison's edges.
  sag: { gamma: 0.75, gammas: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75] },
  pag: {
    gammas: [0, 1.25, 1.5, 1.75, 2, 2.25, 2.75, 3, 3.25, 4.25, 4.5, 4.75, 5, 5.25, 5.5, 5.75, 6, 6.5, 6.75, 7, 7.25, 7.5, 8, 9, 10],
    layerGamma: 3,
  },
  seg: { sigmas: [1, 16, Infinity], gammas: [0, 0.25, 0.5, 2, 5], layerGamma: 3 },
  autoguidance: { gammas: [0, 0.5, 0.75, 1, 1.25, 1.5, 2], emaGamma: 1, emaLengths: [0.05, 0.1, 0.15, 0.2] },
  icgTsg: {
    gammas: [0, 0.25, 0.5, 0.75, 1, 1.25, 3],
    // TSG on the 288,000-image unconditional model: s = 0.5 was still improving at the old grid's end (3.25), so its grid
    // goes on; s = 2 is best at 0.5 and degrades fast beyond 1.5.
    tsg: [
      { s: 0.5, gammas: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 4.25, 4.5, 5, 6] },
      { s: 2, gammas: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25] },
    ],
  },
  sims: {
    omegas: [0, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3],
    negatives: ['mnist-unet-main-sims-h12-B1024', 'mnist-unet-main-sims-h12-B3200', 'mnist-unet-main-sims-h12-B10240'],
  },
  comparison: {
    seeds: [0, 1, 2, 3, 4],
    // Step 0.25 around each method's best at Euler 8 (figures/README "Results at full size": CFG, autoguidance, ICG at 1;
    // PAG at 3; SAG and SEG at 0, no γ beat unguided); CFG's grid reaches into (0, 1). The newer methods have no
    // measured best yet: the null-class ones (APG, CFG-Zero*, FDG, TCFG, MAMBO-G) on CFG's range, the perturbation ones
    // (SLG, TPG, ERG) on PAG's; CFG++'s λ ∈ (0, 1] (it acts at λ = 0, and runs only with Euler, so not at this size).
    // Then refined around the Heun-12 bests at a grid edge or beside a gap (SAG, PAG, autoguidance, ICG, APG, CFG-Zero*,
    // TCFG, MAMBO-G, SLG, TPG, ERG); SAG's, PAG's, autoguidance's and ICG's points are copied from 03, 04, 06 and 07.
    // SEG, SLG, TPG and ERG tie with unguided at every γ (|ΔFID| ≤ 0.06): their best γ is noise, not chased lower.
    gammas: {
      cfg: [0, 0.5, 0.75, 1, 1.25, 2],
      sag: [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5],
      pag: [0, 2, 2.75, 3, 3.25, 4.5, 4.75, 5, 5.25, 5.5, 5.75, 6, 6.5, 6.75, 7, 7.25, 7.5, 8, 9, 10],
      seg: [0, 0.25, 0.5, 3],
      autoguidance: [0, 0.5, 0.75, 1, 1.25, 2],
      icg: [0, 0.5, 0.75, 1, 1.25, 2],
      apg: [0, 0.5, 0.75, 1, 1.25, 2],
      cfgpp: [0.2, 0.4, 0.6, 0.8, 1],
      'cfg-zero': [0, 0.5, 0.75, 1, 1.25, 2],
      fdg: [0, 0.75, 1, 1.25, 2],
      tcfg: [0, 0.75, 1, 1.25, 1.5, 2],
      'mambo-g': [0, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5],
      slg: [0, 0.75, 1, 1.25, 3, 5],
      tpg: [0, 0.75, 1, 1.25, 3, 5],
      erg: [0, 0.75, 1, 1.25, 3, 5],
    },
  },
  vectors: {
    samples: 16,
    models: ['mnist-unet-main', 'mnist-dit-main'],
    gammas: { cfg: 2, autoguidance: 1, icg: 2, tsg: 2, apg: 2, cfgpp: 0.6, 'cfg-zero': 2, fdg: 2, tcfg: 2, 'mambo-g': 2 },
  },
  look: { gammas: [0, 0.5, 1, 2, 4], classes: 10, sigmas: [10, 2, 0.3] },
};

export const PRESET_SIZES: Readonly<Record<SizeName, NotebookSizes>> = { smoke: SMOKE, full: FULL };

/** Returns `base` with `override` merged in (per-notebook groups merged key by key, arrays replaced). */
export function mergeSizes(base: NotebookSizes, override: NotebookSizesOverride): NotebookSizes {
  const out: Record<string, unknown> = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(override)) {
    if (!(key in base)) throw new Error(`unknown notebook size "${key}"; sizes: ${Object.keys(base).join(', ')}`);
    const old = out[key];
    const isGroup = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = isGroup(old) && isGroup(value) ? { ...(old as object), ...(value as object) } : value;
  }
  return out as unknown as NotebookSizes;
}

function parseSizeName(value: string | undefined): SizeName {
  const v = (value ?? 'smoke').trim() || 'smoke';
  if (v !== 'smoke' && v !== 'full') throw new Error(`unknown GUIDANCE_LAB_SIZE "${v}"; sizes: smoke, full`);
  return v;
}

/** JSON has no Infinity: a σ written as "Infinity" or null in a sizes file means ∞. */
function revive(_key: string, v: unknown): unknown {
  return v === 'Infinity' ? Infinity : v;
}

/**
 * Returns the notebook sizes from the environment: GUIDANCE_LAB_SIZES (a JSON file of overrides
 * over the preset named by its `size`, else by GUIDANCE_LAB_SIZE) or GUIDANCE_LAB_SIZE alone.
 */
export function notebookSizes(env: NodeJS.ProcessEnv = process.env): NotebookSizes {
  const file = env.GUIDANCE_LAB_SIZES;
  if (!file) return structuredClone(PRESET_SIZES[parseSizeName(env.GUIDANCE_LAB_SIZE)]);
  let override: NotebookSizesOverride;
  try {
    override = JSON.parse(readFileSync(file, 'utf8'), revive) as NotebookSizesOverride;
  } catch (e) {
    throw new Error(`GUIDANCE_LAB_SIZES=${file}: ${(e as Error).message}`);
  }
  return mergeSizes(PRESET_SIZES[parseSizeName(override.size ?? env.GUIDANCE_LAB_SIZE)], override);
}
