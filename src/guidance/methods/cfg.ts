/**
 * Classifier-free guidance (Ho & Salimans 2022): negative = the same model with the null label.
 */
import { NULL_LABEL } from '../../model/denoiser';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../term';

/** CFG in the registry: γ and the interval only. */
export const CFG_METHOD: MethodDescriptor = {
  name: 'cfg',
  summary: 'negative = the same model with the null label (unconditional)',
  paper: 'Ho & Salimans 2022, Classifier-Free Diffusion Guidance',
  params: termParams({ min: -1 }),
  build: cfg,
};

/** Returns the CFG term D_pos + γ(D(x; σ, c) − D(x; σ, ∅)); γ ≥ −1 (−1 = unconditional). */
export function cfg(opts: TermOptions): GuidanceTerm {
  checkOptions('cfg', opts, CFG_METHOD.params);
  return {
    method: 'cfg',
    unconditionalNegative: true,
    gamma: checkGamma('cfg', opts.gamma, -1),
    interval: checkInterval('cfg', opts.interval),
    check(model) {
      if (model.config.classes === 0) throw new Error('cfg: the model is unconditional (0 classes); use pag, seg, sag or tsg');
    },
    plan: ({ model, x, labels }) => ({ negative: { model, x, labels: labels.map(() => NULL_LABEL) } }),
  };
}
