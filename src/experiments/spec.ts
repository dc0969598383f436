/**
 * The sweep spec: which model, methods (with their parameters), γ values, seeds and settings a
 * sweep covers, parsed from JSON with errors that name the bad value and the allowed ones.
 */
import type { MethodName } from '../guidance/term';
import { guidanceTerm, methodNames, modelParam, modelParams, specParams } from '../guidance/registry';
import { SAMPLERS, type SamplerName } from '../diffusion';
import { METRICS, type MetricName } from '../metrics/measure';
import { autoencoderSource } from '../metrics/autoencoder';
import type { FeaturizerSource } from '../metrics/featurizer';

/** `balanced`: sample i gets class i mod classes (null label for unconditional models); a number: that class for all. */
export type LabelPolicy = 'balanced' | number;

/**
 * One method of the grid with fixed parameters, and the model its model parameter names, under that parameter's name
 * (autoguidance's `guide`, SIMS's `negative`: a shipped name or .safetensors path).
 */
export interface MethodSpec {
  method: MethodName;
  params: Record<string, unknown>;
  [modelParam: string]: unknown;
}

/** A parsed sweep spec. */
export interface SweepSpec {
  /** Positive model: a shipped name or a .safetensors path. */
  model: string;
  methods: MethodSpec[];
  gammas: number[];
  seeds: number[];
  /** Samples per point (≥ 2). */
  n: number;
  steps: number;
  sampler: SamplerName;
  labels: LabelPolicy;
  metrics: MetricName[];
  /** Rows per forward pass (does not change the results). */
  batchSize: number;
  /** Reference images for the metrics: a data set split and how many images. */
  reference: { dataset: string; split: 'heldOut' | 'train'; n: number };
  /** Classifier checkpoint used as featurizer (default: the shipped MNIST classifier). */
  classifier?: string;
  /** Also measure KID / FID in a feature autoencoder's space: `true` the shipped one, a string a checkpoint path (absent: not). */
  autoencoder?: true | string;
}

const KEYS = [
  'model',
  'methods',
  'gammas',
  'seeds',
  'n',
  'steps',
  'sampler',
  'labels',
  'metrics',
  'batchSize',
  'reference',
  'classifier',
  'autoencoder',
];

/** Returns the validated spec from parsed JSON, filling defaults; throws naming the bad value and the allowed ones. */
export function parseSpec(json: unknown): SweepSpec {
  const o = record(json, 'sweep spec');
  unknownKeys(o, KEYS, 'sweep spec');
  const model = str(o.model, 'model');
  if (!Array.isArray(o.methods) || o.methods.length === 0)
    throw new Error(`methods must be a non-empty list of {method, params?}; got ${JSON.stringify(o.methods)}`);
  const methods = o.methods.map((m, i) => parseMethod(m, i));
  const gammas = numbers(o.gammas, 'gammas', (v) => Number.isFinite(v));
  methods.forEach((m, i) => checkTerms(m, gammas, `methods[${i}]`));
  const seeds = numbers(o.seeds ?? [0], 'seeds', (v) => Number.isInteger(v) && v >= 0);
  const n = int(o.n, 'n', 2);
  const steps = int(o.steps ?? 18, 'steps', 1);
  const sampler = oneOf(o.sampler ?? 'heun', SAMPLERS, 'sampler');
  const labels = o.labels ?? 'balanced';
  if (labels !== 'balanced' && !(Number.isInteger(labels) && (labels as number) >= 0))
    throw new Error(`labels must be "balanced" or a class number ≥ 0; got ${JSON.stringify(labels)}`);
  const metricList = o.metrics ?? [...METRICS];
  if (!Array.isArray(metricList) || metricList.length === 0)
    throw new Error(`metrics must be a non-empty list of ${METRICS.join(', ')}; got ${JSON.stringify(metricList)}`);
  const metrics = metricList.map((m) => oneOf(m, METRICS, 'metric'));
  const batchSize = int(o.batchSize ?? 16, 'batchSize', 1);
  const ref = record(o.reference ?? {}, 'reference');
  unknownKeys(ref, ['dataset', 'split', 'n'], 'reference');
  const reference = {
    dataset: str(ref.dataset ?? 'mnist', 'reference.dataset'),
    split: oneOf(ref.split ?? 'heldOut', ['heldOut', 'train'] as const, 'reference.split'),
    n: int(ref.n ?? 1000, 'reference.n', 2),
  };
  const classifier = o.classifier === undefined ? undefined : str(o.classifier, 'classifier');
  const autoencoder = parseAutoencoder(o.autoencoder);
  return {
    model,
    methods,
    gammas,
    seeds,
    n,
    steps,
    sampler,
    labels: labels as LabelPolicy,
    metrics,
    batchSize,
    reference,
    ...(classifier === undefined ? {} : { classifier }),
    ...(autoencoder === undefined ? {} : { autoencoder }),
  };
}

