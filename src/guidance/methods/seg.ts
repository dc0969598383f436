/**
 * Smoothed energy guidance (Hong 2024): negative = the same model with the queries of chosen
 * layers blurred over the token grid (SEG's Gaussian, reflect padding, size clamp) before softmax.
 */
import * as tf from '@tensorflow/tfjs-core';
import { queryMapProcessor } from '../../model/attention/processors';
import type { AttentionLayerInfo } from '../../model/attention/processors';
import { gaussianBlur } from '../../analysis/filters';
import type { MethodDescriptor } from '../registry';
import { GuidanceTerm, TermOptions, termParams } from '../term';
import { checkGamma, checkInterval, checkLayers, checkOptions, onLayers, resolveLayers } from '../term';

/** σ above this is SEG's infinite blur. */
export const SEG_INFINITE_SIGMA = 9999;

/** SEG in the registry. */
export const SEG_METHOD: MethodDescriptor = {
  name: 'seg',
  summary: 'negative = the same model with the queries of chosen layers blurred over the token grid before softmax',
  paper: 'Hong 2024, Smoothed Energy Guidance',
  params: {
    ...termParams({ default: 3, min: 0 }),
    sigma: {
      kind: 'number',
      help: `query blur σ in tokens (> ${SEG_INFINITE_SIGMA} or Infinity: the mean query)`,
      default: '∞',
      range: { above: 0 },
      infinite: true,
      flag: 'sigma',
    },
    layers: {
      kind: 'layers',
      help: 'attention layers to perturb, exact names ([] perturbs nothing)',
      default: 'mid.attn / blocks.1.attn',
      flag: 'layers',
    },
  },
  build: seg,
};

export interface SegOptions extends Partial<TermOptions> {
  /** Blur σ in tokens (> 0; > 9999 or Infinity = every query replaced by the mean query). Default ∞. */
  sigma?: number;
  /** Exact layer names (default: `mid.attn` for UNets, `blocks.1.attn` for DiTs); [] perturbs nothing. */
  layers?: string[];
}

/** Returns queries `[batch, heads, tokens, d]` blurred over the layer's grid by σ (mean query when σ > 9999), same shape. */
export function blurQueries(q: tf.Tensor4D, layer: AttentionLayerInfo, sigma: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, heads, tokens, d] = q.shape;
    if (sigma > SEG_INFINITE_SIGMA) return tf.broadcastTo(tf.mean(q, 2, true), q.shape) as tf.Tensor4D;
    const [h, w] = layer.grid;
    return gaussianBlur(q.reshape([b * heads, h, w, d]), sigma).reshape([b, heads, tokens, d]) as tf.Tensor4D;
  });
}

/** Returns the SEG term (γ default 3 = seg_scale 3). */
export function seg(opts: SegOptions = {}): GuidanceTerm {
  checkOptions('seg', opts, SEG_METHOD.params);
  const sigma = opts.sigma ?? Infinity;
  if (typeof sigma !== 'number' || !(sigma > 0))
    throw new Error(`seg: σ must be > 0 (Infinity or > ${SEG_INFINITE_SIGMA} for infinite blur); got ${sigma}`);
  const processor = queryMapProcessor((q, layer) => blurQueries(q, layer, sigma));
  return {
    method: 'seg',
    gamma: checkGamma('seg', opts.gamma ?? 3),
    interval: checkInterval('seg', opts.interval),
    check: (model) => checkLayers('seg', model, resolveLayers(model, opts.layers)),
    plan: ({ model, x, labels }) => ({
      negative: { model, x, labels, processors: onLayers(resolveLayers(model, opts.layers), processor) },
    }),
  };
}
