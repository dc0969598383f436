/**
 * The negative shared by the CFG family (APG, CFG++, CFG-Zero*, FDG, TCFG, MAMBO-G): the same model with the null
 * label, batched with the positive; only how P and N combine differs between them.
 */
import { NULL_LABEL } from '../model/denoiser';
import type { GuidanceTerm, MethodName } from './term';

/** Returns the check and plan of a term whose negative is the model's unconditional prediction D(x; σ, ∅). */
export function unconditionalNegative(method: MethodName): Pick<GuidanceTerm, 'check' | 'plan' | 'unconditionalNegative'> {
  return {
    unconditionalNegative: true,
    check(model) {
      if (model.config.classes === 0) {
        throw new Error(`${method}: the model is unconditional (0 classes); ${method} needs a class-conditional model`);
      }
    },
    plan: ({ model, x, labels }) => ({ negative: { model, x, labels: labels.map(() => NULL_LABEL) } }),
  };
}