/** Returns the source of the spec's second feature space (its feature autoencoder), or undefined when it measures in one space. */
export function secondSource(spec: Pick<SweepSpec, 'autoencoder'>): FeaturizerSource | undefined {
  if (spec.autoencoder === undefined) return undefined;
  return autoencoderSource(spec.autoencoder === true ? undefined : spec.autoencoder);
}

/** Returns the `autoencoder` field: true, a checkpoint path, or undefined for absent / false. */
function parseAutoencoder(v: unknown): true | string | undefined {
  if (v === undefined || v === false) return undefined;
  if (v === true || (typeof v === 'string' && v !== '')) return v;
  throw new Error(
    `autoencoder must be true (the shipped feature autoencoder), a .safetensors checkpoint path, or false (none); got ${JSON.stringify(v)}`,
  );
}

function parseMethod(json: unknown, i: number): MethodSpec {
  const where = `methods[${i}]`;
  const o = record(json, where);
  const roles = modelParams();
  unknownKeys(o, ['method', 'params', ...roles], where);
  const method = oneOf(o.method, methodNames(), `${where}.method`);
  const params = record(o.params ?? {}, `${where}.params`);
  const allowed = specParams(method);
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k))
      throw new Error(
        `${where}: unknown ${method} parameter "${k}"; ${method} parameters: ${allowed.join(', ')}${k === 'gamma' ? ' (γ comes from "gammas")' : ''}`,
      );
  }
  const role = modelParam(method);
  for (const r of roles) {
    if (o[r] !== undefined && r !== role) throw new Error(`${where}: ${method} takes no "${r}" model${role ? `; it takes "${role}"` : ''}`);
  }
  if (role === undefined) return { method, params };
  return { method, params, [role]: str(o[role], `${where}.${role} (the ${role} model ${method} needs)`) };
}

/** Throws what building the method's term would throw at any of `gammas` (a bad value, a string for a list), before any work starts. */
function checkTerms(m: MethodSpec, gammas: number[], where: string): void {
  for (const gamma of gammas) {
    try {
      guidanceTerm(m.method, { ...m.params, gamma });
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  }
}

function record(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${name} must be an object; got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

function unknownKeys(o: Record<string, unknown>, allowed: string[], name: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Error(`${name}: unknown field "${k}"; fields: ${allowed.join(', ')}`);
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${name} must be a non-empty string; got ${JSON.stringify(v)}`);
  return v;
}

function int(v: unknown, name: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new Error(`${name} must be an integer ≥ ${min}; got ${JSON.stringify(v)}`);
  return v;
}

function numbers(v: unknown, name: string, ok: (x: number) => boolean): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${name} must be a non-empty list of numbers; got ${JSON.stringify(v)}`);
  const bad = v.find((x) => typeof x !== 'number' || !ok(x));
  if (bad !== undefined)
    throw new Error(
      `${name}: ${JSON.stringify(bad)} is not a valid value (${name === 'seeds' ? 'integers ≥ 0' : 'finite numbers'}); got ${JSON.stringify(v)}`,
    );
  return v as number[];
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly unknown[]).includes(v))
    throw new Error(`unknown ${name} ${JSON.stringify(v)}; ${name === 'metric' ? 'metrics' : 'allowed'}: ${allowed.join(', ')}`);
  return v as T;
}
