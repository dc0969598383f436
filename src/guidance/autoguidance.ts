/**
 * Autoguidance (Karras et al. 2024): negative = a weaker version of the same model, same condition.
 */
import type { Denoiser } from '../model/denoiser';
import { otherModelTerm } from './other-model';
import { type GuidanceTerm, TERM_OPTIONS, type TermOptions, checkOptions } from './term';

/** The options `autoguidance` accepts (`guide` is required). */
export const AUTOGUIDANCE_OPTIONS = { ...TERM_OPTIONS, guide: 'model' } as const;

/** Returns the autoguidance term D_pos + γ(D_pos − D_guide); EDM2's w ≈ 1.7–2.9 is γ ≈ 0.7–1.9. */
export function autoguidance(opts: TermOptions & { guide: Denoiser }): GuidanceTerm {
  checkOptions('autoguidance', opts, AUTOGUIDANCE_OPTIONS);
  return otherModelTerm('autoguidance', 'guide', 'the weaker model it guides with', opts.guide, opts);
}
