/**
 * A test-only guidance method, written as the recipe in ARCHITECTURE.md says: negative = a "teacher"
 * model (a model parameter without a flag, set by `--param teacher=…`) given one fixed `label`
 * (flag --label). With the model itself as teacher and the null label it is CFG, which the tests use as the truth.
 */
import type { Denoiser } from '../../src/model/denoiser';
import { NULL_LABEL } from '../../src/model/denoiser';
import type { MethodDescriptor } from '../../src/guidance/registry';
import { type GuidanceTerm, type TermOptions, checkGamma, checkInterval, checkOptions, termParams } from '../../src/guidance/term';

/** The throwaway method's options. */
export interface FixedLabelOptions extends TermOptions {
  teacher: Denoiser;
  label?: number;
}

/** The throwaway method's descriptor. */
export const FIXED_LABEL_METHOD: MethodDescriptor = {
  name: 'fixed-label',
  summary: 'negative = a teacher model given one fixed label',
  paper: 'none (a test of the registry)',
  params: {
    ...termParams({ min: 0 }),
    teacher: { kind: 'model', help: 'the model of the negative', role: 'the teacher', required: true },
    label: {
      kind: 'integer',
      help: 'the label every negative row gets (-1: the null label)',
      default: NULL_LABEL,
      range: { min: NULL_LABEL },
      flag: 'label',
    },
  },
  build: fixedLabel,
};

/** Returns the throwaway term D_pos + γ(D_pos − D_teacher(x; σ, label)). */
export function fixedLabel(opts: FixedLabelOptions): GuidanceTerm {
  checkOptions('fixed-label', opts, FIXED_LABEL_METHOD.params);
  const label = opts.label ?? NULL_LABEL;
  if (!(Number.isInteger(label) && label >= NULL_LABEL))
    throw new Error(`fixed-label: label must be an integer ≥ ${NULL_LABEL}; got ${label}`);
  return {
    method: 'fixed-label',
    gamma: checkGamma('fixed-label', opts.gamma),
    interval: checkInterval('fixed-label', opts.interval),
    check(model) {
      if (opts.teacher === undefined) throw new Error('fixed-label needs a model as option teacher; none was given');
      if (label >= model.config.classes)
        throw new Error(`fixed-label: label ${label} is not a class of the model (0…${model.config.classes - 1})`);
    },
    plan: ({ x, labels }) => ({ negative: { model: opts.teacher, x, labels: labels.map(() => label) } }),
  };
}
