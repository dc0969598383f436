/**
 * Perturbed-attention guidance (Ahn et al. 2024): negative = the same model and condition with the
 * self-attention of chosen layers replaced by the identity (output = V).
 */
import { identityProcessor } from '../../model/attention/processors';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, termParams } from '../term';
import { checkGamma, checkInterval, checkLayers, checkOptions, onLayers, resolveLayers } from '../term';

/** PAG in the registry. */
export const PAG_METHOD: MethodDescriptor = {
  name: 'pag',
  summary: 'negative = the same model with the self-attention of chosen layers replaced by the identity (output = V)',
  paper: 'Ahn et al. 2024, Self-Rectifying Diffusion Sampling with Perturbed-Attention Guidance',
  params: {
    ...termParams({ default: 3, min: 0 }),
    layers: {
      kind: 'layers',
      help: 'attention layers to perturb, exact names ([] perturbs nothing)',
      default: 'mid.attn / blocks.1.attn',
      flag: 'layers',
    },
  },
  build: pag,
};

export interface PagOptions extends Partial<TermOptions> {
  /** Exact layer names (default: `mid.attn` for UNets, `blocks.1.attn` for DiTs); [] perturbs nothing. */
  layers?: string[];
}

/** Returns the PAG term (γ default 3 = diffusers pag_scale 3). */
export function pag(opts: PagOptions = {}): GuidanceTerm {
  checkOptions('pag', opts, PAG_METHOD.params);
  return {
    method: 'pag',
    gamma: checkGamma('pag', opts.gamma ?? 3),
    interval: checkInterval('pag', opts.interval),
    check: (model) => checkLayers('pag', model, resolveLayers(model, opts.layers)),
    plan: ({ model, x, labels }) => ({
      negative: { model, x, labels, processors: onLayers(resolveLayers(model, opts.layers), identityProcessor) },
    }),
  };
}
