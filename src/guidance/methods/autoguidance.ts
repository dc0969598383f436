/**
 * Autoguidance (Karras et al. 2024): negative = a weaker version of the same model, same condition.
 */
import type { Denoiser } from '../../model/denoiser';
import { otherModelTerm } from '../other-model';
import type { MethodDescriptor } from '../registry';
import { type GuidanceTerm, type TermOptions, checkOptions, termParams } from '../term';

/** Autoguidance in the registry (`guide` is required). */
export const AUTOGUIDANCE_METHOD: MethodDescriptor = {
  name: 'autoguidance',
  summary: 'negative = a weaker version of the same model (smaller, earlier or shorter-EMA), same condition',
  paper: 'Karras et al. 2024, Guiding a Diffusion Model with a Bad Version of Itself',
  params: {
    ...termParams({ min: 0 }),
    guide: {
      kind: 'model',
      help: 'the weaker model (same image size, channels and classes)',
      role: 'the weaker model it guides with',
      required: true,
      flag: 'guide',
    },
  },
  build: autoguidance,
};

/** Returns the autoguidance term D_pos + γ(D_pos − D_guide); EDM2's w ≈ 1.7–2.9 is γ ≈ 0.7–1.9. */
export function autoguidance(opts: TermOptions & { guide: Denoiser }): GuidanceTerm {
  checkOptions('autoguidance', opts, AUTOGUIDANCE_METHOD.params);
  return otherModelTerm(AUTOGUIDANCE_METHOD, 'guide', opts.guide, opts);
}
