/**
 * SIMS (Alemohammad et al. 2024): positive = the base model, negative = its copy fine-tuned on its own samples.
 */
import type { Denoiser } from '../model/denoiser';
import { otherModelTerm } from './other-model';
import type { GuidanceTerm, TermOptions } from './term';

/** Returns the SIMS term D_base + ω(D_base − D_syn) (γ = ω). */
export function sims(opts: TermOptions & { negative: Denoiser }): GuidanceTerm {
  return otherModelTerm('sims', 'self-trained negative', opts.negative, opts);
}
