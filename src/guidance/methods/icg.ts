/**
 * Independent condition guidance (Sadat et al. 2025): negative = the same model with a condition
 * independent of x: a random class, or Gaussian noise at the class embedding's scale.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../../model/denoiser';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, checkGamma, checkInterval, checkOptions, rowNormals, rowRng, termParams } from '../term';

export const ICG_VARIANTS = ['random-class', 'gaussian'] as const;
export type IcgVariant = (typeof ICG_VARIANTS)[number];

/** ICG in the registry. */
export const ICG_METHOD: MethodDescriptor = {
  name: 'icg',
  summary: 'negative = the same model with a condition independent of x (a random class, or Gaussian class embedding)',
  paper: 'Sadat et al. 2025, No Training, No Problem: Rethinking Classifier-Free Guidance for Diffusion Models',
  params: {
    ...termParams({ min: 0 }),
    variant: { kind: 'name', help: 'the independent condition', default: 'random-class', choices: ICG_VARIANTS, flag: 'variant' },
    seed: { kind: 'integer', help: 'seeds the random conditions (per sample index and σ)', default: 0 },
  },
  build: icg,
};

export interface IcgOptions extends TermOptions {
  variant?: IcgVariant;
  /** Seeds the random conditions; a row's draw depends only on (seed, sample index, σ). */
  seed?: number;
}

const CLASS_TABLE = 'embed.class.weight';
const embeddingScale = new WeakMap<Denoiser, number>();

/** Returns the model's class-embedding table `[classes + 1, dim]` (parameter `<arch>.embed.class.weight`). */
function classTable(model: Denoiser): tf.Variable {
  for (const [name, v] of model.net.params.vars) if (name === CLASS_TABLE || name.endsWith(`.${CLASS_TABLE}`)) return v;
  throw new Error(`icg: the model has no class-embedding table "*.${CLASS_TABLE}"`);
}

/** Returns the RMS of the model's class-embedding table (the scale of ICG's Gaussian condition). */
export function classEmbeddingScale(model: Denoiser): number {
  let s = embeddingScale.get(model);
  if (s === undefined) {
    const table = classTable(model);
    s = tf.tidy(() => tf.sqrt(tf.mean(tf.square(table))).dataSync()[0]);
    embeddingScale.set(model, s);
  }
  return s;
}

/** Returns the ICG term (random class uniform over 0…classes−1, or Gaussian class embedding). */
export function icg(opts: IcgOptions): GuidanceTerm {
  checkOptions('icg', opts, ICG_METHOD.params);
  const variant = opts.variant ?? 'random-class';
  if (!ICG_VARIANTS.includes(variant)) throw new Error(`icg: unknown variant "${variant}"; variants: ${ICG_VARIANTS.join(', ')}`);
  const seed = opts.seed ?? 0;
  return {
    method: 'icg',
    gamma: checkGamma('icg', opts.gamma),
    interval: checkInterval('icg', opts.interval),
    check(model) {
      if (model.config.classes === 0) throw new Error('icg: the model is unconditional (0 classes); use tsg');
    },
    plan({ model, x, sigma, labels, indices }) {
      if (variant === 'random-class') {
        return { negative: { model, x, labels: indices.map((i) => rowRng(seed, i, sigma).int(model.config.classes)) } };
      }
      const dim = classTable(model).shape[1] as number;
      const scale = classEmbeddingScale(model);
      return { negative: { model, x, labels, classEmb: rowNormals(seed, indices, sigma, dim, scale) } };
    },
  };
}
