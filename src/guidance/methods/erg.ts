/**
 * An attention-temperature negative in the style of entropy rectifying guidance (ERG; Ifriqi et al.
 * 2025, arXiv 2504.13987): negative = the same model and condition with the attention logits of chosen
 * layers at temperature τ, softmax(q·kᵀ/(τ√d))·v. ERG reads attention as one update of a Hopfield
 * energy and builds its weak prediction by changing that energy's temperature (and, in the paper, the
 * update's step size and the text encoder's attention, which are not modelled here: these models have
 * class labels, not text). τ > 1 raises the attention's entropy (each query looks more evenly; τ → ∞
 * is SEG's infinite blur, every query seeing the mean value), τ < 1 lowers it; τ = 1 is the model itself.
 * The default τ = 2 is this library's choice, not a value from the paper.
 */
import { temperatureProcessor } from '../../model/attention/processors';
import type { MethodDescriptor } from '../registry';
import {
  GuidanceTerm,
  TermOptions,
  checkGamma,
  checkInterval,
  checkLayers,
  checkOptions,
  onLayers,
  resolveLayers,
  termParams,
} from '../term';

/** The attention-temperature negative in the registry. */
export const ERG_METHOD: MethodDescriptor = {
  name: 'erg',
  summary: 'negative = the same model with the attention logits of chosen layers at temperature τ, softmax(q·kᵀ/(τ√d))',
  paper: 'Ifriqi et al. 2025, Entropy Rectifying Guidance for Diffusion and Flow Models (arXiv 2504.13987); temperature part only',
  params: {
    ...termParams({ default: 3, min: 0 }),
    temperature: { kind: 'number', help: 'attention temperature τ of the negative (1 = unperturbed)', default: 2, range: { above: 0 } },
    layers: {
      kind: 'layers',
      help: 'attention layers to perturb, exact names ([] perturbs nothing)',
      default: 'mid.attn / blocks.1.attn',
      flag: 'layers',
    },
  },
  build: erg,
};

export interface ErgOptions extends Partial<TermOptions> {
  /** Attention temperature τ > 0 of the negative (default 2; 1 = no perturbation). */
  temperature?: number;
  /** Exact layer names (default: `mid.attn` for UNets, `blocks.1.attn` for DiTs); [] perturbs nothing. */
  layers?: string[];
}

/** Returns the attention-temperature term (γ default 3, as PAG's). */
export function erg(opts: ErgOptions = {}): GuidanceTerm {
  checkOptions('erg', opts, ERG_METHOD.params);
  const temperature = opts.temperature ?? 2;
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new Error(`erg: temperature τ must be a finite number > 0 (1 = unperturbed); got ${temperature}`);
  const processor = temperatureProcessor(temperature);
  return {
    method: 'erg',
    gamma: checkGamma('erg', opts.gamma ?? 3),
    interval: checkInterval('erg', opts.interval),
    check: (model) => checkLayers('erg', model, resolveLayers(model, opts.layers)),
    plan: ({ model, x, labels }) => ({
      negative: { model, x, labels, processors: onLayers(resolveLayers(model, opts.layers), processor) },
    }),
  };
}
