/**
 * Terms whose negative is another denoiser with the same condition (autoguidance, SIMS).
 */
import type { Denoiser } from '../model/denoiser';
import type { MethodDescriptor } from './registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval } from './term';

/**
 * Returns a term of `descriptor`'s method with negative D_other(x; σ, c); `other` (its parameter `option`) must share
 * imageSize, channels and classes. A missing model is reported by `check`, before any sampling.
 */
export function otherModelTerm(descriptor: MethodDescriptor, option: string, other: Denoiser | undefined, opts: TermOptions): GuidanceTerm {
  const method = descriptor.name;
  const role = descriptor.params[option].role ?? descriptor.params[option].help;
  return {
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
  };
}
