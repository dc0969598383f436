/**
 * Adam whose whole state is (m, v, step): the bias corrections are computed from the step count in
 * double precision, so a run resumed from a saved state takes bit-identical steps (tfjs's Adam keeps
 * running products β^t that a restore recomputes with pow, which differs in the last bits).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

/** Adam over a named parameter set. */
export class Adam {
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  /** Steps taken so far. */
  step = 0;

  constructor(
    params: Map<string, tf.Variable>,
    readonly opts: AdamOptions = { beta1: 0.9, beta2: 0.99, eps: 1e-8 },
  ) {
    for (const [name, p] of params) {
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
    }
  }

  /** Applies one step with learning rate `lr` and gradients by parameter name (every parameter needs one). */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    const { beta1, beta2, eps } = this.opts;
    this.step++;
    const c1 = 1 - Math.pow(beta1, this.step);
    const c2 = 1 - Math.pow(beta2, this.step);
    tf.tidy(() => {
      for (const [name, p] of params) {
        const g = grads.get(name);
        if (!g) throw new Error(`Adam: no gradient for parameter "${name}"`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        p.assign(tf.sub(p, tf.mul(update, lr)));
      }
    });
  }

  /** Disposes the moment estimates. */
  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
