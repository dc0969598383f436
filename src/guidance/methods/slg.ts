/**
 * Skip-layer guidance, after spatiotemporal skip guidance (STG; Hyung et al. 2024, arXiv 2411.18664):
 * negative = the same model and condition with chosen residual blocks skipped, so each passes its input
 * on unchanged and only the residual stream flows through it (the paper's residual skip, STG-R:
 * Res(z) = z + f(z) becomes z). Naming an attention block skips only the attention: in the UNet the
 * block `mid.attn` is x + attn(norm x), in the DiT `blocks.i.attn` is the branch x + g·attn(…) inside
 * block `blocks.i`; skipping it drops the attention's contribution and keeps the residual (and, in the
 * DiT, the block's MLP), as ComfyUI's SkipLayerGuidance and diffusers' attention skip do. The paper's
 * attention skip (STG-A) simplifies the attention map itself; its identity-map form (output = V) is PAG
 * here. The paper's video models skip spatial and temporal layers; these image models have only spatial
 * ones. Block names are `Denoiser.blocks` (those that keep their input's shape can be skipped).
 */
import type { Denoiser } from '../../model/denoiser';
import { skipBlock } from '../../model/blocks';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';

/** Skip-layer guidance in the registry. */
export const SLG_METHOD: MethodDescriptor = {
  name: 'slg',
  summary: 'negative = the same model with chosen residual blocks (or one attention branch) skipped: each passes its input on',
  paper: 'Hyung et al. 2024, Spatiotemporal Skip Guidance for Enhanced Video Diffusion Sampling (arXiv 2411.18664)',
  params: {
    ...termParams({ default: 3, min: 0 }),
    blocks: {
      kind: 'blocks',
      help: 'blocks to skip, exact names (Denoiser.blocks: e.g. mid.res.0, mid.attn, blocks.1, blocks.1.attn); [] skips nothing',
      default: 'mid.attn / blocks.1',
    },
  },
  build: slg,
};

export interface SlgOptions extends Partial<TermOptions> {
  /** Exact block names (default: `mid.attn` on a UNet, the whole block `blocks.1` on a DiT); [] skips nothing. */
  blocks?: string[];
}

/** Returns the blocks, or the default: the UNet's middle attention block, else the DiT's block 1 (PAG's default layer's block). */
export function resolveBlocks(model: Denoiser, blocks: string[] | undefined): string[] {
  if (blocks) return blocks;
  const names = model.blocks.map((b) => b.name);
  const found = ['mid.attn', 'blocks.1'].find((n) => names.includes(n));
  if (!found)
    throw new Error(`slg: no default block (mid.attn or blocks.1) in this model; name one of: ${skippable(model).join(', ') || 'none'}`);
  return [found];
}

/** Returns the names of the blocks that keep their input's shape (the ones that can be skipped). */
function skippable(model: Denoiser): string[] {
  return model.blocks.filter((b) => b.residual).map((b) => b.name);
}

/** Throws naming the first block the model does not have or cannot skip, and the ones it can. */
export function checkSkippable(model: Denoiser, blocks: string[]): void {
  const valid = skippable(model);
  for (const name of blocks) {
    const block = model.blocks.find((b) => b.name === name);
    if (!block) throw new Error(`slg: unknown block "${name}"; blocks that can be skipped: ${valid.join(', ') || 'none'}`);
    if (!block.residual)
      throw new Error(`slg: block "${name}" changes its input's shape and cannot be skipped; blocks that can be: ${valid.join(', ')}`);
  }
}

/** Returns the skip-layer term (γ default 3, ComfyUI's SkipLayerGuidance scale and the STG code's default scale). */
export function slg(opts: SlgOptions = {}): GuidanceTerm {
  checkOptions('slg', opts, SLG_METHOD.params);
  return {
    method: 'slg',
    gamma: checkGamma('slg', opts.gamma ?? 3),
    interval: checkInterval('slg', opts.interval),
    check: (model) => checkSkippable(model, resolveBlocks(model, opts.blocks)),
    plan: ({ model, x, labels }) => ({
      negative: { model, x, labels, blocks: Object.fromEntries(resolveBlocks(model, opts.blocks).map((b) => [b, skipBlock])) },
    }),
  };
}
