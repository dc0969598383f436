/**
 * Autoguidance (Karras et al. 2024): negative = a weaker version of the same model, same condition.
 */
import type { Denoiser } from '../model/denoiser';
import { otherModelTerm } from './other-model';
import type { GuidanceTerm, TermOptions } from './term';

/** Returns the autoguidance term D_pos + γ(D_pos − D_guide); EDM2's w ≈ 1.7–2.9 is γ ≈ 0.7–1.9. */
export function autoguidance(opts: TermOptions & { guide: Denoiser }): GuidanceTerm {
  return otherModelTerm('autoguidance', 'guide', opts.guide, opts);
}
