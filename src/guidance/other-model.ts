/**
 * Terms whose negative is another denoiser with the same condition (autoguidance, SIMS).
 */
import type { Denoiser } from '../model/denoiser';
import { GuidanceTerm, MethodName, TermOptions, checkGamma, checkInterval } from './term';

/** Returns a term with negative D_other(x; σ, c); `other` must share imageSize, channels and classes. */
export function otherModelTerm(method: MethodName, role: string, other: Denoiser, opts: TermOptions): GuidanceTerm {
  return {
    method,
    gamma: checkGamma(method, opts.gamma),
    interval: checkInterval(method, opts.interval),
    check(model) {
      for (const key of ['imageSize', 'channels', 'classes'] as const) {
        if (other.config[key] !== model.config[key]) {
          throw new Error(`${method}: the ${role} has ${key} ${other.config[key]} but the model has ${model.config[key]}; it must match`);
        }
      }
    },
    plan: ({ x, labels }) => ({ negative: { model: other, x, labels } }),
  };
}
