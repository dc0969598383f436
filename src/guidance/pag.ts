/**
 * Perturbed-attention guidance (Ahn et al. 2024): negative = the same model and condition with the
 * self-attention of chosen layers replaced by the identity (output = V).
 */
import { identityProcessor } from '../model/attention/processors';
import { GuidanceTerm, TERM_OPTIONS, TermOptions, recordOptions } from './term';
import { checkGamma, checkInterval, checkLayers, checkOptions, onLayers, resolveLayers } from './term';

/** The options `pag` accepts. */
export const PAG_OPTIONS = { ...TERM_OPTIONS, layers: 'layers' } as const;

export interface PagOptions extends Partial<TermOptions> {
  /** Exact layer names (default: `mid.attn` for UNets, `blocks.1.attn` for DiTs); [] perturbs nothing. */
  layers?: string[];
}

/** Returns the PAG term (γ default 3 = diffusers pag_scale 3). */
export function pag(opts: PagOptions = {}): GuidanceTerm {
  checkOptions('pag', opts, PAG_OPTIONS);
  return recordOptions(opts, {
    method: 'pag',
    gamma: checkGamma('pag', opts.gamma ?? 3),
    interval: checkInterval('pag', opts.interval),
    check: (model) => checkLayers('pag', model, resolveLayers(model, opts.layers)),
    plan: ({ model, x, labels }) => ({ negative: { model, x, labels, processors: onLayers(resolveLayers(model, opts.layers), identityProcessor) } }),
  });
}
