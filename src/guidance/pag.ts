/**
 * Perturbed-attention guidance (Ahn et al. 2024): negative = the same model and condition with the
 * self-attention of chosen layers replaced by the identity (output = V).
 */
import { identityProcessor } from '../model/attention/processors';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkLayers, onLayers, resolveLayers } from './term';

export interface PagOptions extends Partial<TermOptions> {
  /** Exact layer names (default: `mid.attn` for UNets, `blocks.1.attn` for DiTs); [] perturbs nothing. */
  layers?: string[];
}

/** Returns the PAG term (γ default 3 = diffusers pag_scale 3). */
export function pag(opts: PagOptions = {}): GuidanceTerm {
  return {
    method: 'pag',
    gamma: checkGamma('pag', opts.gamma ?? 3),
    interval: checkInterval('pag', opts.interval),
    check: (model) => checkLayers('pag', model, resolveLayers(model, opts.layers)),
    plan: ({ model, x, labels }) => ({ negative: { model, x, labels, processors: onLayers(resolveLayers(model, opts.layers), identityProcessor) } }),
  };
}
