/**
 * Terms whose negative is another denoiser with the same condition (autoguidance, SIMS).
 */
import type { Denoiser } from '../model/denoiser';
import { GuidanceTerm, MethodName, TermOptions, checkGamma, checkInterval, recordOptions } from './term';

/**
 * Returns a term with negative D_other(x; σ, c); `other` (option `option`, described as `role`) must share
 * imageSize, channels and classes. A missing model is reported by `check`, before any sampling.
 */
export function otherModelTerm(
  method: MethodName,
  option: string,
  role: string,
  other: Denoiser | undefined,
  opts: TermOptions,
): GuidanceTerm {
  return recordOptions(opts, {
    method,
    gamma: checkGamma(method, opts.gamma),
    interval: checkInterval(method, opts.interval),
    check(model) {
      if (other === undefined || other === null) throw new Error(`${method} needs a model as option ${option} (${role}); none was given`);
      for (const key of ['imageSize', 'channels', 'classes'] as const) {
        if (other.config[key] !== model.config[key]) {
          throw new Error(`${method}: the ${option} has ${key} ${other.config[key]} but the model has ${model.config[key]}; it must match`);
        }
      }
    },
    plan: ({ x, labels }) => ({ negative: { model: other as Denoiser, x, labels } }),
  });
}
