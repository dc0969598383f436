/**
 * Token perturbation guidance (TPG; Rajabi et al. 2025, arXiv 2506.10036): negative = the same model
 * and condition with the token order shuffled in chosen layers, a norm-preserving perturbation
 * (a permutation matrix) of intermediate token representations. In the paper's SDXL the shuffled
 * tokens enter transformer blocks that sit inside a residual (x + proj_out(blocks(…))), so what
 * reaches the image stream is x + P·branch(x): the branch's contribution lands on shuffled
 * positions. Here the branch is a chosen self-attention layer (UNet `mid.attn`: x + P·attn(norm x);
 * DiT `blocks.i.attn`: x + g·P·attn(…)); attention without positional terms is permutation-
 * equivariant, so shuffling its input tokens and shuffling its output are the same map.
 * Each row draws its own permutation per layer from (seed, sample index, σ) only, never from batching
 * (the paper's code draws one permutation per call for the whole batch).
 */
import { permutedOutputProcessor } from '../../model/attention/processors';
import type { Denoiser } from '../../model/denoiser';
import type { MethodDescriptor } from '../registry';
import {
  GuidanceTerm,
  TermOptions,
  checkGamma,
  checkInterval,
  checkLayers,
  checkOptions,
  resolveLayers,
  rowRng,
  termParams,
} from '../term';

/** TPG in the registry. */
export const TPG_METHOD: MethodDescriptor = {
  name: 'tpg',
  summary: "negative = the same model with the tokens of chosen attention layers' outputs shuffled (a permutation per sample)",
  paper: 'Rajabi et al. 2025, Token Perturbation Guidance for Diffusion Models (arXiv 2506.10036)',
  params: {
    ...termParams({ default: 3, min: 0 }),
    layers: {
      kind: 'layers',
      help: 'attention layers whose tokens are shuffled, exact names ([] perturbs nothing)',
      default: 'mid.attn / blocks.1.attn',
      flag: 'layers',
    },
    seed: { kind: 'integer', help: 'seeds the shuffles (per sample index and σ)', default: 0 },
  },
  build: tpg,
};

export interface TpgOptions extends Partial<TermOptions> {
  /** Exact attention layer names (default: `mid.attn` for UNets, `blocks.1.attn` for DiTs); [] perturbs nothing. */
  layers?: string[];
  /** Seeds the shuffles; a row's permutations depend only on (seed, sample index, σ). */
  seed?: number;
}

/** Returns, for each sample index, one token order per layer (permutations of the layer's tokens), drawn from (seed, index, σ). */
export function tokenOrders(model: Denoiser, layers: string[], seed: number, indices: number[], sigma: number): number[][][] {
  const sizes = layers.map((name) => {
    const info = model.attentionLayers.find((l) => l.name === name);
    if (!info) throw new Error(`tpg: unknown attention layer "${name}"; layers: ${model.attentionLayers.map((l) => l.name).join(', ')}`);
    return info.grid[0] * info.grid[1];
  });
  return indices.map((i) => {
    const rng = rowRng(seed, i, sigma);
    return sizes.map((n) => rng.permutation(n));
  });
}

/** Returns the TPG term (γ default 3, the paper's code's tpg_scale). */
export function tpg(opts: TpgOptions = {}): GuidanceTerm {
  checkOptions('tpg', opts, TPG_METHOD.params);
  const seed = opts.seed ?? 0;
  return {
    method: 'tpg',
    gamma: checkGamma('tpg', opts.gamma ?? 3),
    interval: checkInterval('tpg', opts.interval),
    check: (model) => checkLayers('tpg', model, resolveLayers(model, opts.layers)),
    plan({ model, x, labels, indices, sigma }) {
      const layers = resolveLayers(model, opts.layers);
      const orders = tokenOrders(model, layers, seed, indices, sigma);
      const processors = Object.fromEntries(layers.map((l, j) => [l, permutedOutputProcessor(orders.map((row) => row[j]))]));
      return { negative: { model, x, labels, processors } };
    },
  };
}
