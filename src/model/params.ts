/**
 * Named trainable parameters of a model: one flat, ordered map from exact names
 * (`down.1.res.0.conv1.weight`) to tfjs variables, created deterministically from a seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random';

/** How a parameter starts: zeros, ones, normal with a standard deviation, or given values. */
export type Init = 'zeros' | 'ones' | { std: number } | { values: Float32Array };

/** A registry of named variables; modules create theirs under a prefix with `scope`. */
export class Params {
  readonly vars = new Map<string, tf.Variable>();
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed, 0x5eed);
  }

  /** Creates the variable `name` of `shape` with `init`; names must be unique. */
  create(name: string, shape: number[], init: Init): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter "${name}" is defined twice`);
    const n = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (init === 'zeros') values = new Float32Array(n);
    else if (init === 'ones') values = new Float32Array(n).fill(1);
    else if ('values' in init) {
      if (init.values.length !== n)
        throw new Error(`parameter "${name}": ${init.values.length} initial values for shape [${shape}] (${n})`);
      values = init.values.slice();
    } else {
      values = this.rng.normals(n);
      for (let i = 0; i < n; i++) values[i] *= init.std;
    }
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.vars.set(name, v);
    return v;
  }

  /** Returns a view that prefixes every name with `prefix.`. */
  scope(prefix: string): Scope {
    return new Scope(this, prefix);
  }

  /** Returns the number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Returns the values of every parameter as plain arrays, by name (for checkpoints). */
  snapshot(): Record<string, { data: Float32Array; shape: number[] }> {
    const out: Record<string, { data: Float32Array; shape: number[] }> = {};
    for (const [name, v] of this.vars) out[name] = { data: v.dataSync() as Float32Array, shape: v.shape.slice() };
    return out;
  }

  /** Assigns every parameter from plain arrays; names and shapes must match exactly. */
  load(values: Record<string, { data: Float32Array; shape: number[] }>, what = 'checkpoint'): void {
    const missing = [...this.vars.keys()].filter((k) => !(k in values));
    const extra = Object.keys(values).filter((k) => !this.vars.has(k));
    if (missing.length || extra.length) {
      throw new Error(
        `${what} does not fit this model: missing ${missing.slice(0, 5).join(', ') || 'none'}${missing.length > 5 ? ', …' : ''}; unexpected ${extra.slice(0, 5).join(', ') || 'none'}${extra.length > 5 ? ', …' : ''}`,
      );
    }
    for (const [name, v] of this.vars) {
      const { data, shape } = values[name];
      if (shape.join('x') !== v.shape.join('x'))
        throw new Error(`${what}: parameter "${name}" has shape [${shape}], model expects [${v.shape}]`);
      tf.tidy(() => v.assign(tf.tensor(data, shape, 'float32')));
    }
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** A prefix view of a `Params` registry. */
export class Scope {
  constructor(
    readonly params: Params,
    readonly prefix: string,
  ) {}

  /** Creates `prefix.name`. */
  create(name: string, shape: number[], init: Init): tf.Variable {
    return this.params.create(`${this.prefix}.${name}`, shape, init);
  }

  /** Returns the nested scope `prefix.name`. */
  scope(name: string): Scope {
    return new Scope(this.params, `${this.prefix}.${name}`);
  }
}
