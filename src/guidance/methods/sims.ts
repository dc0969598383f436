/**
 * SIMS (Alemohammad et al. 2024): positive = the base model, negative = its copy fine-tuned on its own samples.
 */
import type { Denoiser } from '../../model/denoiser';
import { otherModelTerm } from '../other-model';
import type { MethodDescriptor } from '../registry';
import { type GuidanceTerm, type TermOptions, checkOptions, termParams } from '../term';

/** SIMS in the registry (`negative` is required). */
export const SIMS_METHOD: MethodDescriptor = {
  name: 'sims',
  summary: 'negative = a copy of the model fine-tuned on its own samples',
  paper: 'Alemohammad et al. 2024, Self-Improving Diffusion Models with Synthetic Data',
  params: {
    ...termParams({ min: 0 }),
    negative: {
      kind: 'model',
      help: 'the self-trained negative (same image size, channels and classes)',
      role: 'the self-trained negative',
      required: true,
      flag: 'negative',
    },
  },
  build: sims,
};

/** Returns the SIMS term D_base + ω(D_base − D_syn) (γ = ω). */
export function sims(opts: TermOptions & { negative: Denoiser }): GuidanceTerm {
  checkOptions('sims', opts, SIMS_METHOD.params);
  return otherModelTerm(SIMS_METHOD, 'negative', opts.negative, opts);
}
