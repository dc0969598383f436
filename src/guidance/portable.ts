/**
 * Models and guidance terms as plain, structured-clonable data, so a worker thread can rebuild them:
 * a model as its config and weights named by a digest, a term as its method and the options it was
 * built from (models by digest). Function-valued options (a SAG mask) cannot cross threads, and a worker knows only
 * the built-in methods.
 */
import { createHash } from 'node:crypto';
import type { Denoiser, ModelConfig } from '../model/denoiser';
import { createDenoiser } from '../model/factory';
import { BUILT_IN_METHODS } from './methods/index';
import { findMethod, guidanceTerm } from './registry';
import { builtFrom, type GuidanceTerm, type MethodName } from './term';

/** A model as data: config and weights by parameter name, and the sha256 of both (its identity). */
export interface ModelPayload {
  digest: string;
  config: ModelConfig;
  weights: Record<string, { data: Float32Array; shape: number[] }>;
}

/** A guidance term as data: its method and options, with each model-valued option replaced by the model's digest. */
export interface TermSpec {
  method: MethodName;
  options: Record<string, unknown>;
  /** Model-valued options: option name → model digest. */
  models: Record<string, string>;
}

/** Returns the model's config and current weights with their digest (reads every weight once). */
export function modelPayload(model: Denoiser): ModelPayload {
  const weights = model.net.params.snapshot();
  const hash = createHash('sha256').update(JSON.stringify(model.config));
  for (const [name, w] of Object.entries(weights)) {
    hash.update(`${name}[${w.shape}]`).update(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return { digest: hash.digest('hex'), config: model.config, weights };
}

/** Returns a new denoiser built from a payload (the caller disposes its params). */
export function payloadModel(p: ModelPayload): Denoiser {
  const model = createDenoiser(p.config, 0);
  model.net.params.load(p.weights, `model ${p.digest.slice(0, 12)}`);
  return model;
}

/**
 * Returns the term as data, with its models named by `digestOf`, or a string saying why it cannot be rebuilt
 * elsewhere (not made by a registered builder, a method registered in this thread, or a function-valued option).
 */
export function termSpec(term: GuidanceTerm, digestOf: (m: Denoiser) => string): TermSpec | string {
  const built = builtFrom(term);
  if (built === undefined) {
    return `a ${term.method} term was not made by a guidance-lab builder (hand-made or copied: no options to rebuild it from)`;
  }
  if (!BUILT_IN_METHODS.some((d) => d.name === term.method)) {
    return `${term.method} was registered in this thread (registerMethod), and worker threads know only the built-in methods`;
  }
  const { params } = findMethod(term.method);
  const options: Record<string, unknown> = {};
  const models: Record<string, string> = {};
  for (const [key, value] of Object.entries(built)) {
    if (value === undefined) continue;
    if (params[key]?.kind === 'function' || typeof value === 'function') {
      return `${term.method} option ${key} is a function, which cannot cross threads`;
    }
    if (params[key]?.kind === 'model') models[key] = digestOf(value as Denoiser);
    else options[key] = value;
  }
  return { method: term.method, options, models };
}

/** Returns the term rebuilt from its spec, looking its models up by digest. */
export function specTerm(spec: TermSpec, model: (digest: string) => Denoiser): GuidanceTerm {
  const options: Record<string, unknown> = { ...spec.options };
  for (const [key, digest] of Object.entries(spec.models)) options[key] = model(digest);
  return guidanceTerm(spec.method, options);
}

/**
 * Keys in least-recently-used order, at most `capacity`: the sampler's main thread keeps one per worker to
 * know which models that worker holds, and the worker keeps the same one over its models, so both agree.
 */
export class LruKeys {
  private readonly keys: string[] = [];

  constructor(readonly capacity: number) {}

  /** Marks `key` as used; returns whether it was absent (now added) and the keys evicted to make room. */
  use(key: string): { added: boolean; evicted: string[] } {
    const at = this.keys.indexOf(key);
    if (at >= 0) {
      this.keys.splice(at, 1);
      this.keys.push(key);
      return { added: false, evicted: [] };
    }
    this.keys.push(key);
    return { added: true, evicted: this.keys.splice(0, Math.max(0, this.keys.length - this.capacity)) };
  }
}
