/**
 * The sweep grid: every (method entry, γ, seed) of a spec as a self-contained point, in a fixed
 * order (methods, then γ, then seeds), and the labels a point samples.
 */
import { NULL_LABEL } from '../model/denoiser';
import type { SamplerName } from '../diffusion';
import { modelParam } from '../guidance/registry';
import type { MetricName } from '../metrics/measure';
import type { LabelPolicy, MethodSpec, SweepSpec } from './spec';

/** Everything that determines one point's samples and metrics (besides the checkpoints and featurizer). */
export interface SweepPoint extends MethodSpec {
  model: string;
  gamma: number;
  seed: number;
  n: number;
  steps: number;
  sampler: SamplerName;
  labels: LabelPolicy;
  metrics: MetricName[];
  reference: SweepSpec['reference'];
}

/** Returns the grid's points in order: method entries × γ × seeds. */
export function expandGrid(spec: SweepSpec): SweepPoint[] {
  const { model, n, steps, sampler, labels, metrics, reference } = spec;
  return spec.methods.flatMap((m) =>
    spec.gammas.flatMap((gamma) => spec.seeds.map((seed) => ({ ...m, model, gamma, seed, n, steps, sampler, labels, metrics, reference }))),
  );
}

/** Returns the model names a point uses: the positive, then the model its method's model parameter names (guide, negative) if any. */
export function pointModels(p: MethodSpec & { model: string }): string[] {
  const role = modelParam(p.method);
  const other = role === undefined ? undefined : p[role];
  return [p.model, ...(typeof other === 'string' ? [other] : [])];
}

/** Returns the class of each of a point's n samples for a model with `classes` classes. */
export function pointLabels(p: Pick<SweepPoint, 'labels' | 'n'>, classes: number): number[] {
  if (p.labels === 'balanced') return Array.from({ length: p.n }, (_, i) => (classes > 0 ? i % classes : NULL_LABEL));
  if (p.labels >= classes) throw new Error(`labels: class ${p.labels} does not exist; the model has classes 0…${classes - 1}`);
  return new Array<number>(p.n).fill(p.labels);
}
