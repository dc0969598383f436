/**
 * Self-attention guidance (Hong et al. 2023): negative = the model on a degraded input built from
 * the base branch's output: x̂ = degrade(D_base) + σ·ε̂, ε̂ = (x − D_base)/σ. The degradation is the
 * SAG attention mask's blur or one of the paper's ablation strategies.
 */
import * as tf from '@tensorflow/tfjs-core';
import { captureProcessor } from '../../model/attention/processors';
import { maskedBlur, randomResetMask, removeHighFrequencies, squareResetMask } from '../../analysis/filters';
import { sagMask } from '../../analysis/sag-mask';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, termParams } from '../term';
import { checkGamma, checkInterval, checkLayers, checkOptions, resolveLayers, rowRng } from '../term';

export const SAG_STRATEGIES = ['sag-mask', 'global-blur', 'high-frequency', 'random-reset', 'square-reset', 'external-mask'] as const;
export type SagStrategy = (typeof SAG_STRATEGIES)[number];

/** Returns a 0…1 mask `[batch, h, w]` (or `[batch, h, w, 1]`) from the denoised images `[batch, h, w, c]`. */
export type MaskFn = (denoised: tf.Tensor4D) => tf.Tensor;

export interface SagOptions extends Partial<TermOptions> {
  /** Attention layer whose map gives the mask (default `mid.attn` / `blocks.1.attn`). */
  layer?: string;
  /** Gaussian blur σ in pixels (default 1, diffusers). */
  sigma?: number;
  /** Odd kernel size (default SEG's rule for σ, clamped to the image). */
  kernel?: number;
  strategy?: SagStrategy;
  /** external-mask: the mask from the denoised image. */
  mask?: MaskFn;
  /** high-frequency: the low-pass cutoff as a fraction of Nyquist (default 0.5). */
  cutoff?: number;
  /** random-reset: fraction of pixels reset (default 0.5). */
  fraction?: number;
  /** square-reset: square side in pixels (default 16). */
  side?: number;
  /** random/square reset: seeds the masks (per sample index and σ). */
  seed?: number;
}

/** SAG in the registry: one layer (its mask), the blur and the ablation strategies' settings. */
export const SAG_METHOD: MethodDescriptor = {
  name: 'sag',
  summary: "negative = the model on its own output blurred where the chosen layer's attention is high, re-noised",
  paper: 'Hong et al. 2023, Improving Sample Quality of Diffusion Models Using Self-Attention Guidance',
  params: {
    ...termParams({ default: 0.75, min: 0 }),
    layer: {
      kind: 'layer',
      help: 'attention layer whose map gives the mask',
      role: 'its mask',
      default: 'mid.attn / blocks.1.attn',
      flag: 'layers',
    },
    sigma: { kind: 'number', help: 'Gaussian blur σ in pixels', default: 1, range: { above: 0 }, flag: 'sigma' },
    kernel: { kind: 'integer', help: "odd blur kernel size (default: SEG's rule for σ, clamped to the image)" },
    strategy: {
      kind: 'name',
      help: 'degradation: the attention mask or an ablation',
      default: 'sag-mask',
      choices: SAG_STRATEGIES,
      flag: 'strategy',
    },
    mask: { kind: 'function', help: 'external-mask: (denoised) => 0…1 mask' },
    cutoff: { kind: 'number', help: 'high-frequency: low-pass cutoff as a fraction of Nyquist', default: 0.5 },
    fraction: { kind: 'number', help: 'random-reset: fraction of pixels reset', default: 0.5 },
    side: { kind: 'integer', help: 'square-reset: square side in pixels', default: 16 },
    seed: { kind: 'integer', help: 'random/square reset: seeds the masks (per sample index and σ)', default: 0 },
  },
  build: sag,
};

/** Returns the SAG term (γ default 0.75 = diffusers sag_scale). */
export function sag(opts: SagOptions = {}): GuidanceTerm {
  checkOptions('sag', opts, SAG_METHOD.params);
  const { strategy = 'sag-mask', sigma = 1, kernel, cutoff = 0.5, fraction = 0.5, side = 16, seed = 0 } = opts;
  if (!SAG_STRATEGIES.includes(strategy)) throw new Error(`sag: unknown strategy "${strategy}"; strategies: ${SAG_STRATEGIES.join(', ')}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new Error(`sag: blur σ must be a finite number > 0; got ${sigma}`);
  if (strategy === 'external-mask' && typeof opts.mask !== 'function')
    throw new Error('sag: strategy external-mask needs mask: (denoised) => mask');
  return {
    method: 'sag',
    gamma: checkGamma('sag', opts.gamma ?? 0.75),
    interval: checkInterval('sag', opts.interval),
    check: (model) => checkLayers('sag', model, resolveLayers(model, opts.layer === undefined ? undefined : [opts.layer])),
    plan({ model }) {
      const layer = resolveLayers(model, opts.layer === undefined ? undefined : [opts.layer])[0];
      const { imageSize } = model.config;
      let captured: tf.Tensor | null = null;
      const capture =
        strategy === 'sag-mask' ? { [layer]: captureProcessor((p, info) => (captured = tf.keep(sagMask(p, imageSize, info.grid)))) } : {};
      const perRow = (indices: number[], sigmaNow: number, make: (s: number) => tf.Tensor): tf.Tensor =>
        tf.concat(indices.map((i) => make(rowRng(seed, i, sigmaNow).nextUint32())));
      return {
        deferred: {
          capture,
          negative({ x, labels, denoised, sigma: s, indices }) {
            const [n, h, w] = denoised.shape;
            const mask = (): tf.Tensor => {
              switch (strategy) {
                case 'sag-mask':
                  return captured as tf.Tensor;
                case 'global-blur':
                  return tf.ones([n, h, w]);
                case 'random-reset':
                  return perRow(indices, s, (r) => randomResetMask([1, h, w], fraction, r));
                case 'square-reset':
                  return perRow(indices, s, (r) => squareResetMask([1, h, w], side, r));
                default:
                  return (opts.mask as MaskFn)(denoised);
              }
            };
            const x0 =
              strategy === 'high-frequency'
                ? removeHighFrequencies(denoised, cutoff)
                : maskedBlur(denoised, mask().reshape([n, h, w, 1]), sigma, kernel);
            return { model, x: tf.add(x0, tf.sub(x, denoised)) as tf.Tensor4D, labels };
          },
          dispose: () => captured?.dispose(),
        },
      };
    },
  };
}
