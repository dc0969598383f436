/**
 * SIMS (Alemohammad et al. 2024): positive = the base model, negative = its copy fine-tuned on its own samples.
 */
import type { Denoiser } from '../model/denoiser';
import { otherModelTerm } from './other-model';
import { type GuidanceTerm, TERM_OPTIONS, type TermOptions, checkOptions } from './term';

/** The options `sims` accepts (`negative` is required). */
export const SIMS_OPTIONS = { ...TERM_OPTIONS, negative: 'model' } as const;

/** Returns the SIMS term D_base + ω(D_base − D_syn) (γ = ω). */
export function sims(opts: TermOptions & { negative: Denoiser }): GuidanceTerm {
  checkOptions('sims', opts, SIMS_OPTIONS);
  return otherModelTerm('sims', 'negative', 'the self-trained negative', opts.negative, opts);
}
