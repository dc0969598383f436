/**
 * Time-step guidance (Sadat et al. 2025): negative = the same model with its noise-level embedding
 * perturbed, t̂_emb = t_emb + s·t^α·n, n ~ N(0, I). Here t is EDM's time, t = σ (EDM sets σ(t) = t),
 * the quantity the sampler steps in; t_emb is the network's noise features (`noiseEmbOffset`).
 */
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, rowNormals, termParams } from '../term';

/** TSG in the registry. */
export const TSG_METHOD: MethodDescriptor = {
  name: 'tsg',
  summary: 'negative = the same model with its noise-level embedding perturbed by s·σ^α·n, n ~ N(0, I)',
  paper: 'Sadat et al. 2025, No Training, No Problem: Rethinking Classifier-Free Guidance for Diffusion Models',
  params: {
    ...termParams({ min: 0 }),
    s: { kind: 'number', help: 'perturbation scale s', required: true, range: { min: 0 }, flag: 's' },
    alpha: { kind: 'number', help: 'exponent α of t = σ (0: the same scale at every σ)', required: true, flag: 'alpha' },
    seed: { kind: 'integer', help: 'seeds n (per sample index and σ)', default: 0 },
  },
  build: tsg,
};

export interface TsgOptions extends TermOptions {
  /** Perturbation scale s ≥ 0. */
  s: number;
  /** Exponent α of t = σ (0: the same scale at every σ). */
  alpha: number;
  /** Seeds n; a row's draw depends only on (seed, sample index, σ). */
  seed?: number;
}

/** Returns the TSG term. */
export function tsg(opts: TsgOptions): GuidanceTerm {
  checkOptions('tsg', opts, TSG_METHOD.params);
  const { s, alpha, seed = 0 } = opts;
  if (!(s >= 0 && Number.isFinite(s))) throw new Error(`tsg: s must be a finite number ≥ 0; got ${s}`);
  if (!Number.isFinite(alpha)) throw new Error(`tsg: α must be finite; got ${alpha}`);
  return {
    method: 'tsg',
    gamma: checkGamma('tsg', opts.gamma),
    interval: checkInterval('tsg', opts.interval),
    check() {},
    plan({ model, x, sigma, labels, indices }) {
      const dim = model.noiseEmbDim;
      const scale = s * sigma ** alpha;
      return { negative: { model, x, labels, noiseEmbOffset: rowNormals(seed, indices, sigma, dim, scale) } };
    },
  };
}
