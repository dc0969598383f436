/**
 * Self-attention guidance (Hong et al. 2023): negative = the model on a degraded input built from
 * the base branch's output: x̂ = degrade(D_base) + σ·ε̂, ε̂ = (x − D_base)/σ. The degradation is the paper's (`sag-mask`: a
 * Gaussian blur where the layer's received attention is above average) or an ablation that changes one thing: where to blur
 * (everywhere, the image's high-frequency regions, random pixels, a random square, another network's attention) or how
 * (a global FFT low-pass).
 */
import * as tf from '@tensorflow/tfjs-core';
import { captureProcessor } from '../../model/attention/processors';
import { highFrequencyMask, maskedBlur, randomMask, removeHighFrequencies, squareMask } from '../../analysis/filters';
import { sagMask } from '../../analysis/sag-mask';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, termParams } from '../term';
import { checkGamma, checkInterval, checkLayers, checkOptions, resolveLayers, rowRng } from '../term';

export const SAG_STRATEGIES = [
  'sag-mask',
  'global-blur',
  'fft-low-pass',
  'high-frequency-mask',
  'random-mask',
  'square-mask',
  'external-mask',
] as const;
export type SagStrategy = (typeof SAG_STRATEGIES)[number];

/** Strategy names used before they were renamed to what they do (an error names the new one). */
const RENAMED: Readonly<Record<string, SagStrategy>> = {
  'high-frequency': 'fft-low-pass',
  'random-reset': 'random-mask',
  'square-reset': 'square-mask',
};

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
  /** fft-low-pass: the low-pass cutoff as a fraction of Nyquist (default 0.5). */
  cutoff?: number;
  /** random-mask: fraction of pixels blurred (default 0.5). */
  fraction?: number;
  /** square-mask: square side in pixels (default 16). */
  side?: number;
  /** random-mask, square-mask: seeds the masks (per sample index and σ). */
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
      help: "degradation: the paper's attention mask or an ablation",
      default: 'sag-mask',
      choices: SAG_STRATEGIES,
      flag: 'strategy',
    },
    mask: { kind: 'function', help: 'external-mask: (denoised) => 0…1 mask' },
    cutoff: { kind: 'number', help: 'fft-low-pass: low-pass cutoff as a fraction of Nyquist', default: 0.5 },
    fraction: { kind: 'number', help: 'random-mask: fraction of pixels blurred', default: 0.5 },
    side: { kind: 'integer', help: 'square-mask: square side in pixels', default: 16 },
    seed: { kind: 'integer', help: 'random-mask, square-mask: seeds the masks (per sample index and σ)', default: 0 },
  },
  build: sag,
};

/** Returns the SAG term (γ default 0.75 = diffusers sag_scale). */
export function sag(opts: SagOptions = {}): GuidanceTerm {
  checkOptions('sag', opts, SAG_METHOD.params);
  const { strategy = 'sag-mask', sigma = 1, kernel, cutoff = 0.5, fraction = 0.5, side = 16, seed = 0 } = opts;
  if (!SAG_STRATEGIES.includes(strategy)) {
    const renamed = RENAMED[strategy] ? ` (renamed to "${RENAMED[strategy]}", what it does)` : '';
    throw new Error(`sag: unknown strategy "${strategy}"${renamed}; strategies: ${SAG_STRATEGIES.join(', ')}`);
  }
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
                case 'high-frequency-mask':
                  return highFrequencyMask(denoised, sigma, kernel);
                case 'random-mask':
                  return perRow(indices, s, (r) => randomMask([1, h, w], fraction, r));
                case 'square-mask':
                  return perRow(indices, s, (r) => squareMask([1, h, w], side, r));
                default:
                  return (opts.mask as MaskFn)(denoised);
              }
            };
            const x0 =
              strategy === 'fft-low-pass'
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
