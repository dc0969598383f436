/**
 * Classifier-free guidance (Ho & Salimans 2022): negative = the same model with the null label.
 */
import { NULL_LABEL } from '../model/denoiser';
import { GuidanceTerm, TERM_OPTIONS, TermOptions, checkGamma, checkInterval, checkOptions, recordOptions } from './term';

/** The options `cfg` accepts. */
export const CFG_OPTIONS = TERM_OPTIONS;

/** Returns the CFG term D_pos + γ(D(x; σ, c) − D(x; σ, ∅)); γ ≥ −1 (−1 = unconditional). */
export function cfg(opts: TermOptions): GuidanceTerm {
  checkOptions('cfg', opts, CFG_OPTIONS);
  return recordOptions(opts, {
    method: 'cfg',
    gamma: checkGamma('cfg', opts.gamma, -1),
    interval: checkInterval('cfg', opts.interval),
    check(model) {
      if (model.config.classes === 0) throw new Error('cfg: the model is unconditional (0 classes); use pag, seg, sag or tsg');
    },
    plan: ({ model, x, labels }) => ({ negative: { model, x, labels: labels.map(() => NULL_LABEL) } }),
  });
}
